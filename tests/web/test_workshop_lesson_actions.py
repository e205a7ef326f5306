"""The workshop offers to delete or rename only what it would delete or rename (issue 25).

`GET …/lecciones/course/borrar` offered to delete course.md (and `…/01-x.lf/borrar` an easy-read
file), a deletion the POST then refused: both now answer 404, and a lesson still works.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from app.authoring import services as authoring
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CourseRevision

COURSE_MD = (
    "---\ntitulo: Curso de acciones\nresumen: Un curso.\nhoras: 1\nnivel: inicial\n"
    "publico: Todas las personas\nautores: [Equipo]\nlicencia: CC BY-SA 4.0\n---\n\nIntro.\n"
)
LESSON = "---\ntitulo: Inicio\nminutos: 5\n---\n\nTexto.\n"
SLUG = "curso-de-acciones"
BASE = f"/formacion/taller/{SLUG}"


@pytest.fixture
def author(client_as, make_user):
    client = client_as(make_user("trainer"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{SLUG}/course.md", COURSE_MD)
        zf.writestr(f"{SLUG}/01-inicio.md", LESSON)
        zf.writestr(f"{SLUG}/01-inicio.lf.md", "Texto fácil.\n")
        zf.writestr(f"{SLUG}/02-cierre.md", LESSON.replace("Inicio", "Cierre"))
    response = client.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(buf.getvalue()), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _draft_files(app) -> dict[str, bytes]:
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        return revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))


@pytest.mark.parametrize("stem", ["course", "01-inicio.lf", "03-no-existe"])
@pytest.mark.parametrize("action", ["borrar", "nombre"])
def test_what_is_not_a_lesson_is_not_offered_and_the_post_changes_nothing(
    app, author, stem, action
):
    before = _draft_files(app)
    page = author.get(f"{BASE}/lecciones/{stem}/{action}")
    assert page.status_code == 404
    assert "Sí, borrar la lección" not in page.get_data(as_text=True)
    response = author.post(f"{BASE}/lecciones/{stem}/{action}", data={"name": "otro"})
    assert response.status_code == 404
    assert _draft_files(app) == before


def test_a_lesson_is_offered_for_deletion_and_deleted(app, author):
    page = author.get(f"{BASE}/lecciones/01-inicio/borrar")
    assert page.status_code == 200
    assert "Sí, borrar la lección" in page.get_data(as_text=True)
    assert author.post(f"{BASE}/lecciones/01-inicio/borrar").status_code == 302
    files = _draft_files(app)
    assert "01-inicio.md" not in files and "01-inicio.lf.md" not in files
    assert "01-cierre.md" in files and "course.md" in files


def test_a_lesson_can_still_be_renamed(app, author):
    page = author.get(f"{BASE}/lecciones/02-cierre/nombre")
    assert page.status_code == 200
    assert (
        author.post(f"{BASE}/lecciones/02-cierre/nombre", data={"name": "final"}).status_code == 302
    )
    assert "02-final.md" in _draft_files(app)


def test_the_course_page_links_to_deleting_lessons_only(app, author):
    html = author.get(f"{BASE}/").get_data(as_text=True)
    assert f"{BASE}/lecciones/01-inicio/borrar" in html
    assert "/lecciones/course/borrar" not in html and "01-inicio.lf/borrar" not in html
    with app.app_context():
        assert authoring.course_exists(SLUG)
