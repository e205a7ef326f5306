"""A new course's address says nothing of another team's drafts (issue 25).

A trainer learned that another team drafted a course from «Ya existe un curso con esa carpeta y
no eres parte de su equipo de edición» (a .zip with that folder) or from the `-2` their own course
got. Now a course in the way, whoever's it is, never stops the upload, and a taken address gets a
random ending rather than a count.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CourseEditor, CourseRevision
from tests.helpers import confirm_upload

SECRET = "plan-de-cierre-de-planta"
NEW = {
    "title": "Plan de cierre de planta",
    "summary": "Un curso.",
    "audience": "Grupos",
    "hours": "1",
    "level": "inicial",
    "licence": "CC BY-SA 4.0",
    "authors": "Equipo",
}
COURSE_MD = (
    "---\ntitulo: Plan de cierre de planta\nresumen: Un curso.\nhoras: 1\nnivel: inicial\n"
    "publico: Todas las personas\nautores: [Equipo]\nlicencia: CC BY-SA 4.0\n---\n\nIntro.\n"
)
SUFFIXED = re.compile(rf"/formacion/taller/({SECRET}-[0-9a-f]{{4}})/$")


@pytest.fixture
def hidden_draft(client_as, make_user):
    """Team A's course, a draft nobody else sees."""
    owner = make_user("trainer")
    client = client_as(owner)
    response = client.post("/formacion/taller/nuevo", data=NEW)
    assert response.headers["Location"].endswith(f"/formacion/taller/{SECRET}/")
    return owner


def _zip(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{folder}/course.md", COURSE_MD)
        zf.writestr(f"{folder}/01-inicio.md", "---\ntitulo: Inicio\nminutos: 5\n---\n\nTexto.\n")
    return buf.getvalue()


def _draft_files(app, slug):
    with app.app_context():
        draft = db.session.get(CourseDraft, slug)
        return revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))


def test_a_title_taken_by_a_hidden_draft_gets_a_random_ending_not_a_count(
    app, client_as, make_user, hidden_draft
):
    other = make_user("trainer")
    response = client_as(other).post("/formacion/taller/nuevo", data=NEW)
    assert response.status_code == 302
    match = SUFFIXED.search(response.headers["Location"])
    assert match, response.headers["Location"]
    again = client_as(make_user("trainer")).post("/formacion/taller/nuevo", data=NEW)
    second = SUFFIXED.search(again.headers["Location"])
    assert second and second.group(1) != match.group(1)
    with app.app_context():
        assert db.session.get(CourseEditor, (match.group(1), other.id)) is not None
        assert db.session.get(CourseEditor, (SECRET, other.id)) is None


def test_a_zip_named_like_a_hidden_draft_becomes_a_new_course_and_nothing_is_said(
    app, client_as, make_user, hidden_draft
):
    before = _draft_files(app, SECRET)
    other = make_user("trainer")
    client = client_as(other)
    response = client.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(_zip(SECRET)), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    slug = SUFFIXED.search(response.headers["Location"]).group(1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Subiste un curso nuevo" in page
    assert "Ya existe" not in page and "equipo de edición" not in page
    assert set(_draft_files(app, slug)) == {"course.md", "01-inicio.md"}
    assert _draft_files(app, SECRET) == before  # team A's draft is untouched
    with app.app_context():
        assert db.session.get(CourseEditor, (SECRET, other.id)) is None


def test_a_zip_of_ones_own_course_is_still_a_new_draft_of_it(app, client_as, hidden_draft):
    client = client_as(hidden_draft)
    response = client.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(_zip(SECRET)), "curso.zip")},
        content_type="multipart/form-data",
    )
    # The course has a draft: its differences are shown first, and nothing is replaced yet.
    assert "01-inicio.md" not in _draft_files(app, SECRET)
    confirmed = confirm_upload(client, response)
    assert confirmed.headers["Location"].endswith(f"/formacion/taller/{SECRET}/")
    assert "01-inicio.md" in _draft_files(app, SECRET)
