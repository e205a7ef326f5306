"""A workshop course's first publication, and any change of its title, hours or certificate
settings, waits for an admin's approval; certificates name the team that made the course
(issue 25: «Any trainer publishes any course, with any title and hours»)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.authoring import services as authoring
from app.certificates.models import Certificate
from app.course_store import get_store
from app.errors import DomainError
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Enrollment
from app.orgs.models import Municipality
from app.orgs.services import assign_staff
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CoursePublication, CourseReview
from tests.helpers import count
from tests.worlds import WORKSHOP_LESSON

FAKE = {
    "title": "Diplomado en Gestión Cooperativa Universidad de Chile",
    "summary": "Un diplomado.",
    "audience": "Todo público",
    "hours": "200",
    "level": "inicial",
    "licence": "CC BY-SA 4.0",
    "authors": "Marta Facilitadora",
}
SLUG = "diplomado-en-gestion-cooperativa-universidad-de-chile"
BASE = f"/formacion/taller/{SLUG}"
LESSON_PATH = "01-pedir-ayuda.md"
QUEUE = "/admin/cursos/aprobaciones"


@pytest.fixture
def trainer(app, make_user, make_municipality):
    """A trainer of Monte Patria's team."""
    person = make_user("trainer", full_name="Marta Facilitadora")
    place = make_municipality()
    with app.app_context():
        assign_staff(db.session.get(User, person.id), db.session.get(Municipality, place.id))
        db.session.commit()
    return person


@pytest.fixture
def author(client_as, trainer):
    client = client_as(trainer)
    assert client.post("/formacion/taller/nuevo", data=FAKE).status_code == 302
    response = client.post(f"{BASE}/lecciones", data={"title": "Pedir ayuda"})
    assert response.headers["Location"].endswith(LESSON_PATH)
    _save(client, LESSON_PATH, WORKSHOP_LESSON)
    return client


@pytest.fixture
def admin(client_as, make_user):
    return client_as(make_user("admin", full_name="Ana Administradora"))


def _save(client, path: str, text: str):
    html = client.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(f"{BASE}/archivo/{path}", data={"text": text, "base": base})
    assert response.status_code == 302, response.get_data(as_text=True)


def _course_md(client) -> str:
    html = client.get(f"{BASE}/archivo/course.md").get_data(as_text=True)
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    return text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&").lstrip("\n")


def _publish(client, note: str = "Primera versión"):
    response = client.post(f"{BASE}/publicar", data={"note": note})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _pending_id(app) -> int:
    with app.app_context():
        review_id = db.session.scalar(
            select(CourseReview.id).where(CourseReview.status == "pending")
        )
    assert review_id is not None
    return review_id


def _approve(app, admin) -> None:
    response = admin.post(f"{QUEUE}/{_pending_id(app)}/aprobar")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_first_publish_waits_and_the_course_is_in_no_catalogue(
    app, author, client, client_as, make_user
):
    response = _publish(author)
    assert response.headers["Location"].endswith(f"{BASE}/")
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "espera la aprobación del equipo administrador" in page
    waiting = author.get(f"{BASE}/publicar").get_data(as_text=True)
    assert "Esta versión espera la aprobación" in waiting and 'name="note"' not in waiting
    with app.app_context():
        review = db.session.scalar(select(CourseReview))
        assert review.status == "pending" and review.course_slug == SLUG
        assert review.base_revision_id is None and review.note == "Primera versión"
        assert db.session.get(CoursePublication, SLUG) is None
        assert db.session.get(CourseDraft, SLUG) is not None  # the editors keep working on it
        assert "course_review_requested" in set(db.session.scalars(select(AuditEvent.action)))
    participant = client_as(make_user("participant"))
    for who in (client, participant):
        assert FAKE["title"] not in who.get("/cursos/").get_data(as_text=True)
        assert FAKE["title"] not in who.get("/").get_data(as_text=True)
        assert who.get(f"/cursos/{SLUG}/").status_code == 404
        assert who.get(f"/cursos/{SLUG}/01-pedir-ayuda").status_code == 404
    assert participant.post(f"/cursos/{SLUG}/inscripcion").status_code == 404
    with app.app_context():
        assert count(Enrollment) == 0
    # Its editors still see it, in the workshop's preview.
    assert author.get(f"{BASE}/vista-previa/01-pedir-ayuda").status_code == 200


