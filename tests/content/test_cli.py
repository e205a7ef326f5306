"""check_paths, format_problems and `python -m app.content check`."""

from __future__ import annotations

import json
import subprocess
import sys

from app.content import check_paths, format_problems, load_courses
from app.content.cli import main
from app.content.model import Problem

from .helpers import FIXTURES

ROOT = FIXTURES.parents[1]
BROKEN = FIXTURES / "courses-broken"


def test_broken_root_isolates_courses():
    result = load_courses(BROKEN)
    assert list(result.courses) == ["curso-sano"]
    assert {p.path.split("/")[0] for p in result.problems} == {"curso-roto"}


def test_check_paths_root_folder_and_file():
    root = check_paths([BROKEN])
    folder = check_paths([BROKEN / "curso-roto"])
    assert sorted(root, key=repr) == sorted(folder, key=repr)
    single = check_paths([BROKEN / "curso-roto" / "course.md"])
    assert {p.path for p in single} == {"curso-roto/course.md"}
    assert {(p.line, p.code) for p in single} == {
        (1, "front-matter-missing-key"),
        (2, "front-matter-unknown-key"),
    }
    assert check_paths([FIXTURES / "courses" / "curso-prueba" / "02-trabajo-en-equipo.md"]) == []


def test_check_paths_bad_inputs(tmp_path):
    assert check_paths([tmp_path / "nada"])[0].code == "no-path"
    (tmp_path / "x.md").write_text("hola")
    assert check_paths([tmp_path / "x.md"])[0].code == "not-in-course"
    assert check_paths([tmp_path])[0].code == "no-courses"


def test_format_text_and_json():
    problems = [
        Problem("c/02.md", 3, "warning", "ojo", "w"),
        Problem("c/01.md", 7, "error", "mal", "e"),
    ]
    text = format_problems(problems)
    assert text.splitlines() == [
        "c/01.md:7: error: mal",
        "c/02.md:3: warning: ojo",
        "1 error, 1 aviso.",
    ]
    data = json.loads(format_problems(problems, fmt="json"))
    assert (data["errors"], data["warnings"]) == (1, 1)
    assert data["problems"][0] == {
        "path": "c/01.md",
        "line": 7,
        "severity": "error",
        "code": "e",
        "message": "mal",
    }
    assert format_problems([]) == "Todo bien: 0 errores, 0 avisos."


def test_main_exit_codes(capsys):
    assert main(["check", str(FIXTURES / "courses")]) == 0
    assert "0 errores" in capsys.readouterr().out
    assert main(["check", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert "curso-roto/course.md:2: error: clave desconocida 'titlo'" in out
    assert main(["check", str(BROKEN / "curso-sano"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == 0


def test_module_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "app.content", "check", str(BROKEN)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 1
    expected = "curso-roto/01-inicio.md:13: error: la pregunta no tiene respuesta correcta"
    assert expected in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "7 errores, 2 avisos."


def test_no_web_framework_imports():
    for path in (ROOT / "app" / "content").glob("*.py"):
        source = path.read_text()
        assert "import flask" not in source.lower() and "from flask" not in source.lower()
        assert "sqlalchemy" not in source.lower()
