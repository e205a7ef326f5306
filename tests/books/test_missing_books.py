"""`make run` on an instance upgraded from before the books: `flask courses books --enqueue`
enqueues the book job of every published version that has none, once."""

from __future__ import annotations

from app import jobs
from app.books import services, tasks
from app.extensions import db


def book_jobs() -> list[int]:
    """The revisions whose book job waits in the queue."""
    job = tasks.build_version_books.task_class
    return [task.args[0] for task in jobs.huey.pending() if isinstance(task, job)]


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
        assert book_jobs() == [revision_id]

        # Run again (a second `make run` before the worker got to it): nothing more.
        again = runner.invoke(args=["courses", "books", "--enqueue"])
        assert "libros: 0 cursos encolados, 1 listos o ya en la cola" in again.output
        assert book_jobs() == [revision_id]

        # The worker builds them; then there is nothing missing to enqueue.
        jobs.huey.flush()
        with upgraded.app_context():
            built = [b.reading for b in services.build_books(revision_id, readings=("completo",))]
            db.session.commit()
        assert built == ["completo"]
        # One of its two books is still missing: the job is enqueued again.
        assert runner.invoke(args=["courses", "books", "--enqueue"]).exit_code == 0
        assert book_jobs() == [revision_id]
        jobs.huey.flush()
        with upgraded.app_context():
            services.build_books(revision_id)
            db.session.commit()
        done = runner.invoke(args=["courses", "books", "--enqueue"])
        assert "libros: 0 cursos encolados, 1 listos o ya en la cola" in done.output
        assert book_jobs() == []
    finally:
        jobs.huey.flush()
        jobs.init_jobs(app)
