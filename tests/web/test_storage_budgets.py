"""Storage budgets of the workshop (issue 25, «Storage without bounds»): a course's text and media
and a trainer's own stored bytes are bounded; a save past a budget is refused before anything is
written, with a message that says which budget, how much is used and how much the change adds."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.revisions.models import CourseBlob, CourseDraft, CourseRevision, CourseRevisionFile
from tests.helpers import NEW_COURSE_FORM, NEW_COURSE_SLUG, confirm_upload

NEW = NEW_COURSE_FORM
SLUG = NEW_COURSE_SLUG
BASE = f"/formacion/taller/{SLUG}"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(13)


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", full_name="Marta Facilitadora")


@pytest.fixture
def author(client_as, trainer):
    client = client_as(trainer)
    response = client.post("/formacion/taller/nuevo", data=NEW)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (CourseRevision, CourseRevisionFile, CourseBlob, CourseDraft)
        )


def _text(response) -> str:
    return " ".join(unescape(response.get_data(as_text=True)).split())


def _lesson(n: int, size: int) -> bytes:
    """A different lesson of about SIZE bytes (compressible, as the review's were)."""
    head = f"---\ntitulo: Lección {n}\n---\n\n## Parte {n}\n\n".encode()
    line = f"Texto de la lección {n} sobre la cooperativa.\n".encode()
    return head + line * ((size - len(head)) // len(line))


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_reviews_zip_of_40_lessons_of_1_mb_is_refused_and_nothing_is_written(
    app, client_as, trainer
):
    """The review's zip: 40 different lessons just under 1 MB each (41 MB stored before)."""
    entries = {"curso-grande/course.md": b"---\ntitulo: Curso grande\n---\n\nBienvenida.\n"}
    for n in range(1, 41):
        entries[f"curso-grande/{n:02d}-leccion-{n}.md"] = _lesson(n, 1024 * 1024 - 4096)
    data = _zip(entries)
    assert len(data) < 1024 * 1024  # a small upload
    before = _counts(app)
    response = client_as(trainer).post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(data), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    text = _text(response)
    assert "El curso pasaría de 2 MB de texto (usa 0 kB; este cambio agrega 39,9 MB)" in text
    assert "divide o acorta las lecciones" in text
    assert _counts(app) == before


def test_a_save_past_the_text_budget_is_refused_and_the_typed_text_is_kept(
    app, author, monkeypatch
):
    monkeypatch.setitem(app.config, "COURSE_TEXT_BUDGET", 100 * 1024)
    page = author.get(f"{BASE}/archivo/course.md").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', page).group(1)
    before = _counts(app)
    typed = "---\ntitulo: Cuidados\n---\n\n" + "Una línea que escribí con cuidado.\n" * 4000
    response = author.post(f"{BASE}/archivo/course.md", data={"text": typed, "base": base})
    assert response.status_code == 400
    text = _text(response)
    assert "El curso pasaría de 100 kB de texto (usa 1 kB; este cambio agrega" in text
    # The edit page again, with what was typed in its text box.
    html = unescape(response.get_data(as_text=True))
    assert html.count("Una línea que escribí con cuidado.") >= 4000
    assert _counts(app) == before


def test_media_past_the_media_budget_is_refused(app, author, monkeypatch):
    monkeypatch.setitem(app.config, "COURSE_MEDIA_BUDGET", 1024 * 1024)
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * (700 * 1024)
    first = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(pdf), "guia.pdf"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert first.status_code == 302, _text(first)[:500]
    before = _counts(app)
    second = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(pdf + b"1"), "guia-2.pdf"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert second.status_code == 400
    assert "El curso pasaría de 1 MB de medios (usa 701 kB; este cambio agrega 701 kB)" in _text(
        second
    )
    assert _counts(app) == before
    # Text is not media: a lesson is still added.
    assert author.post(f"{BASE}/lecciones", data={"title": "Otra"}).status_code == 302


def test_a_trainer_past_their_own_budget_is_refused(
    app, author, client_as, trainer, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "TRAINER_STORAGE_BUDGET", 300 * 1024)
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"1" * (200 * 1024)
    first = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(pdf), "guia.pdf"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert first.status_code == 302
    before = _counts(app)
    # Another course of the same trainer: the budget is the trainer's, across courses.
    other = client_as(trainer)
    data = _zip(
        {
            "otro/course.md": b"---\ntitulo: Otro\n---\n\nHola.\n",
            "otro/01-uno.md": _lesson(1, 150 * 1024),
        }
    )
    response = other.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(data), "otro.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    text = _text(response)
    assert (
        "Pasarías de 300 kB guardados a tu nombre en el taller (usas 201 kB; este cambio "
        "agrega 151 kB)"
    ) in text
    assert "pide más espacio a la administración" in text
    assert _counts(app) == before
    # Admins have no budget of their own (ADMIN_STORAGE_BUDGET None): the same zip goes in.
    admin = client_as(make_user("admin"))
    accepted = admin.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(data), "otro.zip")},
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302, _text(accepted)[:500]


