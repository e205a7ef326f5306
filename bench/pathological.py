"""Pathological course inputs: the shapes that made the checker's time grow faster than linearly.

Each family builds a whole course ({path: bytes}) whose one lesson holds a slow shape repeated
to a given size, so the benchmark (bench/bench_pathological.py) and the tests
(tests/security/test_pathological_content.py) time the same inputs. Sizes go up to what the
checker allows in one file (MAX_FILE_CHARS). Issue 25 found these through the workshop's save.
"""

from __future__ import annotations

import random
from collections.abc import Callable

COURSE_MD = """---
titulo: Curso lento
resumen: Un curso hecho para medir el tiempo de la revisión.
horas: 1
nivel: inicial
publico: Equipos de prueba
autores: Equipo
licencia: CC BY-SA 4.0
---

Introducción al [curso](01-leccion.md).
"""

LESSON_HEAD = """---
titulo: Lección lenta
minutos: 10
objetivos:
  - Medir la revisión
---

## Inicio

Texto de la lección.

"""

QUIZ_OPEN = "::: prueba\n\n"
GOOD_QUESTION = "### ¿Una pregunta?\n\n- [x] Sí\n- [ ] No\n\n"


def _course(lesson_body: str, head: str = LESSON_HEAD, easy: str = "") -> dict[str, bytes]:
    files = {
        "course.md": COURSE_MD.encode(),
        "01-leccion.md": (head + lesson_body).encode(),
    }
    if easy:
        files["01-leccion.lf.md"] = ("---\ntitulo: Lección lenta\n---\n\n" + easy).encode()
    return files


def _quiz(body: str) -> str:
    return QUIZ_OPEN + body + "\n:::\n"


# Pieces of every line pattern of the engine; generated lines mix them with long runs of spaces.
_PIECES = ("###", "#", "- [x]", "- [ ]", ">", "1.", "|", "|-", ":", "-", "[", "](#", "*", "_", "`",
           "Pista:", "¿", "?", ".", "!", "a", "ñ", "<", '="', ":::")  # fmt: skip


