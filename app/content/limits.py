"""Size limits: on a file's lines before any parsing, and on a page's parsed tokens.

The sanitiser's time grows faster than linearly with the rows of one table (5,000 rows took 2 s
and 50,000 rows 98 s during a course sync: issue 13, finding 14), so an oversized file is refused
here, cheaply, with an error that says where it went over the limit. Rendering and sanitising
cost about 30 microseconds per Markdown token, so a page of 60,000 characters of one-character
paragraphs, links or headings took seconds: the number of tokens of a page is bounded too, and
tables are counted again on the tokens, wherever they sit (in a quote or a list item the line
check does not see them; issue 25).
"""

from __future__ import annotations

import re
from typing import Any

from .problems import Reporter

# The largest shipped lesson has about 18,000 characters and 950 tokens; a table of 300 rows is
# already far too long to read on a phone. The limits leave a wide margin and keep the check of a
# file of any shape under a second (bench/bench_pathological.py).
MAX_FILE_CHARS = 60_000
MAX_TABLE_ROWS = 300
MAX_PAGE_TOKENS = 12_000

# A GFM table's delimiter row: | --- | :---: | ---: |
# (outer pipes optional, one pipe at least unless it is the only column). Matched against the
# line without its trailing spaces: a final \s*$ after the last cell's \s* tried every split of a
# run of spaces (quadratic; issue 25).
_DELIMITER = re.compile(r"^\s{0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Chilean style: 200.000


def _is_delimiter(line: str) -> bool:
    return "|" in line and "-" in line and _DELIMITER.match(line.rstrip()) is not None


def _table_message(rows: int) -> str:
    return (
        f"la tabla tiene {rows} filas y el máximo es {MAX_TABLE_ROWS}; divídela en tablas más "
        "cortas o publica los datos como PDF en media/"
    )


def token_problem(tokens: list[Any]) -> tuple[int, str, str] | None:
    """(line, code, message) of the first limit a page's parsed tokens pass, or None.

    TOKENS are markdown-it tokens whose meta holds their file line (tokens.annotate_lines)."""
    count = 0
    rows = 0
    table_line = 0
    for tok in tokens:
        count += 1 + len(tok.children or ())
        if count > MAX_PAGE_TOKENS:
            return (
                tok.meta.get("line", 1),
                "page-too-complex",
                f"la página pasa de {_thousands(MAX_PAGE_TOKENS)} elementos (párrafos, títulos, "
                "enlaces, énfasis, filas…) en esta línea; divídela en varias lecciones",
            )
        if tok.type == "table_open":
            rows, table_line = 0, tok.meta.get("line", 1)
        elif tok.type == "tr_open":
            rows += 1
        elif tok.type == "table_close" and rows - 1 > MAX_TABLE_ROWS:
            return table_line, "table-too-many-rows", _table_message(rows - 1)
    return None


def check_limits(lines: list[str], display: str, rep: Reporter) -> bool:
    """Report a file that is too long or has too many table rows; False when it must be skipped."""
    ok = True
    size = 0
    for n, line in enumerate(lines, start=1):
        size += len(line) + 1
        if size > MAX_FILE_CHARS:
            rep.error(
                display,
                n,
                "file-too-large",
                f"el archivo pasa de {_thousands(MAX_FILE_CHARS)} caracteres en esta línea; "
                "divídelo en varias lecciones",
            )
            ok = False
            break
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            i += 1
            continue
        if opening:
            fence = opening.group(1)
            i += 1
            continue
        if i + 1 < len(lines) and "|" in line and _is_delimiter(lines[i + 1]):
            start = i
            i += 2
            while i < len(lines) and lines[i].strip():
                i += 1
            rows = i - start - 2
            if rows > MAX_TABLE_ROWS:
                rep.error(display, start + 1, "table-too-many-rows", _table_message(rows))
                ok = False
            continue
        i += 1
    return ok
