"""Enrolment, lesson progress and course completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.accounts import throttle
from app.accounts.models import User
from app.audit.services import record
from app.content.model import Course, Lesson
from app.course_store import get_course
from app.errors import DomainError, Throttled
from app.events import lesson_completed
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.timeutil import utcnow


@dataclass(frozen=True)
class Progress:
    """What a participant has done in one course, derived from the records."""

    done: frozenset[str]
    total: int
    next_lesson: Lesson | None
    completed: bool

    @property
    def done_count(self) -> int:
        return len(self.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0


def get_enrollment(user: User, course_slug: str) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == user.id, Enrollment.course_slug == course_slug
        )
    )


class TooManyKeyAttempts(Throttled):
    """Too many wrong enrolment keys from this account in the window (answered with 429)."""


def enroll(
    user: User,
    course: Course,
    *,
    key: str | None = None,
    group_id=None,
    actor: User | None = None,
) -> Enrollment:
    """Enrol USER in COURSE (checking its key); enrolling twice returns the same record.
    ACTOR is who enrolled them (a trainer, an import), recorded in the audit log; default USER."""
    existing = get_enrollment(user, course.slug)
    if existing is not None:
        return existing
    if get_course(course.slug) is None:
        # Only a course the site publishes (approved): never a draft, nor one waiting for an
        # admin's approval, whatever object the caller holds.
        raise DomainError(_("Este curso no está publicado: todavía no se puede inscribir."))
    if course.enrolment_key:
        if throttle.enrolment_key_blocked(user.id):
            raise TooManyKeyAttempts(
                _(
                    "Escribiste una clave equivocada muchas veces seguidas. Espera unos minutos "
                    "y vuelve a intentarlo, o pide la clave a tu facilitador o facilitadora."
                ),
                field="key",
            )
        if (key or "").strip() != course.enrolment_key:
            throttle.record_enrolment_key_failure(user.id)
            raise DomainError(
                _(
                    "La clave de inscripción no es correcta. Pídesela a tu facilitador o "
                    "facilitadora."
                ),
                field="key",
            )
    enrollment = Enrollment(
        user_id=user.id, course_slug=course.slug, course_version=course.version, group_id=group_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        # Two requests enrolled at once: the other one won, and that is the same outcome.
        return get_enrollment(user, course.slug)
    record("enrolled", actor=actor or user, target=enrollment, course=course.slug)
    return enrollment


def enroll_new_people(rows: list[tuple[User, Course, int | None]], actor: User) -> int:
    """Enrol people created in this transaction, as (user, course, group id) rows: none can
    be enrolled yet, so there is no race to cope with and all are added in one flush."""
    enrollments = [
        Enrollment(
            user_id=user.id,
            course_slug=course.slug,
            course_version=course.version,
            group_id=group_id,
        )
        for user, course, group_id in rows
    ]
    db.session.add_all(enrollments)
    db.session.flush()
    for enrollment in enrollments:
        record("enrolled", actor=actor, target=enrollment, course=enrollment.course_slug)
    return len(enrollments)


def completed_lessons(enrollment: Enrollment | None) -> frozenset[str]:
    if enrollment is None:
        return frozenset()
    rows = db.session.scalars(
        select(LessonProgress.lesson_slug).where(LessonProgress.enrollment_id == enrollment.id)
    )
    return frozenset(rows)


def progress_for(course: Course, done: frozenset[str], completed: bool = False) -> Progress:
    valid = frozenset(s for s in done if course.lesson(s) is not None)
    next_lesson = next((le for le in course.lessons if le.slug not in valid), None)
    return Progress(
        done=valid, total=len(course.lessons), next_lesson=next_lesson, completed=completed
    )


def course_progress(enrollment: Enrollment | None, course: Course) -> Progress:
    done = completed_lessons(enrollment)
    completed = enrollment is not None and enrollment.status == "completed"
    return progress_for(course, done, completed)


@dataclass(frozen=True)
class EnrollmentSummary:
    """What the lesson and course pages show of an enrolment (read-only, no ORM object)."""

    id: int
    status: str
    completed_at: datetime | None


_ENROLLMENT_AND_DONE = (
    select(Enrollment.id, Enrollment.status, Enrollment.completed_at, LessonProgress.lesson_slug)
    .outerjoin(LessonProgress, LessonProgress.enrollment_id == Enrollment.id)
    .where(
        Enrollment.user_id == bindparam("user_id"),
        Enrollment.course_slug == bindparam("course_slug"),
    )
)


def enrollment_and_progress(
    user: User, course: Course
) -> tuple[EnrollmentSummary | None, Progress]:
    """USER's enrolment in COURSE and their progress, in one query (lesson and course pages)."""
    if not user.is_authenticated:
        return None, progress_for(course, frozenset())
    rows = db.session.execute(
        _ENROLLMENT_AND_DONE, {"user_id": user.id, "course_slug": course.slug}
    ).all()
    if not rows:
        return None, progress_for(course, frozenset())
    enrollment = EnrollmentSummary(rows[0].id, rows[0].status, rows[0].completed_at)
    done = frozenset(row.lesson_slug for row in rows if row.lesson_slug is not None)
    return enrollment, progress_for(course, done, enrollment.status == "completed")


def complete_lesson(
    user: User, course: Course, lesson: Lesson, *, by_passed_quiz: bool = False
) -> LessonProgress:
    """Mark LESSON done for USER (idempotent); `lesson_completed` lets completion follow.

    A test lesson is done only when its test is passed: only the quiz service, after grading a
    passing attempt, says BY_PASSED_QUIZ.
    """
    enrollment = get_enrollment(user, course.slug)
    if enrollment is None:
        raise DomainError(_("Inscríbete en el curso para guardar tu avance."))
    # A test lesson is done only by passing its test: the quiz service says so, nobody else.
    if lesson.kind == "quiz" and not by_passed_quiz:
        raise DomainError(_("Esta lección se completa al aprobar su prueba."))
    existing = db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.enrollment_id == enrollment.id,
            LessonProgress.lesson_slug == lesson.slug,
        )
    )
    if existing is not None:
        return existing
    item = LessonProgress(
        enrollment_id=enrollment.id, lesson_slug=lesson.slug, course_version=course.version
    )
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        return db.session.scalar(
            select(LessonProgress).where(
                LessonProgress.enrollment_id == enrollment.id,
                LessonProgress.lesson_slug == lesson.slug,
            )
        )
    enrollment.last_lesson_slug = lesson.slug
    enrollment.last_activity_at = utcnow()
    lesson_completed.send(enrollment=enrollment, course=course)
    return item


def my_enrollments(user: User) -> list[Enrollment]:
    return list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.user_id == user.id)
            .order_by(Enrollment.enrolled_at.desc())
        )
    )


def done_by_enrollment(enrollment_ids: list[int]) -> dict[int, set[str]]:
    """Completed lesson slugs for several enrolments in one query."""
    out: dict[int, set[str]] = {eid: set() for eid in enrollment_ids}
    if not enrollment_ids:
        return out
    rows = db.session.execute(
        select(LessonProgress.enrollment_id, LessonProgress.lesson_slug).where(
            LessonProgress.enrollment_id.in_(enrollment_ids)
        )
    )
    for eid, slug in rows:
        out[eid].add(slug)
    return out
