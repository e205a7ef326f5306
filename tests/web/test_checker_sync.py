"""`flask courses sync` speaks Spanish and tells the truth; counts agree; a clear result date."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from app.extensions import db
from app.quizzes.models import QuizAttempt
from tests.helpers import FIXTURE_COURSES, correct_form

COURSE_MD = """---
titulo: Curso corto
resumen: Un curso.
horas: 1
nivel: inicial
publico: Todas las personas
autores: Equipo
licencia: CC BY-SA 4.0
---

Introducción.
"""
LESSON = """---
titulo: Inicio
minutos: 10
objetivos:
  - Aprender
---

Texto.

::: lectura-facil
Texto fácil.
:::

## Fuentes

- Equipo del curso.
"""


def write_course(root: Path, course_md: str = COURSE_MD, lesson: str = LESSON) -> Path:
    folder = root / "curso-corto"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.md").write_text(course_md, encoding="utf-8")
    (folder / "01-inicio.md").write_text(lesson, encoding="utf-8")
    return folder


def test_sync_says_published_in_spanish(make_app, tmp_path):
    write_course(tmp_path / "courses")
    app = make_app(COURSES_DIR=str(tmp_path / "courses"), COURSE_CACHE_DIR=str(tmp_path / "c"))
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    line = r"^curso-corto: publicado \(versión \w{12}, 1 lección\) · revisión 1 guardada$"
    assert re.search(line, result.output, re.M)
    assert "published" not in result.output and "lessons" not in result.output
    assert "muestran estos cambios en un par de segundos, sin reiniciarlos" in result.output


def test_a_broken_course_is_not_published_and_the_last_good_version_stays(make_app, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses)
    app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    first = app.test_cli_runner().invoke(args=["courses", "sync"])
    version = re.search(r"versión (\w{12})", first.output).group(1)

    write_course(courses, COURSE_MD.replace("titulo: Curso corto", "titulo: Curso: corto"))
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 1
    assert (
        f"curso-corto: NO publicado: tiene 1 error; se sigue mostrando la última versión buena "
        f"(versión {version}, 1 lección)"
    ) in result.output
    assert "curso-corto/course.md:2: error: error de formato en la cabecera: el valor de " in (
        result.output
    )
    assert "1 error, 0 avisos." in result.output
    assert "Hay cursos con errores: no se publicaron." in result.output
    assert "published" not in result.output

    # A new server (or a reload) starts from the cache and still serves the good version.
    again = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    page = again.test_client().get("/cursos/curso-corto/")
    assert page.status_code == 200 and "Curso corto" in page.get_data(as_text=True)


def test_a_course_that_never_loaded_is_not_shown(make_app, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES.parent / "courses-broken", courses)
    app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 1
    assert re.search(
        r"^curso-roto: NO publicado: tiene \d+ errores y no hay una versión anterior buena, así "
        r"que no se muestra$",
        result.output,
        re.M,
    )
    line = r"^curso-sano: publicado \(versión \w{12}, 1 lección\) · revisión 1 guardada$"
    assert re.search(line, result.output, re.M)


def test_the_course_check_page_counts_in_agreement(make_app, make_user, login_as, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses, lesson=LESSON.replace("Texto.\n", "Mira [aquí](01-inicio.md).\n", 1))
    app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    client = app.test_client()
    login_as(client, make_user("trainer"))
    html = client.get("/formacion/taller/curso-corto/vista-previa/").get_data(as_text=True)
    assert "0 errores y 1 aviso." in html
    # The page checks the folder as it is now; the course keeps its last good version.
    write_course(courses, lesson=LESSON.replace("Texto.\n", "Mira [aquí](02-nada.md).\n", 1))
    html = client.get("/formacion/taller/curso-corto/vista-previa/").get_data(as_text=True)
    assert "1 error y 1 aviso." in html
    assert "1 errores" not in html and "1 avisos" not in html


def test_the_result_page_gives_the_date_in_words(client, make_user, login_as, app):
    from app.course_store import get_store

    with app.app_context():
        course = get_store().get("curso-prueba")
    login_as(client, make_user())
    client.post("/cursos/curso-prueba/inscripcion")
    response = client.post("/cursos/curso-prueba/pruebas/repaso-cooperativas/intentos")
    attempt_id = int(re.search(r"/intentos/(\d+)", response.headers["Location"]).group(1))
    form = {**correct_form(course.quizzes["repaso-cooperativas"]), "accion": "enviar"}
    client.post(f"/intentos/{attempt_id}", data=form)
    with app.app_context():
        # 04:53 UTC is 01:53 in Santiago in November (summer time, UTC-3).
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(submitted_at=datetime(2026, 11, 30, 4, 53))
        )
        db.session.commit()
    html = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
    assert "enviado el 30 de noviembre de 2026, 01:53." in html
    assert "a. m.." not in html and "30-11-26" not in html
