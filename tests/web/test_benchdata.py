"""`python bench/benchdata.py`: the benchmark network is consistent, and is never made twice."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.content.grading import read_posted_answers
from app.course_store import get_store
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.orgs.models import Municipality
from app.quizzes.models import QuizAttempt
from app.quizzes.sample_answers import answers_as_form, sample_answers
from bench.benchdata import BENCH_PASSWORD, BenchDataError, create_bench_data
from tests.helpers import count


def test_bench_data_is_consistent_and_counted_right(app, ctx):
    courses = get_store().published()
    counts = create_bench_data(
        courses,
        participants=60,
        groups_per_municipality=2,
        big_participants=20,
        progress_rows=60,
        attempts=50,
        certificates=8,
        hash_method="pbkdf2:sha256:1000",
        echo=lambda _line: None,
    )
    assert counts["municipalities"] == count(Municipality) == 6
    assert counts["participants"] == 60
    assert counts["enrolments"] == count(Enrollment) == 60 * len(courses)
    assert counts["lesson_progress"] == count(LessonProgress)
    assert counts["quiz_attempts"] == count(QuizAttempt) >= 50
    assert counts["certificates"] == count(Certificate) == 8
    # Every certificate belongs to a completed enrolment with every lesson done.
    lessons = {c.slug: len(c.lessons) for c in courses}
    for cert in db.session.scalars(select(Certificate)):
        enrolment = db.session.get(Enrollment, cert.enrollment_id)
        assert enrolment.status == "completed" and enrolment.user_id == cert.user_id
        done = count(LessonProgress, LessonProgress.enrollment_id == enrolment.id)
        assert done == lessons[enrolment.course_slug]
    # No enrolment has more progress rows than its course has lessons.
    most = db.session.execute(
        select(func.count()).select_from(LessonProgress).group_by(LessonProgress.enrollment_id)
    ).scalars()
    assert max(most) <= max(lessons.values())
    user = db.session.scalar(select(User).where(User.username == "bench-p00001"))
    assert user is not None and user.check_password(BENCH_PASSWORD)
    with pytest.raises(BenchDataError, match="already there"):
        create_bench_data(courses, participants=10, echo=lambda _line: None)


def test_answers_as_form_is_what_the_attempt_page_reads(ctx):
    """The load test's form data (bench/locustfile.py) reads back as the same answers."""
    for course in get_store().published():
        for quiz in course.quizzes.values():
            answers = sample_answers(quiz, random.Random(3), 0.5)
            form = {
                k: v if isinstance(v, list) else [v]
                for k, v in answers_as_form(quiz, answers).items()
            }
            assert read_posted_answers(quiz, form) == answers
