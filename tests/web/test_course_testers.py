"""People an editor invites to try a course read its draft in the workshop preview, and
nothing more (issue 25: «until approved, the course is visible to its editors and the people
they invite to try it, and issues no certificate»)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.authoring import services as authoring
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Enrollment
from app.orgs.models import Group, Municipality
from app.orgs.services import add_member, assign_staff
from app.revisions.models import CoursePublication, CourseReview, CourseTester
from tests.helpers import count
from tests.worlds import WORKSHOP_LESSON

SLUG = "pedir-ayuda-en-el-grupo"
BASE = f"/formacion/taller/{SLUG}"
LESSON = "01-pedir-ayuda"
INVITE = f"{BASE}/personas-que-prueban"
NEUTRAL = "No encontramos a una persona con ese nombre de usuario entre las que puedes invitar."
QUIZ_LESSON = WORKSHOP_LESSON.replace(
    "## Fuentes",
    """::: prueba pedir-ayuda

### ¿A quién le pides ayuda?
- [ ] A nadie: lo resuelve sola
- [x] A la facilitadora del grupo

:::

## Fuentes""",
)
NEW_COURSE = {
    "title": "Pedir ayuda en el grupo",
    "summary": "Un curso corto.",
    "audience": "Grupos preasociativos",
    "hours": "2",
    "level": "inicial",
    "licence": "CC BY-SA 4.0",
    "authors": "Marta Facilitadora",
}


@pytest.fixture
def place(make_municipality):
    return make_municipality()


@pytest.fixture
def trainer(app, make_user, place):
    person = make_user("trainer", full_name="Marta Facilitadora")
    with app.app_context():
        assign_staff(db.session.get(User, person.id), db.session.get(Municipality, place.id))
        db.session.commit()
    return person


@pytest.fixture
def member(app, make_user, make_group, place):
    """A participant of a group of the trainer's municipality (within the trainer's reach)."""
    person = make_user("participant", full_name="Rosa Participante", username="rosa")
    group = make_group(place)
    with app.app_context():
        add_member(db.session.get(Group, group.id), db.session.get(User, person.id))
        db.session.commit()
    return person


@pytest.fixture
def author(client_as, trainer):
    """The trainer made a course with a lesson and a quiz and asked to publish it: it waits
    for an admin's approval."""
    client = client_as(trainer)
    assert client.post("/formacion/taller/nuevo", data=NEW_COURSE).status_code == 302
    response = client.post(f"{BASE}/lecciones", data={"title": "Pedir ayuda"})
    assert response.headers["Location"].endswith(f"{LESSON}.md")
    html = client.get(f"{BASE}/archivo/{LESSON}.md").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    saved = client.post(f"{BASE}/archivo/{LESSON}.md", data={"text": QUIZ_LESSON, "base": base})
    assert saved.status_code == 302
    assert client.post(f"{BASE}/publicar", data={"note": "Primera versión"}).status_code == 302
    return client


def _testers(app) -> list[tuple[str, int, int]]:
    with app.app_context():
        rows = db.session.scalars(select(CourseTester)).all()
        return [(t.course_slug, t.user_id, t.added_by_id) for t in rows]


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action)))


def test_an_editor_invites_a_participant_who_reads_the_pending_course(
    app, author, trainer, member, client_as
):
    with app.app_context():
        assert db.session.scalar(select(CourseReview.status)) == "pending"
    tester = client_as(member)
    assert tester.get(f"{BASE}/vista-previa/").status_code == 404  # not invited yet
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "Personas que prueban el curso" in page and 'name="tester-username"' in page

    response = author.post(INVITE, data={"tester-username": "rosa"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/#personas-que-prueban")
    assert _testers(app) == [(SLUG, member.id, trainer.id)]
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "course_tester_added")
        )
        assert event.actor_id == trainer.id and event.target_id == str(member.id)
        assert event.details["course"] == SLUG
    assert "Rosa Participante" in author.get(f"{BASE}/").get_data(as_text=True)

    # The tester reads the draft: the course, a lesson, its easy read and the quiz preview,
    # told what the preview is, with no link into the workshop pages they cannot open.
    outline = tester.get(f"{BASE}/vista-previa/").get_data(as_text=True)
    assert "Pedir ayuda" in outline and "Te invitaron a probar este curso" in outline
    assert f'href="{BASE}/"' not in outline and 'href="/formacion/taller/"' not in outline
    assert f'href="{BASE}/vista-previa/"' in outline
    assert "Te invitaron" not in author.get(f"{BASE}/vista-previa/").get_data(as_text=True)
    lesson = tester.get(f"{BASE}/vista-previa/{LESSON}").get_data(as_text=True)
    assert "Pedir ayuda es parte del trabajo en equipo." in lesson
    easy = tester.get(f"{BASE}/vista-previa/{LESSON}?version=facil").get_data(as_text=True)
    assert "Pedir ayuda está bien." in easy
    quiz = tester.get(f"{BASE}/vista-previa/pruebas/pedir-ayuda")
    assert quiz.status_code == 200 and "¿A quién le pides ayuda?" in quiz.get_data(as_text=True)
    answered = tester.post(f"{BASE}/vista-previa/pruebas/pedir-ayuda", data={})
    assert answered.status_code == 200

    # ...and nothing else of the workshop, nor the course outside it.
    for url in (
        f"{BASE}/",
        f"{BASE}/archivo/{LESSON}.md",
        f"{BASE}/publicar",
        f"{BASE}/historial",
        "/formacion/taller/",
    ):
        assert tester.get(url).status_code in (403, 404), url
    for url in (f"{BASE}/publicar", f"{BASE}/archivo/{LESSON}.md", INVITE, f"{BASE}/retirar"):
        assert tester.post(url, data={"note": "x", "text": "x"}).status_code in (403, 404), url
    assert tester.get(f"/cursos/{SLUG}/").status_code == 404
    assert tester.get(f"/cursos/{SLUG}/{LESSON}").status_code == 404
    assert "Pedir ayuda en el grupo" not in tester.get("/cursos/").get_data(as_text=True)
    assert tester.post(f"/cursos/{SLUG}/inscripcion").status_code == 404
    with app.app_context():
        assert count(Enrollment) == 0 and count(Certificate) == 0
        assert db.session.get(CoursePublication, SLUG) is None
        assert db.session.scalar(select(CourseReview.status)) == "pending"


