"""Personal data: export everything about a person, record deletion requests, anonymise."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import record
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.orgs.models import Group, Membership
from app.quizzes.models import QuizAttempt
from app.timeutil import utcnow


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def personal_data(user: User) -> dict:
    """Everything the platform keeps about USER, as plain data."""
    memberships = db.session.execute(
        select(Group.name, Membership.role, Membership.created_at)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
    ).all()
    enrollments = list(db.session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)))
    progress = db.session.execute(
        select(Enrollment.course_slug, LessonProgress.lesson_slug, LessonProgress.completed_at)
        .join(Enrollment, Enrollment.id == LessonProgress.enrollment_id)
        .where(Enrollment.user_id == user.id)
    ).all()
    attempts = list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)))
    certificates = list(
        db.session.scalars(select(Certificate).where(Certificate.user_id == user.id))
    )
    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.created_at)
        )
    )
    return {
        "profile": {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "rut": getattr(user, "rut", None),
            "role": user.role,
            "locale": user.locale,
            "preferences": user.preferences,
            "disability_declared": user.disability_declared,
            "disability_consent_at": _iso(user.disability_consent_at),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "deletion_requested_at": _iso(user.deletion_requested_at),
        },
        "groups": [
            {"group": name, "role": role, "since": _iso(since)} for name, role, since in memberships
        ],
        "enrollments": [
            {
                "course": e.course_slug,
                "course_version": e.course_version,
                "status": e.status,
                "enrolled_at": _iso(e.enrolled_at),
                "completed_at": _iso(e.completed_at),
            }
            for e in enrollments
        ],
        "lessons_completed": [
            {"course": course, "lesson": lesson, "completed_at": _iso(when)}
            for course, lesson, when in progress
        ],
        "quiz_attempts": [
            {
                "course": a.course_slug,
                "quiz": a.quiz_id,
                "number": a.number,
                "state": a.state,
                "answers": a.answers,
                "score": a.score,
                "max_score": a.max_score,
                "passed": a.passed,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
            }
            for a in attempts
        ],
        "certificates": [
            {
                "code": c.code,
                "course": c.course_title,
                "hours": c.hours,
                "completed_on": _iso(c.completed_on),
                "revoked_at": _iso(c.revoked_at),
                "suspended_at": _iso(c.suspended_at),
            }
            for c in certificates
        ],
        "activity": [
            {
                "action": e.action,
                "at": _iso(e.created_at),
                "target": f"{e.target_type}:{e.target_id}",
            }
            for e in events
        ],
    }


def personal_data_csv(data: dict) -> str:
    """The same data as one CSV table (section, field, value), readable in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["seccion", "numero", "campo", "valor"])
    for key, value in data["profile"].items():
        writer.writerow(["perfil", 1, key, _cell(value)])
    for section in (
        "groups",
        "enrollments",
        "lessons_completed",
        "quiz_attempts",
        "certificates",
        "activity",
    ):
        for number, item in enumerate(data[section], start=1):
            for key, value in item.items():
                writer.writerow([section, number, key, _cell(value)])
    return "\ufeff" + out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula: show them as text instead.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def request_deletion(user: User) -> None:
    """Record that USER asked for their personal data to be deleted (an admin acts on it)."""
    if user.deletion_requested_at is None:
        user.deletion_requested_at = utcnow()
        record("deletion_requested", actor=user, target=user)


def cancel_deletion_request(user: User) -> None:
    if user.deletion_requested_at is not None:
        user.deletion_requested_at = None
        record("deletion_request_cancelled", actor=user, target=user)


def deletion_requests() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.deletion_requested_at.is_not(None), User.anonymised_at.is_(None))
            .order_by(User.deletion_requested_at)
        )
    )


def anonymise_user(actor: User, user: User) -> None:
    """Remove USER's personal data but keep their anonymous records, so totals stay right.

    Enrolments, progress and attempts remain (tied to an anonymous account); certificates
    already issued keep stating what they stated, so they still verify.
    """
    user.full_name = f"Persona anonimizada {user.id}"
    user.username = f"anonimo-{user.id}-{secrets.token_hex(3)}"
    user.email = None
    if hasattr(user, "rut"):
        user.rut = None
    user.locale = None
    user.preferences = None
    user.disability_declared = None
    user.disability_consent_at = None
    user.set_password(secrets.token_urlsafe(32))
    user.active = False
    user.must_change_password = False
    user.rotate_session()
    user.anonymised_at = utcnow()
    # Memberships stay: they only tie an anonymous account to a group, and keep group totals.
    record("user_anonymised", actor=actor, target=user)