def test_the_admin_queue_shows_the_request_with_its_diff(app, author, admin):
    _publish(author)
    queue = admin.get(QUEUE).get_data(as_text=True)
    assert SLUG in queue and "Marta Facilitadora" in queue and "Primera versión" in queue
    assert FAKE["title"] in queue
    page = admin.get(f"{QUEUE}/{_pending_id(app)}").get_data(as_text=True)
    assert "Primera publicación del curso" in page
    assert FAKE["title"] in page and "<td>200</td>" in page
    assert "Pedir ayuda es parte del trabajo en equipo." in page  # the lesson diff
    assert "Equipo de formación de Monte Patria" in page  # who its certificates will name
    assert admin.get("/admin/").get_data(as_text=True).count("Cursos que esperan aprobación")


def test_only_admins_reach_the_queue(app, author, client_as, make_user):
    _publish(author)
    review_id = _pending_id(app)
    for role in ("trainer", "coordinator", "participant"):
        other = client_as(make_user(role))
        assert other.get(QUEUE).status_code in (403, 404)
        assert other.post(f"{QUEUE}/{review_id}/aprobar").status_code in (403, 404)
    assert author.post(f"{QUEUE}/{review_id}/aprobar").status_code in (403, 404)
    with app.app_context():
        assert db.session.get(CourseReview, review_id).status == "pending"
        assert db.session.get(CoursePublication, SLUG) is None


def test_an_approved_course_is_published_and_the_decision_audited(app, author, admin, client):
    _publish(author)
    _approve(app, admin)
    assert FAKE["title"] in client.get("/cursos/").get_data(as_text=True)
    assert client.get(f"/cursos/{SLUG}/01-pedir-ayuda").status_code == 200
    with app.app_context():
        review = db.session.scalar(select(CourseReview))
        assert review.status == "approved" and review.decided_by_id is not None
        assert revisions.published_revision(SLUG).id == review.revision_id
        assert db.session.get(CourseDraft, SLUG) is None
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "course_review_approved")
        )
        assert event.actor_id == review.decided_by_id and event.details["course"] == SLUG
    # Decided once: approving again is refused with a message, nothing changes.
    again = admin.post(f"{QUEUE}/{review.id}/aprobar", follow_redirects=True)
    assert "ya fue revisada" in again.get_data(as_text=True)


def test_sending_back_needs_a_note_and_the_editors_read_it(app, author, admin, client):
    _publish(author)
    review_id = _pending_id(app)
    refused = admin.post(f"{QUEUE}/{review_id}/devolver", data={"note": "  "})
    assert refused.status_code == 400
    assert "Escribe qué debe cambiar el equipo del curso." in refused.get_data(as_text=True)
    note = "El título no puede nombrar a una universidad: cámbialo y revisa las horas."
    response = admin.post(f"{QUEUE}/{review_id}/devolver", data={"note": note})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.get(CourseReview, review_id)
        assert review.status == "returned" and review.decision_note == note
        assert db.session.get(CoursePublication, SLUG) is None
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "course_review_returned")
        )
        assert event.details["note"] == note
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "no aprobó la publicación" in page and "nombrar a una universidad" in page
    assert client.get(f"/cursos/{SLUG}/").status_code == 404
    assert "No hay cursos esperando aprobación." in admin.get(QUEUE).get_data(as_text=True)


