"""Books stored per published version and reading version, built by a job after a publish,
offered on the course pages with their size and downloaded by anyone."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.books import services, tasks
from app.books.models import CourseBook
from app.extensions import db
from app.revisions.models import CourseBlob, CourseRevision
from app.revisions.services import prune_drafts, publish, withdraw

FAKE = b"PK\x03\x04" + b"x" * (4_404_019 - 4)  # 4,2 MB
COURSE = "/cursos/curso-prueba/"
FULL = "/cursos/curso-prueba/completo"


@pytest.fixture
def fake_builder(monkeypatch):
    """Stand in for the EPUB build (tests/books/test_book_checks.py builds real ones)."""
    made = []

    def book_bytes(course, files, reading, *, modified, speaker, earlier=None):
        made.append((course.slug, reading))
        return FAKE if reading == "completo" else FAKE[:900_000], 61.4, {}

    monkeypatch.setattr(services, "book_bytes", book_bytes)
    return made


def synced(app, runner) -> int:
    """Publish the fixture course (`flask courses sync`); its revision id."""
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return services.published_revisions()["curso-prueba"]


def build(app, revision_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        built = [(b.reading, b.status) for b in services.build_books(revision_id)]
        db.session.commit()
        return built


def set_status(app, reading: str, status: str, error: str = "") -> None:
    """Put the book of READING in STATUS (as a job would leave it)."""
    with app.app_context():
        book = db.session.scalar(select(CourseBook).where(CourseBook.reading == reading))
        book.status, book.error = status, error
        db.session.commit()


def books(app):
    with app.app_context():
        return [
            (b.reading, b.status, b.size, b.error)
            for b in db.session.scalars(select(CourseBook).order_by(CourseBook.reading))
        ]


def test_build_books_stores_each_reading_version_as_a_blob(app, runner, fake_builder):
    revision_id = synced(app, runner)
    with app.app_context():
        built = services.build_books(revision_id)
        db.session.commit()
        assert [(b.reading, b.status) for b in built] == [("completo", "ready"), ("facil", "ready")]
        blob = db.session.get(CourseBlob, built[0].blob_sha256)
        assert bytes(blob.data) == FAKE and blob.sha256 == hashlib.sha256(FAKE).hexdigest()
        # Built once: a second run (another worker, a retry) builds nothing again.
        services.build_books(revision_id)
        assert len(fake_builder) == 2
    assert books(app) == [("completo", "ready", len(FAKE), ""), ("facil", "ready", 900_000, "")]


def test_the_course_pages_offer_each_book_with_its_size_to_a_visitor(
    app, client, runner, fake_builder
):
    revision_id = synced(app, runner)
    assert "Descargar el libro con audio" not in client.get(COURSE).get_data(as_text=True)
    build(app, revision_id)
    for page in (COURSE, FULL):
        html = client.get(page).get_data(as_text=True)
        assert "Descargar el libro con audio (4,2 MB)" in html
        # The fixture's easy-read texts were validated with readers: «lectura fácil».
        assert "Descargar el libro con audio en lectura fácil (879 kB)" in html
        assert 'href="/cursos/curso-prueba/libro/completo.epub?v=' in html


def test_the_download_is_the_stored_epub_with_a_readable_name_and_etag(
    app, client, runner, fake_builder
):
    build(app, synced(app, runner))
    answer = client.get("/cursos/curso-prueba/libro/completo.epub")
    assert answer.status_code == 200
    assert answer.mimetype == "application/epub+zip"
    assert answer.data == FAKE
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=curso-prueba-libro-con-audio.epub"
    )
    digest = hashlib.sha256(FAKE).hexdigest()
    assert answer.headers["ETag"] == f'"{digest}"'
    again = client.get(
        "/cursos/curso-prueba/libro/completo.epub", headers={"If-None-Match": f'"{digest}"'}
    )
    assert again.status_code == 304
    easy = client.get("/cursos/curso-prueba/libro/facil.epub")
    assert easy.headers["Content-Disposition"] == (
        "attachment; filename=curso-prueba-lectura-facil-libro-con-audio.epub"
    )
    assert client.get("/cursos/curso-prueba/libro/otro.epub").status_code == 404
    assert client.get("/cursos/no-existe/libro/completo.epub").status_code == 404


def test_no_book_is_served_before_it_is_built(app, client, runner):
    synced(app, runner)
    assert client.get("/cursos/curso-prueba/libro/completo.epub").status_code == 404


def test_a_failed_build_keeps_its_error_and_a_later_build_replaces_it(
    app, client, runner, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("espeak-ng no está instalado")

    monkeypatch.setattr(services, "book_bytes", broken)
    revision_id = synced(app, runner)
    build(app, revision_id)
    assert books(app) == [
        ("completo", "failed", 0, "RuntimeError: espeak-ng no está instalado"),
        ("facil", "failed", 0, "RuntimeError: espeak-ng no está instalado"),
    ]
    assert "Descargar el libro con audio" not in client.get(COURSE).get_data(as_text=True)
    monkeypatch.setattr(services, "book_bytes", lambda *a, **k: (FAKE, 1.0, {}))
    build(app, revision_id)
    assert [b[1] for b in books(app)] == ["ready", "ready"]


def test_the_job_builds_the_books_and_fails_so_that_the_queue_retries(
    app, runner, monkeypatch, fake_builder
):
    revision_id = synced(app, runner)
    assert tasks.build_version_books.call_local(revision_id) == 2
    assert [b[1] for b in books(app)] == ["ready", "ready"]
    with app.app_context():
        db.session.execute(CourseBook.__table__.update().values(status="pending"))
        db.session.commit()
    monkeypatch.setattr(
        services, "book_bytes", lambda *a, **k: (_ for _ in ()).throw(OSError("disco lleno"))
    )
    with pytest.raises(RuntimeError, match="completo: OSError: disco lleno"):
        tasks.build_version_books.call_local(revision_id)
    assert [b[1] for b in books(app)] == ["failed", "failed"]


def test_a_publish_enqueues_the_books_of_the_published_version(make_app, runner, monkeypatch):
    enqueued = []
    monkeypatch.setattr(tasks, "plan_version_books", enqueued.append)
    synced(make_app(), runner)  # the session's app: BOOKS_ON_PUBLISH off
    assert enqueued == []
    publishing = make_app(BOOKS_ON_PUBLISH=True)
    result = publishing.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert enqueued == []  # nothing changed: nothing published
    with publishing.app_context():
        from_db = services.published_revisions()["curso-prueba"]
        withdraw("curso-prueba")
        db.session.commit()
        publish(db.session.get(CourseRevision, from_db))
        db.session.commit()
    assert enqueued == [from_db]


def test_the_books_of_a_published_version_survive_a_prune(app, runner, fake_builder):
    build(app, synced(app, runner))
    with app.app_context():
        digest = db.session.scalar(
            select(CourseBook.blob_sha256).where(CourseBook.reading == "completo")
        )
        prune_drafts()
        db.session.commit()
        assert db.session.get(CourseBlob, digest) is not None


def test_flask_courses_books_builds_and_reports(app, runner, fake_builder):
    synced(app, runner)
    result = runner.invoke(args=["courses", "books", "curso-prueba"])
    assert result.exit_code == 0, result.output
    assert "curso-prueba completo: listo, 4404019 bytes, 61 s de audio" in result.output
    assert "curso-prueba facil: listo" in result.output
    missing = runner.invoke(args=["courses", "books", "no-existe"])
    assert missing.exit_code == 1
    assert "no-existe: no hay una versión publicada de ese curso" in missing.output


def test_the_plan_job_writes_a_pending_row_per_book_and_enqueues_their_build(
    app, runner, monkeypatch
):
    revision_id = synced(app, runner)
    built = []
    monkeypatch.setattr(tasks, "build_version_books", built.append)
    assert tasks.plan_version_books.call_local(revision_id) == 2
    assert built == [revision_id]
    assert books(app) == [("completo", "pending", 0, ""), ("facil", "pending", 0, "")]
    # Planned again (a second host, `make run` again): no new rows, the build enqueued again.
    assert tasks.plan_version_books.call_local(revision_id) == 0
    assert built == [revision_id, revision_id]
    assert len(books(app)) == 2


def test_the_course_pages_say_a_planned_book_is_on_its_way_until_it_is_ready(
    app, client, runner, monkeypatch, fake_builder
):
    revision_id = synced(app, runner)
    monkeypatch.setattr(tasks, "build_version_books", lambda revision_id: None)
    tasks.plan_version_books.call_local(revision_id)
    both = "Los libros con audio de este curso se están preparando y estarán aquí en unos minutos."
    for page in (COURSE, FULL):
        html = client.get(page).get_data(as_text=True)
        assert both in html
        assert "Descargar el libro con audio" not in html
    # The full text's book is made; the easy-read one is still on its way.
    build(app, revision_id)
    set_status(app, "facil", "pending")
    html = client.get(COURSE).get_data(as_text=True)
    assert "Descargar el libro con audio (4,2 MB)" in html
    assert (
        "El libro con audio en lectura fácil se está preparando y estará aquí en unos minutos."
        in html
    )
    assert both not in html
    # A failed book is not offered, nor promised: the workshop tells its trainers.
    set_status(app, "facil", "failed", "RuntimeError: sin voz")
    html = client.get(COURSE).get_data(as_text=True)
    assert "Descargar el libro con audio (4,2 MB)" in html
    assert "se está preparando" not in html
    assert "lectura fácil (" not in html


def test_nothing_is_said_of_a_book_nobody_planned(app, client, runner):
    synced(app, runner)  # no job ran: no worker, or BOOKS_ON_PUBLISH off
    html = client.get(COURSE).get_data(as_text=True)
    assert "libro con audio" not in html.lower()


def test_the_workshop_tells_its_trainers_how_each_book_stands(
    app, runner, client_as, make_user, monkeypatch, fake_builder
):
    revision_id = synced(app, runner)
    admin = client_as(make_user("admin"))
    workshop = "/formacion/taller/curso-prueba/"
    assert 'id="libros"' not in admin.get(workshop).get_data(as_text=True)  # nothing planned
    monkeypatch.setattr(tasks, "build_version_books", lambda revision_id: None)
    tasks.plan_version_books.call_local(revision_id)
    html = admin.get(workshop).get_data(as_text=True)
    assert (
        "Libro con audio: se está preparando. Libro con audio en lectura fácil: se está preparando."
        in html
    )
    build(app, revision_id)
    set_status(app, "facil", "failed", "RuntimeError: sin voz")
    html = admin.get(workshop).get_data(as_text=True)
    assert "download>listo (4,2 MB)</a>." in html
    assert "Libro con audio en lectura fácil: no se pudo hacer." in html
    assert "Puedes intentarlo de nuevo con el botón de más abajo." in html
    assert 'action="/formacion/taller/curso-prueba/reintentar"' in html
    assert "RuntimeError" not in html  # the operator reads it in the log