def test_a_trainer_tester_of_another_course_cannot_edit_it(app, author, client_as, make_user):
    """Testers of any role get the preview only: an admin invites another trainer."""
    other = make_user("trainer", username="otro-formador")
    admin = client_as(make_user("admin"))
    assert admin.post(INVITE, data={"tester-username": "otro-formador"}).status_code == 302
    tester = client_as(other)
    assert tester.get(f"{BASE}/vista-previa/{LESSON}").status_code == 200
    assert tester.get(f"{BASE}/").status_code == 404
    assert tester.get(f"{BASE}/archivo/{LESSON}.md").status_code == 404
    assert tester.post(f"{BASE}/publicar", data={"note": "x"}).status_code == 404
    assert tester.post(INVITE, data={"tester-username": "otro-formador"}).status_code == 404
    assert SLUG not in tester.get("/formacion/taller/").get_data(as_text=True)


def test_removing_a_tester_takes_the_access_away(app, author, member, client_as):
    assert author.post(INVITE, data={"tester-username": "rosa"}).status_code == 302
    tester = client_as(member)
    assert tester.get(f"{BASE}/vista-previa/").status_code == 200
    # Only an editor removes, and only someone who is a tester.
    assert tester.post(f"{INVITE}/{member.id}/quitar").status_code == 403
    assert author.post(f"{INVITE}/999999/quitar").status_code == 404
    assert len(_testers(app)) == 1

    response = author.post(f"{INVITE}/{member.id}/quitar")
    assert response.status_code == 302
    assert _testers(app) == []
    assert "course_tester_removed" in _actions(app)
    assert tester.get(f"{BASE}/vista-previa/").status_code == 404
    assert tester.get(f"{BASE}/vista-previa/{LESSON}").status_code == 404
    assert tester.get(f"{BASE}/vista-previa/pruebas/pedir-ayuda").status_code == 404


def test_a_non_editor_cannot_invite(app, author, member, client_as, make_user, place):
    colleague = make_user("trainer")  # same municipality, not an editor of the course
    with app.app_context():
        assign_staff(db.session.get(User, colleague.id), db.session.get(Municipality, place.id))
        db.session.commit()
    for who in (colleague, make_user("coordinator"), member):
        response = client_as(who).post(INVITE, data={"tester-username": "rosa"})
        assert response.status_code in (403, 404)
    assert _testers(app) == []
    assert "course_tester_added" not in _actions(app)
    # The course's editor can (so the refusals above are about who asks).
    assert author.post(INVITE, data={"tester-username": "rosa"}).status_code == 302
    assert [user_id for _slug, user_id, _by in _testers(app)] == [member.id]


def test_someone_out_of_reach_gets_the_neutral_answer(
    app, author, member, make_user, make_municipality, make_group
):
    elsewhere = make_municipality("quillota", "Quillota")
    stranger = make_user("participant", username="lejana")
    group = make_group(elsewhere, name="Grupo de Quillota")
    with app.app_context():
        add_member(db.session.get(Group, group.id), db.session.get(User, stranger.id))
        db.session.commit()
    make_user("participant", username="sin-grupo")
    make_user("coordinator", username="coordinadora")
    make_user("participant", username="inactiva", active=False)
    answers = []
    for login in ("lejana", "sin-grupo", "coordinadora", "inactiva", "nadie-asi"):
        response = author.post(INVITE, data={"tester-username": login})
        assert response.status_code == 400, login
        answers.append(response.get_data(as_text=True))
    for html in answers:
        assert NEUTRAL in html
        assert 'aria-invalid="true"' in html
    assert _testers(app) == []
    assert "course_tester_added" not in _actions(app)


def test_inviting_twice_or_nobody_is_refused_with_a_message(app, author, member, trainer):
    assert author.post(INVITE, data={"tester-username": "rosa"}).status_code == 302
    again = author.post(INVITE, data={"tester-username": "rosa"})
    assert again.status_code == 400
    assert "Esa persona ya prueba este curso." in again.get_data(as_text=True)
    empty = author.post(INVITE, data={"tester-username": ""})
    assert empty.status_code == 400
    assert "Escribe el nombre de usuario." in empty.get_data(as_text=True)
    assert _testers(app) == [(SLUG, member.id, trainer.id)]


def test_a_tester_gets_the_drafts_media_for_the_preview(app, author, trainer, member, client_as):
    with app.test_request_context():
        ws = authoring.workspace(SLUG)
        files = {**ws.files, "media/nota.pdf": b"%PDF-1.4 una nota"}
        me = db.session.get(User, trainer.id)
        authoring.change_files(me, SLUG, ws, files, "Una nota")
        db.session.commit()
    url = f"/cursos/{SLUG}/archivos/media/nota.pdf"
    tester = client_as(member)
    assert tester.get(url).status_code == 404
    assert author.post(INVITE, data={"tester-username": "rosa"}).status_code == 302
    assert tester.get(url).data == b"%PDF-1.4 una nota"
    assert author.post(f"{INVITE}/{member.id}/quitar").status_code == 302
    assert tester.get(url).status_code == 404
