"""Mis datos: export, deletion requests, and anonymisation that keeps totals and certificates."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.quizzes.models import QuizAttempt
from tests.helpers import PASSWORD, count
from tests.worlds import build_scenario


def _world(app):
    with app.app_context():
        scenario = build_scenario()
        ids = {role: user.id for role, user in scenario.users.items()}
        code = db.session.scalar(
            select(Certificate.code).where(Certificate.user_id == ids["participant"])
        )
    return ids, code


def test_participant_downloads_their_data_as_json_and_csv(app, client, client_as):
    _world(app)
    client = client_as("participant-e2e")
    page = client.get("/cuenta/mis-datos").get_data(as_text=True)
    assert "Mis datos" in page and "participant-e2e" in page
    response = client.get("/cuenta/mis-datos.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["username"] == "participant-e2e"
    assert data["enrollments"][0]["course"] == "curso-prueba"
    assert data["quiz_attempts"] and data["quiz_attempts"][0]["answers"]
    assert data["lessons_completed"]
    assert "password_hash" not in json.dumps(data)
    csv_text = client.get("/cuenta/mis-datos.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["seccion", "numero", "campo", "valor"]
    assert ["perfil", "1", "username", "participant-e2e"] in rows


def test_data_export_only_holds_the_requesters_data(app, client_as):
    _world(app)
    data = json.loads(client_as("trainer-e2e").get("/cuenta/mis-datos.json").get_data(as_text=True))
    assert data["profile"]["username"] == "trainer-e2e"
    assert data["quiz_attempts"] == [] and data["certificates"] == []


def test_deletion_request_and_cancel(app, ctx, client_as):
    ids, _code = _world(app)
    client = client_as("participant-e2e")
    client.post("/cuenta/mis-datos/eliminar")
    assert db.session.get(User, ids["participant"]).deletion_requested_at is not None
    admin = client_as("admin-e2e")
    listing = admin.get("/admin/solicitudes-de-eliminacion").get_data(as_text=True)
    assert "participant-e2e" in listing
    client.post("/cuenta/mis-datos/cancelar")
    db.session.expire_all()
    assert db.session.get(User, ids["participant"]).deletion_requested_at is None


def test_anonymising_keeps_totals_and_certificates(app, ctx, login_as, client_as):
    ids, code = _world(app)
    before = (count(Enrollment), count(LessonProgress), count(QuizAttempt), count(Certificate))
    participant = client_as("participant-e2e")
    admin = client_as("admin-e2e")
    page = admin.get(f"/admin/usuarios/{ids['participant']}/anonimizar")
    assert page.status_code == 200 and "no se puede deshacer" in page.get_data(as_text=True)
    response = admin.post(f"/admin/usuarios/{ids['participant']}/anonimizar")
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, ids["participant"])
    assert user.anonymised_at is not None and not user.active
    assert "participant" not in user.username and user.email is None
    assert user.full_name.startswith("Persona anonimizada")
    assert not user.check_password(PASSWORD)
    assert (
        count(Enrollment),
        count(LessonProgress),
        count(QuizAttempt),
        count(Certificate),
    ) == before
    # The old session is over, and the login no longer exists.
    assert participant.get("/mis-cursos").status_code == 302
    assert login_as(app.test_client(), user, PASSWORD).status_code == 200
    # The certificate still verifies, with what it stated.
    verify = app.test_client().get(f"/verificar/{code}").get_data(as_text=True)
    assert "Persona participant de prueba" in verify
    # Only once.
    assert admin.post(f"/admin/usuarios/{ids['participant']}/anonimizar").status_code == 404


def test_only_admins_anonymise(app, ctx, client_as):
    ids, _code = _world(app)
    for username in ("participant-e2e", "trainer-e2e", "coordinator-e2e"):
        client = client_as(username)
        assert client.post(f"/admin/usuarios/{ids['participant']}/anonimizar").status_code == 403
        assert client.get("/admin/solicitudes-de-eliminacion").status_code == 403
    assert db.session.get(User, ids["participant"]).anonymised_at is None
