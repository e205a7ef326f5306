"""A suspended certificate is not held while suspended: the coordinator's counts, the trainer's
group page and the participant's data export all say so (not only the verify pages)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.certificates.services import lift_suspension, new_code, suspend_certificate
from app.extensions import db
from app.learning.models import Enrollment
from tests.worlds import COURSE, OTHER_COURSE, build_every_status_world


def _suspend(app, username: str, slug: str) -> None:
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        holder = db.session.scalar(select(User).where(User.username == username))
        certificate = db.session.scalar(
            select(Certificate).where(
                Certificate.user_id == holder.id, Certificate.course_slug == slug
            )
        )
        suspend_certificate(admin, certificate, "Revisión de asistencia")
        db.session.commit()


def _counts(app, w, slug):
    from app.reports import services as reports

    with app.app_context():
        by_course, _ = reports.summary_counts({w.ids["group-a"], w.ids["group-a2"]})
        c = by_course[slug]
        return (c.enrolled, c.in_progress, c.completed, c.certified)


def test_a_suspended_certificate_is_not_counted_as_certified_until_lifted(app):
    w = build_every_status_world(app)
    assert _counts(app, w, COURSE) == (2, 1, 1, 1)
    _suspend(app, "p3", COURSE)
    assert _counts(app, w, COURSE) == (2, 1, 2, 0)  # completed, not certified
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        suspended = db.session.scalars(
            select(Certificate).where(Certificate.suspended_at.is_not(None))
        ).one()
        lift_suspension(admin, suspended, "Asistencia confirmada")
        db.session.commit()
    assert _counts(app, w, COURSE) == (2, 1, 1, 1)


def _certificate_cell(response) -> str:
    """The last cell of p2's row: the certificate column."""
    row = response.get_data(as_text=True).split("Persona p2")[1].split("</tr>")[0]
    return row.split("<td>")[-1].split("</td>")[0]


def test_the_trainers_group_page_says_suspended(app, client, login_as):
    w = build_every_status_world(app)
    with app.app_context():  # p2 completed the course in group A: give them its certificate
        enrollment = db.session.scalar(
            select(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .where(User.username == "p2", Enrollment.course_slug == COURSE)
        )
        db.session.add(
            Certificate(
                code=new_code(),
                user_id=enrollment.user_id,
                enrollment_id=enrollment.id,
                course_slug=COURSE,
                course_version=enrollment.course_version,
                holder_name="Persona p2",
                course_title=COURSE,
                hours=1.0,
                completed_on=date(2025, 1, 1),
                municipality_id=w.ids["muni-a"],
            )
        )
        db.session.commit()
    url = f"/formacion/grupos/{w.ids['group-a']}/cursos/{COURSE}"
    login_as(client, w.users["trainer-a"])
    assert _certificate_cell(client.get(url)).startswith("Sí, ")
    _suspend(app, "p2", COURSE)
    assert _certificate_cell(client.get(url)) == "Suspendido"


def test_the_participants_data_export_shows_the_suspension(app, client_as):
    build_every_status_world(app)
    _suspend(app, "p2", OTHER_COURSE)
    with app.app_context():
        p2 = db.session.scalar(select(User).where(User.username == "p2"))
    data = json.loads(client_as(p2, password="x" * 12).get("/cuenta/mis-datos.json").data)
    (entry,) = data["certificates"]
    assert entry["suspended_at"] and entry["revoked_at"] is None
