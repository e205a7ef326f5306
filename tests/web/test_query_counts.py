"""SQL queries per page: a small constant that does not grow with the number of rows.

Each page is requested in a world with 1 and with 20 of everything it lists (enrolments,
completed lessons, quiz attempts, participants and records of the coordinator's municipality),
counting statements with a `before_cursor_execute` listener on the serving app's engine.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from app import PROJECT_ROOT
from app.certificates.models import Certificate
from app.certificates.services import new_code
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.quizzes.models import QuizAttempt
from app.timeutil import utcnow
from tests.conftest import login, wipe_database

COURSE = "cooperativismo"
MAX_QUERIES = 12  # generous: the pages below run 2-9 statements today
# The coordinator summary exactly: its per-course and per-group status counts come from one
# aggregate query (it was 8 while they ran once per table).
SUMMARY_QUERIES = 7
# The lesson page exactly (the benchmark's budget pages): a visitor's needs no query at all; a
# participant's needs the user (Flask-Login) and one query for enrolment and lessons done.
LESSON_QUERIES = {"lesson (visitor)": 0, "lesson (participant)": 2}


@pytest.fixture(scope="module")
def shipped(make_app, tmp_path_factory):
    """An app serving the shipped courses (10 courses, 44 lessons)."""
    return make_app(
        COURSES_DIR=str(PROJECT_ROOT / "courses"),
        COURSE_CACHE_DIR=str(tmp_path_factory.mktemp("query-count-cache")),
    )


@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def build_world(app, make_user, n: int) -> dict:
    """One municipality and group; N participants (the first is 'me'), each enrolled in
    min(N, 10) courses with lessons done; N submitted attempts of my first quiz; certificates."""
    coordinator = make_user("coordinator")
    me = make_user("participant")
    others = [make_user("participant") for _ in range(n - 1)]
    now = utcnow()
    with app.app_context():
        from app.course_store import get_store

        courses = get_store().published()
        cooperativismo = get_store().get(COURSE)
        courses = [cooperativismo] + [c for c in courses if c.slug != COURSE]
        muni = Municipality(slug="monte-patria", name="Monte Patria", region="Coquimbo")
        db.session.add(muni)
        db.session.flush()
        group = Group(municipality_id=muni.id, name="Grupo contado", kind="pre_associative")
        db.session.add(group)
        db.session.flush()
        db.session.add(StaffAssignment(user_id=coordinator.id, municipality_id=muni.id))
        for k, person in enumerate([me, *others]):
            db.session.add(Membership(group_id=group.id, user_id=person.id, role="member"))
            for j, course in enumerate(courses[: min(n, len(courses))]):
                done = course.lessons if n > 1 else course.lessons[:1]
                finished = n > 1 and (k + j) % 3 == 0
                enrollment = Enrollment(
                    user_id=person.id,
                    course_slug=course.slug,
                    course_version=course.version,
                    group_id=group.id,
                    status="completed" if finished else "active",
                    enrolled_at=now - timedelta(days=30),
                    completed_at=now - timedelta(days=1) if finished else None,
                    completed_version=course.version if finished else None,
                )
                db.session.add(enrollment)
                db.session.flush()
                for lesson in done:
                    db.session.add(
                        LessonProgress(
                            enrollment_id=enrollment.id,
                            lesson_slug=lesson.slug,
                            course_version=course.version,
                        )
                    )
                if finished:
                    db.session.add(
                        Certificate(
                            code=new_code(),
                            user_id=person.id,
                            enrollment_id=enrollment.id,
                            course_slug=course.slug,
                            course_version=course.version,
                            holder_name=person.full_name,
                            course_title=course.title,
                            hours=float(course.hours),
                            completed_on=now.date(),
                            municipality_id=muni.id,
                            municipality_name=muni.name,
                            group_name=group.name,
                        )
                    )
        my_enrollment = db.session.scalar(
            db.select(Enrollment).where(
                Enrollment.user_id == me.id, Enrollment.course_slug == COURSE
            )
        )
        quiz = cooperativismo.quizzes[cooperativismo.lessons[0].quiz_ids[0]]
        for number in range(1, n + 1):
            db.session.add(
                QuizAttempt(
                    user_id=me.id,
                    enrollment_id=my_enrollment.id,
                    course_slug=COURSE,
                    quiz_id=quiz.id,
                    course_version=cooperativismo.version,
                    number=number,
                    state="submitted",
                    answers={},
                    submitted_at=now,
                    score=1,
                    max_score=4,
                    percent=25,
                    passed=False,
                    results={},
                )
            )
        open_attempt = QuizAttempt(
            user_id=me.id,
            enrollment_id=my_enrollment.id,
            course_slug=COURSE,
            quiz_id=quiz.id,
            course_version=cooperativismo.version,
            number=n + 1,
            state="in_progress",
            answers={},
        )
        db.session.add(open_attempt)
        db.session.commit()
        return {
            "me": me,
            "coordinator": coordinator,
            "lesson": f"/cursos/{COURSE}/{cooperativismo.lessons[0].slug}",
            "course": f"/cursos/{COURSE}/",
            "overview": f"/cursos/{COURSE}/pruebas/{quiz.id}",
            "attempt": f"/intentos/{open_attempt.id}",
        }


def page_counts(app, make_user, n: int) -> dict[str, int]:
    world = build_world(app, make_user, n)
    counts: dict[str, int] = {}

    def measure(client, name: str, url: str) -> None:
        assert client.get(url).status_code == 200, url  # warm-up (and lazy imports)
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(statements)

    visitor = app.test_client()
    measure(visitor, "lesson (visitor)", world["lesson"])
    participant = app.test_client()
    login(participant, world["me"])
    measure(participant, "lesson (participant)", world["lesson"])
    measure(participant, "course page", world["course"])
    measure(participant, "mis cursos", "/mis-cursos")
    measure(participant, "quiz overview", world["overview"])
    measure(participant, "quiz attempt page", world["attempt"])
    coordinator = app.test_client()
    login(coordinator, world["coordinator"])
    measure(coordinator, "coordinator summary", "/coordinacion/")
    measure(coordinator, "coordinator records", "/coordinacion/registros")
    measure(coordinator, "records CSV", "/coordinacion/registros.csv")
    return counts


def test_query_counts_are_small_and_do_not_grow_with_rows(shipped, make_user, app):
    small = page_counts(shipped, make_user, 1)
    with app.app_context():
        wipe_database()
    large = page_counts(shipped, make_user, 20)
    report = "\n".join(f"{k}: {small[k]} vs {large[k]}" for k in small)
    print("\nqueries per page (1 row vs 20 rows):\n" + report)
    assert small == large, report
    assert max(large.values()) <= MAX_QUERIES, report
    assert large["coordinator summary"] == SUMMARY_QUERIES, report
    for page, expected in LESSON_QUERIES.items():
        assert large[page] == expected, report
