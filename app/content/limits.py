"""Size limits checked on a file's lines before any parsing or sanitising.

The sanitiser's time grows faster than linearly with the rows of one table (5,000 rows took 2 s
and 50,000 rows 98 s during a course sync: issue 13, finding 14), so an oversized file is refused
here, cheaply, with an error that says where it went over the limit.
"""

from __future__ import annotations

import re

from .problems import Reporter

# The largest shipped lesson has about 13,000 characters; a table of 300 rows is already far too
# long to read on a phone. Both limits leave a wide margin and keep a sync well under a second.
MAX_FILE_CHARS = 200_000
MAX_TABLE_ROWS = 300

# A GFM table's delimiter row: | --- | :---: | ---: | (outer pipes optional, one pipe at least
# unless it is the only column).
_DELIMITER = re.compile(r"^\s{0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Chilean style: 200.000


def _is_delimiter(line: str) -> bool:
    return "|" in line and "-" in line and _DELIMITER.match(line) is not None


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
                rep.error(
                    display,
                    start + 1,
                    "table-too-many-rows",
                    f"la tabla tiene {rows} filas y el máximo es {MAX_TABLE_ROWS}; divídela en "
                    "tablas más cortas o publica los datos como PDF en media/",
                )
                ok = False
            continue
        i += 1
    return ok