def test_lesson_text_goes_live_at_once_but_title_hours_and_certificate_wait(
    app, author, admin, client
):
    _publish(author)
    _approve(app, admin)
    _save(author, LESSON_PATH, WORKSHOP_LESSON.replace("parte del", "parte esencial del"))
    published = author.post(f"{BASE}/publicar", data={"note": "Una palabra"})
    assert published.headers["Location"].endswith(f"{BASE}/historial")
    assert "parte esencial" in client.get(f"/cursos/{SLUG}/01-pedir-ayuda").get_data(as_text=True)
    original = _course_md(author)
    changes = {
        "titulo": original.replace(FAKE["title"], "Diplomado oficial de la red"),
        "horas": original.replace("horas: 200", "horas: 400"),
        "certificado": original.replace("certificado: true", "certificado: false"),
        "aprobacion": original.replace("---\n\n", "aprobacion:\n  pruebas: ninguna\n---\n\n", 1),
    }
    for key, text in changes.items():
        assert text != original, key
        _save(author, "course.md", text)
        page = author.get(f"{BASE}/publicar").get_data(as_text=True)
        assert "necesita la aprobación del equipo administrador" in page, key
        waits = _publish(author, f"Cambio de {key}")
        assert waits.headers["Location"].endswith(f"{BASE}/"), key
        with app.app_context():
            served = get_store().get(SLUG)
            assert served.title == FAKE["title"] and served.hours == 200, key
            assert served.certificate is True and served.completion.quizzes == "all", key
            pending = db.session.scalars(
                select(CourseReview).where(CourseReview.status == "pending")
            ).all()
            assert len(pending) == 1 and pending[0].note == f"Cambio de {key}", key
        _save(author, "course.md", original)
    # The last request (certificate settings) is replaced by what went live since? No: the
    # draft is back at the approved settings, so publishing it is immediate and closes it.
    _publish(author, "Vuelve a lo aprobado")
    with app.app_context():
        assert count(CourseReview, CourseReview.status == "pending") == 0
        assert count(CourseReview, CourseReview.status == "superseded") == 4


def test_an_approved_title_change_is_served_after_approval(app, author, admin, client):
    _publish(author)
    _approve(app, admin)
    _save(author, "course.md", _course_md(author).replace(FAKE["title"], "Pedir ayuda en equipo"))
    _publish(author, "Título más claro")
    assert FAKE["title"] in client.get("/cursos/").get_data(as_text=True)
    page = admin.get(f"{QUEUE}/{_pending_id(app)}").get_data(as_text=True)
    assert "Cambios respecto de la versión aprobada" in page
    assert FAKE["title"] in page and "Pedir ayuda en equipo" in page
    _approve(app, admin)
    catalogue = client.get("/cursos/").get_data(as_text=True)
    assert "Pedir ayuda en equipo" in catalogue and FAKE["title"] not in catalogue


def test_going_back_to_a_version_with_another_title_waits_too(app, author, admin, client):
    _publish(author)
    _approve(app, admin)
    with app.app_context():
        approved = revisions.published_revision(SLUG).number
    # A saved (never published) version with another title, then back to the approved text.
    _save(author, "course.md", _course_md(author).replace(FAKE["title"], "Título sin revisar"))
    with app.app_context():
        unreviewed = db.session.get(CourseDraft, SLUG).revision_id
        number = db.session.get(revisions.CourseRevision, unreviewed).number
    assert number > approved
    response = author.post(f"{BASE}/historial/{number}/volver", follow_redirects=True)
    assert "Pediste la aprobación" in response.get_data(as_text=True)
    assert "Título sin revisar" not in client.get("/cursos/").get_data(as_text=True)
    with app.app_context():
        assert revisions.published_revision(SLUG).number == approved


def test_an_admin_publishing_from_the_workshop_needs_no_request(app, client_as, make_user):
    admin = client_as(make_user("admin"))
    assert admin.post("/formacion/taller/nuevo", data=FAKE).status_code == 302
    admin.post(f"{BASE}/lecciones", data={"title": "Pedir ayuda"})
    _save(admin, LESSON_PATH, WORKSHOP_LESSON)
    response = _publish(admin)
    assert response.headers["Location"].endswith(f"{BASE}/historial")
    with app.app_context():
        assert revisions.published_revision(SLUG) is not None
        assert count(CourseReview) == 0


def test_enrolment_refuses_a_course_that_is_not_published(app, author, make_user):
    _publish(author)
    participant = make_user("participant")
    with app.test_request_context():
        course = authoring.workspace(SLUG).course  # the draft, checked: it loads
        assert course is not None
        with pytest.raises(DomainError, match="no está publicado"):
            learning.enroll(db.session.get(User, participant.id), course)
        db.session.rollback()
        assert count(Enrollment) == 0


