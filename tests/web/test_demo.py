"""`flask demo` builds a living network: every role sees real screens at once (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Enrollment
from app.orgs.models import Group
from app.quizzes.models import QuizAttempt


@pytest.fixture
def demo(runner, ctx):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    passwords = {}
    for line in result.output.splitlines():
        if "contraseña:" in line:
            username = line.split("usuario:")[1].split()[0]
            passwords[username] = line.split("contraseña:")[1].strip()
    return passwords


def _scalar(statement):
    return db.session.scalar(statement)


def test_demo_network_has_people_at_every_point(demo):
    participants = _scalar(select(func.count(User.id)).where(User.role == "participant"))
    assert 50 <= participants <= 80  # about sixty, as the cast of the courses
    groups = db.session.scalars(select(Group)).all()
    assert len({g.municipality_id for g in groups}) == 6 and len(groups) >= 12
    statuses = {
        status: n
        for status, n in db.session.execute(
            select(Enrollment.status, func.count()).group_by(Enrollment.status)
        )
    }
    assert statuses.get("completed", 0) >= 10 and statuses.get("active", 0) >= 20
    failed = _scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.state == "submitted", QuizAttempt.passed.is_(False)
        )
    )
    assert failed >= 3
    certificates = _scalar(select(func.count(Certificate.id)))
    revoked = _scalar(select(func.count(Certificate.id)).where(Certificate.revoked_at.isnot(None)))
    assert certificates == statuses["completed"]
    assert revoked == 1
    suspended = _scalar(
        select(func.count(Certificate.id)).where(Certificate.suspended_at.isnot(None))
    )
    assert suspended == 1
    asked = _scalar(select(func.count(User.id)).where(User.deletion_requested_at.isnot(None)))
    assert asked == 1
    # Enrolments and completions are spread over months, not all on one day.
    days = {e.date() for e in db.session.scalars(select(Enrollment.enrolled_at))}
    assert len(days) >= 10
    months = {
        (d.year, d.month)
        for d in db.session.scalars(
            select(Enrollment.completed_at).where(Enrollment.completed_at.isnot(None))
        )
    }
    assert len(months) >= 2
    declared = _scalar(select(func.count(User.id)).where(User.disability_declared.is_(True)))
    assert declared >= 10


def test_every_role_sees_data_on_the_first_run(app, demo):
    client = app.test_client()

    def login_as(username):
        client.post("/salir")
        response = client.post("/ingresar", data={"login": username, "password": demo[username]})
        assert response.status_code == 302, username

    login_as("coordinacion.demo")
    summary = client.get("/coordinacion/").get_data(as_text=True)
    assert "Todavía no hay personas inscritas" not in summary
    assert "Dulces del Limarí" in summary
    login_as("facilitacion.demo")
    trainer = client.get("/formacion/").get_data(as_text=True)
    assert "Dulces del Limarí" in trainer
    workshop = client.get("/formacion/taller/").get_data(as_text=True)
    assert "Curso de prueba" in workshop  # the demo trainer edits a course
    login_as("participante.demo")
    mine = client.get("/mis-cursos").get_data(as_text=True)
    assert "Curso de prueba" in mine
    login_as("admin.demo")
    assert client.get("/admin/").status_code == 200
