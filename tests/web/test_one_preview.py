"""One preview of a course (issue 20 §5): the workshop's, for every course a trainer may preview.

Its editors and testers read the workshop draft; every other trainer or admin reads the version
the site serves (never a draft of the workshop), a folder course with its folder checker's
problems by file and line; nobody else learns the course exists.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.authoring import services as authoring
from app.course_store import get_store
from app.extensions import db
from app.quizzes.models import QuizAttempt
from tests.content.helpers import COURSE_MD
from tests.content.helpers import lesson as lesson_file
from tests.helpers import NEW_COURSE_FORM, NEW_COURSE_SLUG, correct_form
from tests.worlds import COURSE, LESSON, QUIZ

PREVIEW = f"/formacion/taller/{COURSE}/vista-previa"
MARKER = "Una frase que solo tiene el borrador del taller."


@pytest.fixture
def editor(app, make_user):
    """A trainer who edits COURSE and has a draft with MARKER in its first lesson."""
    person = make_user("trainer", full_name="Marta Editora")
    with app.app_context():
        me = db.session.get(User, person.id)
        authoring.add_editor(me, COURSE, me)
        ws = authoring.workspace(COURSE)
        lesson = f"{LESSON}.md"
        text = ws.files[lesson].decode("utf-8").replace("## Qué es\n", f"## Qué es\n\n{MARKER}\n")
        authoring.change_files(me, COURSE, ws, {**ws.files, lesson: text.encode()}, "Borrador")
        db.session.commit()
    return person


def test_a_trainer_who_does_not_edit_the_course_previews_the_version_served(
    app, client_as, make_user, editor
):
    colleague = client_as(make_user("trainer"))
    outline = colleague.get(f"{PREVIEW}/").get_data(as_text=True)
    assert "Vista previa para el equipo: así verán el curso" in outline
    assert "Vista previa del borrador" not in outline
    with app.app_context():
        served = get_store().get(COURSE)
    assert f'Publicado · versión <span class="code">{served.version}</span>' in outline
    lesson = colleague.get(f"{PREVIEW}/{LESSON}").get_data(as_text=True)
    assert "Una cooperativa es una empresa de personas" in lesson and MARKER not in lesson
    assert "Vista previa para el equipo: así verán la lección" in lesson
    assert "/archivo/" not in lesson  # no way into the editor of a course they do not edit
    # The course's editor reads the draft, as before.
    mine = client_as(editor).get(f"{PREVIEW}/{LESSON}").get_data(as_text=True)
    assert MARKER in mine and "Vista previa del borrador" in mine


def test_a_trainer_tries_a_quiz_of_the_version_served_and_nothing_is_recorded(
    app, client_as, make_user
):
    colleague = client_as(make_user("trainer"))
    with app.app_context():
        quiz = get_store().get(COURSE).quizzes[QUIZ]
    url = f"{PREVIEW}/pruebas/{QUIZ}"
    assert colleague.get(url).status_code == 200
    result = colleague.post(url, data=correct_form(quiz)).get_data(as_text=True)
    assert "Aprobaría la prueba" in result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


@pytest.mark.parametrize("role", ["participant", "coordinator"])
def test_the_preview_stays_closed_to_everyone_else(client_as, make_user, role):
    other = client_as(make_user(role))
    for url in (f"{PREVIEW}/", f"{PREVIEW}/{LESSON}", f"{PREVIEW}/pruebas/{QUIZ}"):
        assert other.get(url).status_code == 404, url
    for url in (f"/formacion/cursos/{COURSE}/", f"/formacion/cursos/{COURSE}/{LESSON}"):
        assert other.get(url).status_code == 403, url


def test_a_draft_never_published_stays_with_its_editors(app, client_as, make_user):
    author = client_as(make_user("trainer"))
    assert author.post("/formacion/taller/nuevo", data=NEW_COURSE_FORM).status_code == 302
    outline = author.get(f"/formacion/taller/{NEW_COURSE_SLUG}/vista-previa/")
    assert outline.status_code == 200 and "Vista previa del borrador" in outline.get_data(True)
    colleague = client_as(make_user("trainer"))
    assert colleague.get(f"/formacion/taller/{NEW_COURSE_SLUG}/vista-previa/").status_code == 404
    old = f"/formacion/cursos/{NEW_COURSE_SLUG}/"
    assert colleague.get(old, follow_redirects=True).status_code == 404
    assert NEW_COURSE_SLUG not in colleague.get("/formacion/cursos").get_data(as_text=True)


def test_a_folder_course_shows_its_checkers_problems_by_file_and_line(
    make_app, make_user, client_as, tmp_path
):
    folder = tmp_path / "courses" / "curso-corto"
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(COURSE_MD, encoding="utf-8")
    (folder / "01-inicio.md").write_text(
        lesson_file("\nTexto.\n\nMira [aquí](01-inicio.md).\n"), encoding="utf-8"
    )
    app = make_app(COURSES_DIR=str(tmp_path / "courses"), COURSE_CACHE_DIR=str(tmp_path / "c"))
    trainer = client_as(make_user("trainer"), app)
    outline = trainer.get("/formacion/taller/curso-corto/vista-previa/").get_data(as_text=True)
    assert "0 errores y 1 aviso." in outline
    lesson = trainer.get("/formacion/taller/curso-corto/vista-previa/01-inicio")
    html = lesson.get_data(as_text=True)
    assert lesson.status_code == 200 and "Texto." in html
    assert (
        '<span class="code">01-inicio.md</span>, línea 10: el texto del enlace «aquí»'
        in " ".join(html.split())
    )
    assert "0 errores y 1 aviso." in html
