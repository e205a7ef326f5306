"""Quiz attempts: start, save, submit (graded exactly once), and which results count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import record
from app.content.grading import display_order, grade_answers
from app.content.model import Course, Question, Quiz
from app.errors import DomainError, NotFound
from app.events import quiz_graded
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Enrollment
from app.quizzes.models import QuizAttempt, QuizTimeExtension
from app.timeutil import utcnow


def counted_results(enrollment: Enrollment, course: Course) -> dict[str, bool]:
    """For each quiz with a submitted attempt, whether the counted attempt passed.

    The course decides which attempt counts: the best one or the last one.
    """
    return counted_results_of(enrollment.user_id, course)


def counted_results_of(user_id: int, course: Course) -> dict[str, bool]:
    """counted_results() for a user id (the pages hold a summary, not the enrolment row)."""
    rows = db.session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.number, QuizAttempt.percent, QuizAttempt.passed)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.course_slug == course.slug,
            QuizAttempt.state == "submitted",
        )
        .order_by(QuizAttempt.number)
    )
    best: dict[str, tuple[int, bool]] = {}
    last: dict[str, bool] = {}
    for quiz_id, _number, percent, passed in rows:
        last[quiz_id] = bool(passed)
        if quiz_id not in best or (percent or 0) > best[quiz_id][0]:
            best[quiz_id] = (percent or 0, bool(passed))
    if course.completion.attempt == "last":
        return last
    return {qid: passed for qid, (_pct, passed) in best.items()}


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: QuizAttempt
    graded_now: bool  # False: it had already been submitted (replay, second tab, double click)
    late: bool = False  # the time limit had passed: answers sent after it were not taken


def attempts_for(user: User, course_slug: str, quiz_id: str) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.course_slug == course_slug,
                QuizAttempt.quiz_id == quiz_id,
            )
            .order_by(QuizAttempt.number)
        )
    )


def open_attempt(user: User, course_slug: str, quiz_id: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_slug == course_slug,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.state == "in_progress",
        )
    )


def extra_minutes(user: User, course_slug: str, quiz_id: str) -> int:
    value = db.session.scalar(
        select(QuizTimeExtension.extra_minutes).where(
            QuizTimeExtension.user_id == user.id,
            QuizTimeExtension.course_slug == course_slug,
            QuizTimeExtension.quiz_id == quiz_id,
        )
    )
    return value or 0


def start_attempt(user: User, enrollment: Enrollment, course: Course, quiz: Quiz) -> QuizAttempt:
    """Return the open attempt, or start a new one if the attempt limit allows it."""
    current = open_attempt(user, course.slug, quiz.id)
    if current is not None:
        return current
    used = db.session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_slug == course.slug,
            QuizAttempt.quiz_id == quiz.id,
        )
    )
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise DomainError(_("Ya usaste los %(n)s intentos de esta prueba.", n=quiz.max_attempts))
    now = utcnow()
    deadline = None
    if quiz.time_limit_minutes:
        minutes = quiz.time_limit_minutes + extra_minutes(user, course.slug, quiz.id)
        deadline = now + timedelta(minutes=minutes)
    attempt = QuizAttempt(
        user_id=user.id,
        enrollment_id=enrollment.id,
        course_slug=course.slug,
        quiz_id=quiz.id,
        course_version=course.version,
        number=used + 1,
        answers={},
        started_at=now,
        deadline_at=deadline,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Two tabs started at once: the database let one through; use that one.
        current = open_attempt(user, course.slug, quiz.id)
        if current is None:
            raise
        return current
    return attempt


def get_own_attempt(user: User, attempt_id: int) -> QuizAttempt:
    """The attempt with this id if it belongs to USER; anything else is 'not found'."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound(_("No encontramos ese intento."))
    return attempt


def is_late(attempt: QuizAttempt) -> bool:
    return attempt.deadline_at is not None and utcnow() > attempt.deadline_at


def display_orders(attempt: QuizAttempt, questions: Iterable[Question]) -> dict[str, tuple]:
    """The option order of each question in ATTEMPT: shuffled per attempt, stable within it."""
    return {q.key: display_order(q, f"{attempt.id}-{q.key}") for q in questions}


