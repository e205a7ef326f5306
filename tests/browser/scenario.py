"""The data every browser test starts from: one account of each role and some history."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts.models import User
from app.course_store import get_store
from app.extensions import db
from app.learning import services as learning
from app.orgs.services import add_member, assign_staff, ensure_group, ensure_municipality
from app.quizzes import services as quizzes
from tests.conftest import PASSWORD
from tests.helpers import correct_form

COURSE = "curso-prueba"
LESSON = "01-que-es-una-cooperativa"
QUIZ = "repaso-cooperativas"


@dataclass
class Scenario:
    users: dict[str, User] = field(default_factory=dict)  # role -> user
    ids: dict[str, int | str] = field(default_factory=dict)  # named ids for URLs
    password: str = PASSWORD


def build_scenario() -> Scenario:
    """Create the scenario in the current app context and commit it."""
    s = Scenario()
    muni = ensure_municipality("monte-patria", "Monte Patria", "Coquimbo")
    other = ensure_municipality("quillota", "Quillota", "Valparaíso")
    group = ensure_group(muni, "Sabores del Limarí", "pre_associative")
    ensure_group(other, "Aseo y Jardines", "pre_associative")
    for role in ("participant", "trainer", "coordinator", "admin"):
        user = User(username=f"{role}-e2e", full_name=f"Persona {role} de prueba", role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        s.users[role] = user
    assign_staff(s.users["trainer"], muni)
    assign_staff(s.users["coordinator"], muni)
    add_member(group, s.users["participant"])
    add_member(group, s.users["trainer"], role="trainer")
    s.ids.update(municipality=muni.id, other_municipality=other.id, group=group.id)

    course = get_store().get(COURSE)
    participant = s.users["participant"]
    enrollment = learning.enroll(participant, course, group_id=group.id)
    learning.complete_lesson(participant, course, course.lesson(LESSON))
    quiz = course.quizzes[QUIZ]
    attempt = quizzes.start_attempt(participant, enrollment, course, quiz)
    answers = quizzes.clean_answers(
        quiz, {k: v if isinstance(v, list) else [v] for k, v in correct_form(quiz).items()}
    )
    quizzes.submit_attempt(participant, attempt, course, quiz, answers)
    second = quizzes.start_attempt(participant, enrollment, course, quiz)
    s.ids.update(enrollment=enrollment.id, attempt=attempt.id, open_attempt=second.id)
    s.ids.update(participant=participant.id)  # orgs: trainer/coordinator participant pages
    _add_certificates(s, muni, group)
    db.session.commit()
    return s


def _add_certificates(s: Scenario, muni, group) -> None:
    """A valid certificate for the participant and a revoked one for another person."""
    from datetime import date

    from app.certificates.models import Certificate
    from app.certificates.services import format_code, new_code
    from app.timeutil import utcnow

    course = get_store().get(COURSE)
    common = dict(
        course_slug=course.slug,
        course_version=course.version,
        course_title=course.title,
        hours=course.hours,
        completed_on=date(2026, 3, 5),
        municipality_id=muni.id,
        municipality_name=muni.name,
        group_name=group.name,
    )
    valid = Certificate(
        code=new_code(),
        user_id=s.users["participant"].id,
        holder_name=s.users["participant"].full_name,
        **common,
    )
    graduate = User(username="egresada-e2e", full_name="Persona egresada de prueba")
    graduate.set_password(PASSWORD)
    db.session.add(graduate)
    db.session.flush()
    revoked = Certificate(
        code=new_code(),
        user_id=graduate.id,
        holder_name=graduate.full_name,
        revoked_at=utcnow(),
        revoked_reason="Se emitió por un error en el registro de asistencia.",
        revoked_by_id=s.users["admin"].id,
        **common,
    )
    db.session.add_all([valid, revoked])
    db.session.flush()
    s.ids.update(
        certificate=valid.id,
        certificate_code=format_code(valid.code),
        revoked_certificate=revoked.id,
        revoked_certificate_code=format_code(revoked.code),
    )