def _complete(app, user_id: int) -> Certificate:
    with app.test_request_context():
        user = db.session.get(User, user_id)
        course = get_store().get(SLUG)
        learning.enroll(user, course)
        for lesson in course.lessons:
            learning.complete_lesson(user, course, lesson)
        db.session.commit()
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))
        assert certificate is not None
        db.session.expunge(certificate)
        return certificate


def test_the_certificate_and_the_verify_page_name_the_team_that_made_the_course(
    app, author, admin, client, client_as, make_user
):
    _publish(author)
    _approve(app, admin)
    holder = make_user("participant", full_name="Rosa Participante")
    certificate = _complete(app, holder.id)
    assert certificate.issuer_name == "Equipo de formación de Monte Patria"
    assert certificate.course_title == FAKE["title"] and certificate.hours == 200
    page = client.get(f"/verificar/{certificate.code}").get_data(as_text=True)
    assert "Certificado válido" in page
    assert "emitido por Equipo de formación de Monte Patria" in page
    assert "emitido por Aula REFICOOP y" not in page
    facts = re.search(r'<dl class="certificate-facts">.*?</dl>', page, re.S).group(0)
    assert "Equipo de formación de Monte Patria" in facts and "REFICOOP)" not in facts
    pdf = client_as(holder).get(f"/certificados/{certificate.id}.pdf").data
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Equipo de formación de Monte Patria" in text
    assert "Emitido por Red para el Fomento" not in text


def test_a_course_of_the_network_folder_still_names_the_network(app, ctx, make_user):
    holder = make_user("participant")
    user = db.session.get(User, holder.id)
    course = get_store().get("curso-prueba")
    enrollment = learning.enroll(user, course)
    db.session.flush()
    from app.certificates.services import issue_certificate, issuer_of

    enrollment.status = "completed"
    certificate = issue_certificate(enrollment, course)
    assert certificate.issuer_name == ""
    assert issuer_of(certificate).startswith("Red para el Fomento")
    db.session.rollback()


def test_the_demo_has_a_workshop_course_waiting_for_approval(app, runner, client, client_as):
    for _ in range(2):  # made once, however often the demo runs
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        waiting = db.session.scalars(select(CourseReview)).all()
        assert [r.status for r in waiting] == ["pending"]
        slug = waiting[0].course_slug
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        admin.set_password("contrasena-de-prueba-larga")
        db.session.commit()
        admin_id = admin.id
    assert client.get(f"/cursos/{slug}/").status_code == 404
    with app.app_context():
        admin = db.session.get(User, admin_id)
        db.session.expunge(admin)
    queue = client_as(admin, password="contrasena-de-prueba-larga").get(QUEUE)
    assert "ferias-y-ventas-en-comunidad" in queue.get_data(as_text=True)


def test_a_network_course_edited_in_the_workshop_keeps_its_hours_until_approved(
    app, trainer, client_as, client, admin
):
    """A course of the operator's folder, never synced: its folder is the approved version."""
    with app.test_request_context():
        me = db.session.get(User, trainer.id)
        authoring.add_editor(me, "curso-prueba", me)
        db.session.commit()
    editor = client_as(trainer)
    page = "/formacion/taller/curso-prueba/archivo/course.md"
    html = editor.get(page).get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1).lstrip("\n")
    text = text.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    assert "horas: 2\n" in text
    saved = editor.post(
        page, data={"text": text.replace("horas: 2\n", "horas: 120\n"), "base": base}
    )
    assert saved.status_code == 302
    response = editor.post("/formacion/taller/curso-prueba/publicar", data={"note": "Más horas"})
    assert response.headers["Location"].endswith("/formacion/taller/curso-prueba/")
    with app.app_context():
        assert get_store().get("curso-prueba").hours == 2
        assert count(CourseReview, CourseReview.status == "pending") == 1
    assert "120" not in client.get("/cursos/curso-prueba/").get_data(as_text=True)
    review = admin.get(f"{QUEUE}/{_pending_id(app)}").get_data(as_text=True)
    assert "<td>2</td><td>120</td>" in review  # the hours, approved and requested
    assert "horas: 120" in review and "02-trabajo-en-equipo.md" not in review  # only course.md
