"""The workshop's «Intentar de nuevo lo que falló»: a course's editors plan again the narrations
and the talking books of the published version that failed, without an operator's command."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.books import tasks as book_tasks
from app.books.models import CourseBook
from app.books.services import store_blob
from app.content.narration import all_readings
from app.course_store import get_course
from app.extensions import db
from app.narration import services
from app.narration import tasks as narration_tasks
from app.narration.models import LessonNarration
from app.revisions.services import published_revision

WORKSHOP = "/formacion/taller/curso-prueba/"
RETRY = WORKSHOP + "reintentar"
BUTTON = "Intentar de nuevo lo que falló"


@pytest.fixture
def enqueued(monkeypatch):
    """The jobs the retry enqueues, recorded instead of run."""
    jobs = {"clips": [], "books": []}
    monkeypatch.setattr(
        narration_tasks, "narrate_clip", lambda key, *args: jobs["clips"].append(key)
    )
    monkeypatch.setattr(book_tasks, "plan_version_books", jobs["books"].append)
    return jobs


@pytest.fixture
def failed(app, runner):
    """curso-prueba published, with one narration and its easy-read book failed for good and
    another narration on its way; {name: key} of those narrations, and the revision id."""
    assert runner.invoke(args=["courses", "sync"]).exit_code == 0
    with app.app_context():
        course = get_course("curso-prueba")
        keys = [
            r.key
            for r in all_readings(course, services.voice(), services.words_per_minute())
            if r.key
        ]
        revision_id = published_revision("curso-prueba").id
        db.session.add_all(
            [
                LessonNarration(
                    key=keys[0], voice="es-419", status="failed", attempts=3, error="sin voz"
                ),
                LessonNarration(key=keys[1], voice="es-419", status="pending", attempts=1),
                CourseBook(
                    revision_id=revision_id,
                    reading="completo",
                    status="ready",
                    blob_sha256=store_blob(b"PK\x03\x04 libro"),
                    size=13,
                ),
                CourseBook(
                    revision_id=revision_id, reading="facil", status="failed", error="sin voz"
                ),
            ]
        )
        db.session.commit()
    return {"failed": keys[0], "pending": keys[1], "revision": revision_id}


def test_an_editor_plans_again_only_what_failed(app, client_as, make_user, failed, enqueued):
    admin = client_as(make_user("admin"))
    page = admin.get(WORKSHOP).get_data(as_text=True)
    assert BUTTON in page and "Puedes intentarlo de nuevo con el botón de más abajo" in page
    assert f'action="{RETRY}"' in page
    answer = admin.post(RETRY, follow_redirects=True)
    assert answer.status_code == 200
    assert (
        "Se intentará de nuevo lo que falló (narraciones: 1; libros con audio: 1). Vuelve a "
        "esta página en unos minutos." in answer.get_data(as_text=True)
    )
    assert enqueued == {"clips": [failed["failed"]], "books": [failed["revision"]]}
    with app.app_context():
        row = db.session.get(LessonNarration, failed["failed"])
        assert (row.status, row.attempts) == ("pending", 0)
        assert db.session.get(LessonNarration, failed["pending"]).attempts == 1  # untouched
        books = dict(db.session.execute(select(CourseBook.reading, CourseBook.status)).all())
        assert books == {"completo": "ready", "facil": "pending"}
        assert (
            db.session.scalar(select(CourseBook.error).where(CourseBook.reading == "facil")) == ""
        )
    # Nothing failed now: no button, and a second post says there is nothing to do.
    page = answer.get_data(as_text=True)
    assert BUTTON not in page
    again = admin.post(RETRY, follow_redirects=True)
    assert "No hay nada que intentar de nuevo" in again.get_data(as_text=True)
    assert enqueued == {"clips": [failed["failed"]], "books": [failed["revision"]]}


def test_only_editors_may_retry(app, client, client_as, make_user, failed, enqueued):
    assert client.post(RETRY).status_code == 302  # a visitor goes to the login page
    outsider = client_as(make_user("trainer"))  # not an editor of curso-prueba
    assert outsider.post(RETRY).status_code == 404
    assert BUTTON not in outsider.get(WORKSHOP).get_data(as_text=True)
    assert enqueued == {"clips": [], "books": []}
    with app.app_context():
        assert db.session.get(LessonNarration, failed["failed"]).status == "failed"


def test_a_person_may_retry_a_few_times_an_hour(make_app, make_user, client_as, runner):
    assert runner.invoke(args=["courses", "sync"]).exit_code == 0
    limited = make_app(RATELIMIT_ENABLED=True, AUDIO_RETRY_LIMIT="2 per hour")
    admin = client_as(make_user("admin"), application=limited)
    answers = [admin.post(RETRY).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
