"""Issue 13 finding 14: a course with huge tables must not stall a sync in the sanitiser.

Before the fix a lesson with 50,000 table rows took about 98 s to load (the sanitiser's time
grows faster than linearly with the rows of one table). The checker now refuses oversized tables
and files, with an error naming file and line, before anything is parsed or sanitised.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from app.content import check_paths, load_course
from app.content.limits import MAX_FILE_CHARS, MAX_TABLE_ROWS

ROOT = Path(__file__).resolve().parents[2]

COURSE_MD = """---
titulo: Curso grande
resumen: Un curso con una tabla enorme.
horas: 1
nivel: inicial
publico: Todas las personas
autores: Equipo
licencia: CC BY-SA 4.0
---

Introducción.
"""

LESSON_HEAD = """---
titulo: Datos
minutos: 10
objetivos:
  - Leer una tabla
---

Texto antes de la tabla.

| Comuna | Grupos |
|---|---|
"""
TABLE_LINE = 10  # the header row of the table in LESSON_HEAD


def _course(root: Path, rows: int, extra: str = "") -> Path:
    folder = root / "curso-grande"
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(COURSE_MD, encoding="utf-8")
    body = "\n".join(f"| Comuna {i} | {i} |" for i in range(rows))
    (folder / "01-datos.md").write_text(
        LESSON_HEAD + body + "\n\nTexto después.\n" + extra, encoding="utf-8"
    )
    return folder


def test_fifty_thousand_rows_are_refused_quickly_with_file_and_line(tmp_path):
    folder = _course(tmp_path, 50_000)
    started = time.monotonic()
    # A subprocess, so that a regression cannot hang the suite: the timeout is only a safety net.
    run = subprocess.run(
        [sys.executable, "-m", "app.content", "check", "--format", "json", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stdout + run.stderr
    problems = json.loads(run.stdout)["problems"]
    rows = [p for p in problems if p["code"] == "table-too-many-rows"]
    assert len(rows) == 1, problems
    assert rows[0]["path"] == "curso-grande/01-datos.md"
    assert rows[0]["line"] == TABLE_LINE
    assert rows[0]["severity"] == "error"
    assert "50000 filas" in rows[0]["message"]
    assert f"máximo es {MAX_TABLE_ROWS}" in rows[0]["message"]
    assert elapsed < 30, f"checking took {elapsed:.1f} s"


def test_a_table_at_the_limit_still_loads(tmp_path):
    course, problems = load_course(_course(tmp_path, MAX_TABLE_ROWS))
    assert [p for p in problems if p.severity == "error"] == []
    assert course is not None
    html = "".join(b.html for b in course.lessons[0].body)
    assert html.count("<tr>") == MAX_TABLE_ROWS + 1  # the header row too


def test_one_row_over_the_limit_is_an_error_and_the_course_is_not_published(tmp_path):
    course, problems = load_course(_course(tmp_path, MAX_TABLE_ROWS + 1))
    assert course is None
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.code, p.line) for p in errors] == [("table-too-many-rows", TABLE_LINE)]
    assert errors[0].format().startswith(f"curso-grande/01-datos.md:{TABLE_LINE}: error: ")


def test_a_table_inside_a_code_block_is_not_counted(tmp_path):
    fence = "```\n| a | b |\n|---|---|\n" + "| x | y |\n" * (MAX_TABLE_ROWS + 5) + "```\n"
    course, problems = load_course(_course(tmp_path, 3, extra="\n" + fence))
    assert [p for p in problems if p.severity == "error"] == []
    assert course is not None


def test_an_oversized_lesson_is_refused_at_the_line_where_it_goes_over(tmp_path):
    folder = _course(tmp_path, 3)
    paragraph = "Una frase de relleno para hacer crecer la lección. " * 20 + "\n\n"
    repeats = MAX_FILE_CHARS // len(paragraph) + 2
    (folder / "02-largo.md").write_text(LESSON_HEAD + paragraph * repeats, encoding="utf-8")
    started = time.monotonic()
    problems = check_paths([folder])
    assert time.monotonic() - started < 30
    too_large = [p for p in problems if p.code == "file-too-large"]
    assert len(too_large) == 1, problems
    problem = too_large[0]
    assert problem.path == "curso-grande/02-largo.md"
    lines = (folder / "02-largo.md").read_text(encoding="utf-8").splitlines()
    assert sum(len(line) + 1 for line in lines[: problem.line]) > MAX_FILE_CHARS
    assert sum(len(line) + 1 for line in lines[: problem.line - 1]) <= MAX_FILE_CHARS
    assert "60.000 caracteres" in problem.message
    assert "divídelo" in problem.message