def _big_lesson(n: int, chars: int = 60_000) -> bytes:
    head = f"---\ntitulo: Lección {n}\nminutos: 10\n---\n\n"
    blocks, size, k = [head], len(head), 0
    while True:
        k += 1
        block = f"## Parte {k}\n\nLa cooperativa {n} revisa su tema {k} y anota lo decidido.\n\n"
        if size + len(block) > chars - 10:
            return "".join(blocks).encode()
        blocks.append(block)
        size += len(block)


def test_workshop_pages_of_a_course_at_the_budget_are_fast_and_never_read_its_media(
    app, client_as, make_user, monkeypatch
):
    """A course at the text budget (34 lessons at the 60,000-character limit) with 20 MB of
    media: once checked, the admin's index and the course page read no file bytes (before,
    every page read every file of every course, media too). How fast they answer is measured
    in bench/, not here: a loaded machine must not fail this test."""
    from sqlalchemy import event

    from app.course_store import get_store

    with app.app_context():  # checked in-process, without the check's time limit
        monkeypatch.setattr(get_store(), "check_timeout", None)
    admin = client_as(make_user("admin"))
    entries = {
        "al-limite/course.md": (
            "---\ntitulo: Curso al límite\nresumen: Prueba.\nhoras: 2\nnivel: inicial\n"
            "publico: Grupos\nautores: Equipo\nlicencia: CC BY-SA 4.0\n---\n\nHola.\n"
        ).encode()
    }
    for n in range(1, 35):
        entries[f"al-limite/{n:02d}-leccion-{n}.md"] = _big_lesson(n)
    for m in range(2):
        entries[f"al-limite/media/guia-{m}.pdf"] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(
            [m + 1]
        ) * (10 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    response = admin.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(buffer.getvalue()), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, _text(response)[:800]
    first = admin.get("/formacion/taller/al-limite/")  # the check, once per version
    assert "0 errores" in _text(first)

    blob_reads: list[str] = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        # Reading a page's Markdown is fine (the course page lists the files nothing uses);
        # reading every file of the revision, media included, is what must not happen.
        if (
            "course_blobs.data" in statement
            and "course_revision_files.path" not in (statement.split("WHERE", 1)[-1])
        ):
            blob_reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        index = admin.get("/formacion/taller/")
        page = admin.get("/formacion/taller/al-limite/")
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert index.status_code == 200 and "Curso al límite" in _text(index)
    assert page.status_code == 200 and "media/guia-1.pdf" in _text(page)
    assert blob_reads == []


def test_a_new_zip_of_a_course_counts_what_its_draft_stores(app, client_as, trainer, monkeypatch):
    """A .zip of a course the trainer edits replaces its draft: the budget counts the draft as
    stored (read from the blob sizes) and what the zip adds to it."""
    uploader = client_as(trainer)

    def upload(lessons: int):
        entries = {"mi-curso/course.md": b"---\ntitulo: Mi curso\n---\n\nHola.\n"}
        for n in range(1, lessons + 1):
            entries[f"mi-curso/{n:02d}-leccion-{n}.md"] = _lesson(n, 40 * 1024)
        return uploader.post(
            "/formacion/taller/subir",
            data={"file": (io.BytesIO(_zip(entries)), "mi-curso.zip")},
            content_type="multipart/form-data",
        )

    monkeypatch.setitem(app.config, "COURSE_TEXT_BUDGET", 100 * 1024)
    assert upload(2).status_code == 302
    before = _counts(app)
    refused = upload(3)
    assert refused.status_code == 400
    assert "El curso pasaría de 100 kB de texto (usa 81 kB; este cambio agrega 40 kB)" in _text(
        refused
    )
    assert _counts(app) == before
    assert confirm_upload(uploader, upload(1)).status_code == 302  # smaller: accepted