def save_answers(attempt: QuizAttempt, quiz: Quiz, answers: dict) -> bool:
    """Merge ANSWERS into an open attempt; False when it is closed or its time is over."""
    if attempt.state != "in_progress" or is_late(attempt):
        return False
    merged = dict(attempt.answers or {})
    merged.update(answers)
    result = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == "in_progress")
        .values(answers=merged)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    return result.rowcount == 1


def submit_attempt(
    user: User, attempt: QuizAttempt, course: Course, quiz: Quiz, answers: dict | None
) -> SubmitOutcome:
    """Grade ATTEMPT exactly once, however many times or tabs submit it."""
    if attempt.state != "in_progress":
        return SubmitOutcome(attempt, graded_now=False)
    late = is_late(attempt)
    final = dict(attempt.answers or {})
    if answers and not late:
        final.update(answers)
    result = grade_answers(quiz, final)
    now = utcnow()
    changed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == "in_progress")
        .values(
            state="submitted",
            submitted_at=now,
            answers=final,
            score=result.score,
            max_score=result.max_score,
            percent=result.percent,
            passed=result.passed,
            results=result.by_question(quiz),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if changed != 1:
        return SubmitOutcome(attempt, graded_now=False)
    record(
        "quiz_submitted",
        actor=user,
        target=attempt,
        course=course.slug,
        quiz=quiz.id,
        score=result.score,
        passed=result.passed,
    )
    _after_grading(user, attempt, course, quiz)
    return SubmitOutcome(attempt, graded_now=True, late=late)


def _after_grading(user: User, attempt: QuizAttempt, course: Course, quiz: Quiz) -> None:
    enrollment = db.session.get(Enrollment, attempt.enrollment_id)
    lesson = course.lesson(quiz.lesson_slug)
    if attempt.passed and lesson is not None and lesson.kind == "quiz":
        learning.complete_lesson(user, course, lesson, by_passed_quiz=True)
    quiz_graded.send(enrollment=enrollment, course=course, attempt=attempt)


def quiz_for_attempt(course: Course, attempt: QuizAttempt) -> Quiz | None:
    """The quiz as it was when the attempt started (from the course store's kept versions)."""
    return course.quizzes.get(attempt.quiz_id)


def enrollment_for_quiz(user: User, course: Course) -> Enrollment:
    """The enrolment a quiz attempt belongs to: enrol now unless the course needs a key."""
    enrollment = (
        learning.get_enrollment(user, course.slug)
        if course.enrolment_key
        else learning.enroll(user, course)
    )
    if enrollment is None:
        raise DomainError(_("Inscríbete en el curso para responder sus pruebas."))
    return enrollment


def remaining_attempts(quiz: Quiz, attempts: list[QuizAttempt]) -> int | None:
    """Attempts still allowed (None: no limit)."""
    return None if quiz.max_attempts is None else max(quiz.max_attempts - len(attempts), 0)


class AnswerOutcome(Enum):
    """What happened to the answers sent from an attempt page."""

    SAVED = "saved"  # kept; the attempt is still open
    SUBMITTED = "submitted"  # graded by this request
    SUBMITTED_LATE = "submitted_late"  # sent after its time: graded with what was saved by then
    TIME_OVER = "time_over"  # saved after its time: graded with what was saved by then
    ALREADY_SUBMITTED = "already_submitted"  # an earlier request (a tab, a click) graded it

    @property
    def closed(self) -> bool:
        """The attempt is submitted now: its result page is next."""
        return self is not AnswerOutcome.SAVED


def answer_attempt(
    user: User, attempt: QuizAttempt, course: Course, quiz: Quiz, answers: dict, *, submit: bool
) -> AnswerOutcome:
    """Save ANSWERS (or submit them); an attempt past its time is graded with what was saved."""
    if submit:
        outcome = submit_attempt(user, attempt, course, quiz, answers)
        if not outcome.graded_now:
            return AnswerOutcome.ALREADY_SUBMITTED
        return AnswerOutcome.SUBMITTED_LATE if outcome.late else AnswerOutcome.SUBMITTED
    if save_answers(attempt, quiz, answers):
        return AnswerOutcome.SAVED
    if is_late(attempt) and submit_attempt(user, attempt, course, quiz, None).graded_now:
        return AnswerOutcome.TIME_OVER
    return AnswerOutcome.ALREADY_SUBMITTED
