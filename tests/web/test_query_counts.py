"""SQL queries per page: a small constant that does not grow with the number of rows.

Each page is requested in a world with 1 and with 20 of everything it lists (enrolments,
completed lessons, quiz attempts, participants and records of the coordinator's municipality),
counting statements with a `before_cursor_execute` listener on the serving app's engine.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app import PROJECT_ROOT
from app.extensions import db
from tests.helpers import wipe_database
from tests.worlds import build_counted_world

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


def page_counts(app, make_user, n: int, login_as) -> dict[str, int]:
    world = build_counted_world(app, make_user, n, COURSE)
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
    login_as(participant, world["me"])
    measure(participant, "lesson (participant)", world["lesson"])
    measure(participant, "course page", world["course"])
    measure(participant, "mis cursos", "/mis-cursos")
    measure(participant, "quiz overview", world["overview"])
    measure(participant, "quiz attempt page", world["attempt"])
    coordinator = app.test_client()
    login_as(coordinator, world["coordinator"])
    measure(coordinator, "coordinator summary", "/coordinacion/")
    measure(coordinator, "coordinator records", "/coordinacion/registros")
    measure(coordinator, "records CSV", "/coordinacion/registros.csv")
    return counts


def test_query_counts_are_small_and_do_not_grow_with_rows(shipped, make_user, app, login_as):
    small = page_counts(shipped, make_user, 1, login_as)
    with app.app_context():
        wipe_database()
    large = page_counts(shipped, make_user, 20, login_as)
    report = "\n".join(f"{k}: {small[k]} vs {large[k]}" for k in small)
    print("\nqueries per page (1 row vs 20 rows):\n" + report)
    assert small == large, report
    assert max(large.values()) <= MAX_QUERIES, report
    assert large["coordinator summary"] == SUMMARY_QUERIES, report
    for page, expected in LESSON_QUERIES.items():
        assert large[page] == expected, report
