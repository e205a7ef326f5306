"""The lessons' audio (and the books' plan) comes before the books in the queue, and the
workshop counts a lesson as ready only when every reading of it has its audio («Narración: 1 de
3 lecciones listas»)."""

from __future__ import annotations

from app import jobs
from app.books.tasks import build_version_books, plan_version_books
from app.content.narration import all_readings
from app.course_store import get_course
from app.extensions import db
from app.narration import services
from app.narration.models import LessonNarration
from app.narration.tasks import narrate_clip, narrate_version
from app.revisions.models import CourseBlob

WORKSHOP = "/formacion/taller/curso-prueba/"


def test_narration_jobs_run_before_book_jobs_enqueued_earlier(app, make_app, tmp_path):
    make_app(JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    try:
        build_version_books(1)
        build_version_books(2)
        narrate_version("curso-prueba", 3)
        narrate_clip("k" * 64, "Hola.", "es-419", 150)
        plan_version_books(3)  # a few rows: at once, so the pages can say a book is coming
        order = []
        while (task := jobs.huey.dequeue()) is not None:
            order.append(type(task))
        assert order == [
            narrate_version.task_class,
            narrate_clip.task_class,
            plan_version_books.task_class,
            build_version_books.task_class,
            build_version_books.task_class,
        ]
    finally:
        jobs.huey.flush()
        jobs.init_jobs(app)


def _made(keys: set[str]) -> None:
    blob = CourseBlob(sha256="a" * 64, size=3, data=b"ID3")
    db.session.merge(blob)
    for key in keys:
        db.session.merge(
            LessonNarration(key=key, voice="es-419", status="done", blob_sha256=blob.sha256, size=3)
        )
    db.session.commit()


def test_the_workshop_counts_a_lesson_once_every_reading_of_it_is_narrated(
    app, runner, client_as, make_user
):
    assert runner.invoke(args=["courses", "sync"]).exit_code == 0
    admin = client_as(make_user("admin"))
    with app.app_context():
        course = get_course("curso-prueba")
        readings = {
            (r.lesson.slug, r.easy_read): r.key
            for r in all_readings(course, services.voice(), services.words_per_minute())
            if r.key
        }
    page = admin.get(WORKSHOP).get_data(as_text=True)
    assert "Narración: 0 de 3 lecciones listas. Faltan 3: se están narrando" in page
    with app.app_context():
        # Lesson 3 (one reading) is ready; lesson 2 has its full text but not its easy read.
        _made({readings[("03-prueba-final", False)], readings[("02-trabajo-en-equipo", False)]})
    page = admin.get(WORKSHOP).get_data(as_text=True)
    assert "Narración: 1 de 3 lecciones listas. Faltan 2: se están narrando" in page
    with app.app_context():
        _made({readings[("02-trabajo-en-equipo", True)]})
    page = admin.get(WORKSHOP).get_data(as_text=True)
    assert "Narración: 2 de 3 lecciones listas. Falta 1: se está narrando" in page
    with app.app_context():
        # Lesson 1's full text is a trainer's recording: its easy read is all it needs.
        _made({readings[("01-que-es-una-cooperativa", True)]})
    page = admin.get(WORKSHOP).get_data(as_text=True)
    assert "Narración: 3 de 3 lecciones listas.</p>" in page  # nothing left to say


def test_the_worker_runs_one_thread_per_processor_and_polls_often(app, runner, monkeypatch):
    made = {}

    class Consumer:
        def run(self):
            made["ran"] = True

    def create_consumer(**options):
        made.update(options)
        return Consumer()

    monkeypatch.setattr(jobs.huey, "create_consumer", create_consumer)
    monkeypatch.setattr(jobs.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert runner.invoke(args=["jobs", "worker"]).exit_code == 0
    assert made["workers"] == 3 and made["ran"]
    assert made["max_delay"] == jobs.POLL_MAX_SECONDS <= 2
    assert runner.invoke(args=["jobs", "worker", "--workers", "1"]).exit_code == 0
    assert made["workers"] == 1
