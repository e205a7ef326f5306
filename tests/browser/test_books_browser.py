"""The page states the talking books add (issue 22): the course and whole-course pages offering
the book of each reading version with its size, to visitors and participants alike, or saying
that one is on its way; the workshop telling its trainers how each book stands, with its retry
button. axe finds nothing, nothing scrolls sideways at 320 px, and the HTML checker finds
nothing in the new states."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete, update

from app.books.models import CourseBook
from app.books.services import store_blob
from app.extensions import db
from app.revisions import services as revisions
from tests.browser.axe import axe_and_reflow
from tests.browser.html_checker import html_errors, save_page
from tests.helpers import FIXTURE_COURSES

COURSE = "curso-prueba"
BOOK = b"PK\x03\x04" + bytes(4_404_015)


@pytest.fixture(scope="module")
def books(browser_app, scenario):
    """curso-prueba published, with both of its books built."""
    with browser_app.app_context():
        revision, _created = revisions.record_folder(FIXTURE_COURSES / COURSE)
        revisions.publish(revision)
        digest = store_blob(BOOK)
        for reading in ("completo", "facil"):
            db.session.add(
                CourseBook(
                    revision_id=revision.id,
                    reading=reading,
                    status="ready",
                    blob_sha256=digest,
                    size=len(BOOK),
                )
            )
        db.session.commit()
    yield hashlib.sha256(BOOK).hexdigest()
    with browser_app.app_context():
        db.session.execute(delete(CourseBook))
        db.session.commit()


@pytest.mark.parametrize("role", ["anonymous", "participant"])
def test_the_book_downloads_pass_axe_and_reflow(role_contexts, books, role):
    page = role_contexts[role].new_page()
    try:
        for url in (f"/cursos/{COURSE}/", f"/cursos/{COURSE}/completo"):
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            links = page.locator(".book-downloads a")
            assert links.count() == 2, url
            assert links.first.inner_text() == "Descargar el libro con audio (4,2 MB)"
            assert links.nth(1).inner_text() == (
                "Descargar el libro con audio en lectura fácil (4,2 MB)"
            )
            failures = axe_and_reflow(page, url)
            assert not failures, "\n".join(failures)
    finally:
        page.close()


def _easy_book(app, status: str) -> None:
    with app.app_context():
        db.session.execute(
            update(CourseBook).where(CourseBook.reading == "facil").values(status=status)
        )
        db.session.commit()
    app.extensions["visitor_cache"].pages.clear()  # a visitor sees it at once, not in 60 s


def test_a_book_on_its_way_and_a_failed_one_pass_axe_reflow_and_the_html_checker(
    browser_app, role_contexts, books, tmp_path
):
    _easy_book(browser_app, "pending")
    sent = []  # each new state as the server sent it, for the HTML checker
    try:
        for role in ("anonymous", "participant", "trainer"):
            page = role_contexts[role].new_page()
            try:
                for url in (f"/cursos/{COURSE}/", f"/cursos/{COURSE}/completo"):
                    assert page.goto(url).status == 200, url
                    assert page.locator(".book-downloads a").count() == 1, url
                    assert page.locator("#libro-en-camino").inner_text() == (
                        "El libro con audio en lectura fácil se está preparando y estará aquí "
                        "en unos minutos."
                    )
                    failures = axe_and_reflow(page, url)
                    assert not failures, "\n".join(failures)
            finally:
                page.close()
        page = role_contexts["trainer"].new_page()
        try:
            workshop = f"/formacion/taller/{COURSE}/"
            assert page.goto(workshop).status == 200
            assert page.locator("#libros").inner_text() == (
                "Libro con audio: listo (4,2 MB). Libro con audio en lectura fácil: "
                "se está preparando."
            )
            assert not (failures := axe_and_reflow(page, workshop)), "\n".join(failures)
            trainer = role_contexts["trainer"]
            sent.append(save_page(trainer, workshop, tmp_path / "taller-libro-en-camino.html"))
            sent.append(
                save_page(
                    role_contexts["anonymous"],
                    f"/cursos/{COURSE}/",
                    tmp_path / "curso-libro-en-camino.html",
                )
            )
            _easy_book(browser_app, "failed")
            page.goto(workshop)
            assert "no se pudo hacer" in page.locator("#libros").inner_text()
            assert page.locator("#libro-fallido").is_visible()
            assert (
                page.locator("#reintentar button").inner_text() == "Intentar de nuevo lo que falló"
            )
            assert not (failures := axe_and_reflow(page, workshop)), "\n".join(failures)
            sent.append(save_page(trainer, workshop, tmp_path / "taller-libro-fallido.html"))
        finally:
            page.close()
    finally:
        _easy_book(browser_app, "ready")
    errors = html_errors(sent)
    assert not errors, "\n".join(errors)
