"""Helpers to build small course folders in a temp dir and pick problems out."""

from __future__ import annotations

from pathlib import Path

from app.content import load_course
from app.content.model import Problem

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

COURSE_MD = """---
titulo: Curso
resumen: Un curso.
horas: 1
nivel: inicial
publico: Todas las personas
autores: Equipo
licencia: CC BY-SA 4.0
---

Introducción.
"""

LESSON_FM = """---
titulo: Lección
minutos: 10
objetivos:
  - Aprender
---
"""

EASY = """
::: lectura-facil
Texto fácil.
:::
"""


SOURCES = """
## Fuentes

- Equipo del curso.
"""


def lesson(body: str, *, easy: bool = True, fm: str = LESSON_FM, sources: bool = True) -> str:
    """A lesson file: standard front matter (6 lines), the body, an easy-read block and the
    "## Fuentes" section every lesson needs (last, so the lines above do not move)."""
    return fm + body + (EASY if easy else "") + (SOURCES if sources else "")


class CourseBuilder:
    """Write a course folder and load it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, files: dict[str, str | bytes], slug: str = "curso") -> Path:
        folder = self.root / slug
        folder.mkdir(parents=True, exist_ok=True)
        files = {"course.md": COURSE_MD, **files}
        for rel, content in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    def load(self, files: dict[str, str | bytes], slug: str = "curso"):
        return load_course(self(files, slug), root=self.root)


def find(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def only(problems: list[Problem], code: str) -> Problem:
    found = find(problems, code)
    assert len(found) == 1, (code, problems)
    return found[0]
