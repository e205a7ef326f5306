"""When is a course complete: every lesson done and every required quiz passed.

It listens to `lesson_completed` and `quiz_graded` and sends `course_completed` once per
enrolment (a conditional update makes that hold under concurrent requests too).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from app.audit.services import record
from app.content.model import Course, Quiz
from app.events import course_completed, lesson_completed, quiz_graded
from app.extensions import db
from app.learning.models import Enrollment
from app.learning.services import completed_lessons
from app.quizzes.services import counted_results, counted_results_of
from app.timeutil import utcnow


def passed_quiz_ids(enrollment: Enrollment, course: Course) -> set[str]:
    """Quizzes of COURSE that count as passed under the course's attempt rule."""
    return {qid for qid, passed in counted_results(enrollment, course).items() if passed}


def missing_quiz_ids(enrollment: Enrollment, course: Course) -> list[str]:
    """Required quizzes of COURSE not passed yet, in course order."""
    passed = passed_quiz_ids(enrollment, course)
    return [qid for qid in course.required_quiz_ids if qid not in passed]


def quizzes_to_pass(user, course: Course, progress) -> list[Quiz]:
    """Required quizzes USER has not passed, once every lesson of PROGRESS is done.

    What the progress panels show when "5 de 5 lecciones" is not yet a completed course.
    USER is an account or Flask-Login's anonymous user (no quizzes).
    """
    if (
        not user.is_authenticated
        or progress.completed
        or progress.total == 0
        or progress.done_count < progress.total
    ):
        return []
    passed = {qid for qid, ok in counted_results_of(user.id, course).items() if ok}
    return [
        course.quizzes[qid]
        for qid in course.required_quiz_ids
        if qid not in passed and qid in course.quizzes
    ]


def check_completion(enrollment: Enrollment, course: Course) -> bool:
    """Record completion once when every lesson is done and every required quiz passed."""
    if enrollment.status == "completed":
        return False
    done = completed_lessons(enrollment)
    if any(lesson.slug not in done for lesson in course.lessons):
        return False
    if missing_quiz_ids(enrollment, course):
        return False
    # A conditional update: of two concurrent requests only one changes the row.
    result = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.status == "active")
        .values(status="completed", completed_at=utcnow(), completed_version=course.version)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(enrollment)
    if result.rowcount != 1:
        return False
    record("course_completed", actor=enrollment.user, target=enrollment, course=course.slug)
    course_completed.send(enrollment=enrollment, course=course)
    return True


def _on_progress(_sender, *, enrollment: Enrollment, course: Course, **_extra) -> None:
    check_completion(enrollment, course)


def connect(app: Flask) -> None:
    """Listen to progress, and give templates quizzes_to_pass (called by create_app)."""
    lesson_completed.connect(_on_progress)  # connecting twice changes nothing
    quiz_graded.connect(_on_progress)
    app.jinja_env.globals["quizzes_to_pass"] = quizzes_to_pass