def generated_lines(n: int, seed: int = 25) -> str:
    """N characters or so of lines made of the pieces above and runs of 1 to 2,000 spaces."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        parts = []
        for _ in range(rng.randint(2, 6)):
            parts.append(rng.choice(_PIECES))
            parts.append(" " * rng.choice((1, 2, 40, 700, 2_000)))
        line = "".join(parts).rstrip() + rng.choice(("x", "?", "#", "|", ""))
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


# Each family: size (how many repeated units) -> course files. The unit is spaces for the
# line patterns and lines or links for the bookkeeping ones.
FAMILIES: dict[str, Callable[[int], dict[str, bytes]]] = {
    # quiz_parser _HEADING: (.*?)\s*#*\s*$ backtracked over the spaces (cubic).
    "quiz-heading-spaces": lambda n: _course(
        _quiz("### ¿Pregunta a" + " " * n + "x?\n\n- [x] Sí\n- [ ] No\n")
    ),
    "quiz-heading-hashes": lambda n: _course(
        _quiz("### ¿Pregunta" + " #" * (n // 2) + " x?\n\n- [x] Sí\n- [ ] No\n")
    ),
    # quiz_parser _OPTION / _FEEDBACK / _ITEM / _META: (.*?)\s*$ (quadratic).
    "quiz-option-spaces": lambda n: _course(
        _quiz("### ¿Pregunta?\n\n- [x] a" + " " * n + "b\n- [ ] No\n")
    ),
    "quiz-feedback-spaces": lambda n: _course(
        _quiz("### ¿Pregunta?\n\n- [x] Sí\n  > a" + " " * n + "b\n- [ ] No\n")
    ),
    "quiz-item-spaces": lambda n: _course(
        _quiz("### Ordena\n\nTipo: orden\n\n1. a" + " " * n + "b\n2. c\n")
    ),
    "quiz-meta-spaces": lambda n: _course(
        _quiz("### ¿Pregunta?\n\nPista: a" + " " * n + "b\n\n- [x] Sí\n- [ ] No\n")
    ),
    "quiz-settings-spaces": lambda n: _course(
        _quiz("Titulo: a" + " " * n + "b\n\n" + GOOD_QUESTION)
    ),
    # frontmatter _KEY_VALUE: [^:#]*?\s*: and (.*?)\s*$ (quadratic), and its error messages.
    "header-value-spaces": lambda n: _course(
        "Texto.\n",
        head="---\ntitulo: a" + " " * n + "b\nminutos: 10\nobjetivos:\n  - Medir\n---\n\n",
    ),
    "header-bad-line-spaces": lambda n: _course(
        "Texto.\n",
        head="---\ntitulo: Lección\nminutos: 10\na" + " " * n + "b\nobjetivos:\n  - Medir\n---\n\n",
    ),
    "header-key-spaces": lambda n: _course(
        "Texto.\n",
        head="---\ntitulo: Lección\nminutos: 10\na" + " " * n + "b: c\n---\n\n",
    ),
    # limits _DELIMITER: \s*(...)*\|?\s*$ on a line that looks like a delimiter row.
    "table-delimiter-spaces": lambda n: _course("| a |\n|-" + " " * n + "x\n"),
    # The table-row limit, inside a blockquote and a list item.
    "table-in-blockquote": lambda n: _course(">| a |\n>|---|\n" + ">| x |\n" * n),
    "table-in-list": lambda n: _course("- | a |\n  |---|\n" + "  | x |\n" * n),
    # Headings and anchors: duplicate bookkeeping and links to missing sections.
    "duplicate-headings": lambda n: _course("## a\n\n" * n),
    "missing-anchor-links": lambda n: _course(
        "".join(f"[ver {i}](#seccion-que-no-existe-{i})\n\n" for i in range(n))
    ),
    # lint _SENTENCE_END (easy-read sentence length): a run of dots searched from every dot.
    "missing-anchors-many-ids": lambda n: _course(
        "".join(f"## Sección {i}\n\n[ver](#c-seccion-{i}-que-no-existe)\n\n" for i in range(n))
    ),
    "sentence-dots": lambda n: _course("Texto.\n", easy="Una frase" + "." * n + "x\n"),
    "sentence-marks": lambda n: _course("Texto.\n", easy="Una frase" + "?!" * (n // 2) + "x\n"),
    # markdown-it shapes known to be slow in some Markdown parsers.
    "open-brackets": lambda n: _course("[" * n + "\n"),
    "emphasis-runs": lambda n: _course("*a _b " * (n // 6) + "\n"),
    "backtick-runs": lambda n: _course(
        " ".join("`" * (1 + i % 40) for i in range(max(1, n // 21))) + "\n"
    ),
    "nested-blockquotes": lambda n: _course(">" * n + " a\n"),
    "nested-lists": lambda n: _course("".join("  " * i + "- a\n" for i in range(min(n, 400)))),
    "html-attributes": lambda n: _course("<span " + 'a="b" ' * (n // 6) + "\n"),
    "link-labels": lambda n: _course(("[a](#b " * (n // 7)) + "\n"),
    # Generated variants: the pieces of every pattern with long runs of spaces, as lesson text,
    # inside a quiz, and as an easy-read file.
    "generated-lesson": lambda n: _course(generated_lines(n)),
    "generated-quiz": lambda n: _course(_quiz(generated_lines(n, seed=26))),
    "generated-easy-read": lambda n: _course("Texto.\n", easy=generated_lines(n, seed=27)),
}


def lesson_chars(family: str, size: int) -> int:
    """Characters of the largest Markdown file of FAMILY at SIZE."""
    files = FAMILIES[family](size)
    return max(len(data.decode()) for path, data in files.items() if path.endswith(".md"))


def allowed_size(family: str, limit: int | None = None) -> int:
    """The largest SIZE whose files stay within the checker's MAX_FILE_CHARS (or LIMIT)."""
    if limit is None:
        from app.content.limits import MAX_FILE_CHARS

        limit = MAX_FILE_CHARS - 1  # the checker counts a newline after the last line too
    low, high = 1, 1
    while lesson_chars(family, high) <= limit and high < 10_000_000:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if lesson_chars(family, middle) <= limit:
            low = middle
        else:
            high = middle
    return low


# The sizes the review (issue 25) reported as slow, for the "before" figures.
REPORTED_SIZE: dict[str, int] = {
    "quiz-heading-spaces": 3_000,
    "quiz-option-spaces": 20_000,
    "quiz-feedback-spaces": 20_000,
    "header-bad-line-spaces": 20_000,
    "duplicate-headings": 12_000,
    "missing-anchor-links": 1_000,
    "missing-anchors-many-ids": 1_000,
    "table-in-blockquote": 14_000,
}
