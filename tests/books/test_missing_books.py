"""`make run` on an instance upgraded from before the books, or stopped while its worker built
them: `flask courses books --enqueue` enqueues the book jobs of every published version that
lacks a book and has no job waiting for it, once."""

from __future__ import annotations

from sqlalchemy import select

from app import jobs
from app.books import services, tasks
from app.books.models import CourseBook
from app.extensions import db


def book_jobs() -> list[tuple[str, int]]:
    """The book jobs waiting in the queue: (plan or build, revision)."""
    kinds = {
        tasks.plan_version_books.task_class: "plan",
        tasks.build_version_books.task_class: "build",
    }
    return [
        (kinds[type(task)], task.args[0]) for task in jobs.huey.pending() if type(task) in kinds
    ]


def statuses(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = select(CourseBook.reading, CourseBook.status).order_by(CourseBook.reading)
        return [tuple(row) for row in db.session.execute(rows)]


def test_versions_published_before_the_books_get_their_job_once(
    app, make_app, tmp_path, monkeypatch
):
    # The EPUB itself is built and checked in test_book_checks.py.
    monkeypatch.setattr(services, "book_bytes", lambda *a, **k: (b"PK\x03\x04 libro", 1.0, {}))
    # Published while there were no books (BOOKS_ON_PUBLISH off, as in the test config), with
    # a queue of its own (the session's holds other tests' jobs).
    upgraded = make_app(JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    runner = upgraded.test_cli_runner()
    try:
        assert runner.invoke(args=["courses", "sync"]).exit_code == 0
        with upgraded.app_context():
            revision_id = services.published_revisions()["curso-prueba"]
        assert book_jobs() == []

        first = runner.invoke(args=["courses", "books", "--enqueue"])
        assert first.exit_code == 0, first.output
        assert "curso-prueba: libros encolados para el worker" in first.output
        assert "libros: 1 cursos encolados, 0 listos o ya en la cola" in first.output
        assert book_jobs() == [("plan", revision_id)]

        # Run again (a second `make run` before the worker got to it): nothing more.
        again = runner.invoke(args=["courses", "books", "--enqueue"])
        assert "libros: 0 cursos encolados, 1 listos o ya en la cola" in again.output
        assert book_jobs() == [("plan", revision_id)]

        # The worker plans them (pending rows, the build enqueued): still nothing more.
        while not isinstance(plan := jobs.huey.dequeue(), tasks.plan_version_books.task_class):
            assert plan is not None  # the lessons' narration comes first: left aside here
        assert jobs.huey.execute(plan) == 2
        assert statuses(upgraded) == [("completo", "pending"), ("facil", "pending")]
        assert book_jobs() == [("build", revision_id)]
        runner.invoke(args=["courses", "books", "--enqueue"])
        assert book_jobs() == [("build", revision_id)]

        # The worker stopped while it built them: the rows stay pending, the job is gone.
        # The next start enqueues them again.
        jobs.huey.flush()
        lost = runner.invoke(args=["courses", "books", "--enqueue"])
        assert "libros: 1 cursos encolados, 0 listos o ya en la cola" in lost.output
        assert book_jobs() == [("plan", revision_id)]

        # One of its two books is built: the other is still missing, the job enqueued again.
        jobs.huey.flush()
        with upgraded.app_context():
            built = [b.reading for b in services.build_books(revision_id, readings=("completo",))]
            db.session.commit()
        assert built == ["completo"]
        assert runner.invoke(args=["courses", "books", "--enqueue"]).exit_code == 0
        assert book_jobs() == [("plan", revision_id)]
        jobs.huey.flush()
        with upgraded.app_context():
            services.build_books(revision_id)
            db.session.commit()
        done = runner.invoke(args=["courses", "books", "--enqueue"])
        assert "libros: 0 cursos encolados, 1 listos o ya en la cola" in done.output
        assert book_jobs() == []

        # A failed book waits for its job's retries or `flask courses books`, not for this.
        with upgraded.app_context():
            book = db.session.scalar(select(CourseBook).where(CourseBook.reading == "facil"))
            book.status = "failed"
            db.session.commit()
        runner.invoke(args=["courses", "books", "--enqueue"])
        assert book_jobs() == []
    finally:
        jobs.huey.flush()
        jobs.init_jobs(app)
