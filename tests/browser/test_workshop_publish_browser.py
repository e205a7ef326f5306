"""Publishing that says what it will do (issue 21 §4), in Chromium by keyboard, with and without
JavaScript: a withdrawal seen by an enrolled participant, a .zip uploaded over a draft, and
axe (0 violations) and 320 px reflow on every new page state (confirmations, warnings,
withdrawn course, renaming by title, the course address)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from app.authoring import services as authoring
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseEditor, CourseReview
from tests.browser.axe import axe_and_reflow
from tests.browser.keyboard import tab_to
from tests.browser.pages import log_in, logged_in_client, new_workshop_course
from tests.worlds import COURSE, WORKSHOP_LESSON

TALLER = "/formacion/taller"
WIDE = {"width": 1280, "height": 800}
LESSON_PATH = "01-pedir-ayuda.md"


def _course(browser_app, scenario, title: str) -> tuple[object, str]:
    """A course of the scenario's trainer with one written lesson (a draft): (client, slug)."""
    client = logged_in_client(browser_app, scenario.users["trainer"].username, scenario.password)
    slug = new_workshop_course(client, title)
    assert client.post(f"{TALLER}/{slug}/lecciones", data={"title": "Pedir ayuda"}).status_code
    _save(client, slug, WORKSHOP_LESSON)
    return client, slug


def _save(client, slug: str, text: str) -> None:
    html = client.get(f"{TALLER}/{slug}/archivo/{LESSON_PATH}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(
        f"{TALLER}/{slug}/archivo/{LESSON_PATH}", data={"text": text, "base": base}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _checked(page, label: str, script: bool = True) -> list[str]:
    """axe (both rule sets) and the 320 px reflow of the page as it is now. Both run scripts in
    the page: without JavaScript the same page state is checked in a context that has it."""
    return axe_and_reflow(page, label) if script else []


def _follow(page, match) -> dict:
    """Tab to the control MATCH selects, press Enter and wait for the next page."""
    info = tab_to(page, match)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    return info


def _link_to(suffix: str):
    return lambda info: info.get("tag") == "a" and info.get("href", "").endswith(suffix)


def _button(text: str):
    return lambda info: info.get("tag") == "button" and info.get("text", "").startswith(text)


def _context(browser, base_url, scenario, role: str, script: bool):
    context = browser.new_context(base_url=base_url, locale="es-CL", java_script_enabled=script)
    page = context.new_page()
    page.set_viewport_size(WIDE)
    log_in(page, scenario.users[role].username, scenario.password)
    assert "/ingresar" not in page.url
    return context, page


# --- a withdrawal, seen by an enrolled participant -----------------------------------------------
def test_a_withdrawal_asks_first_and_the_enrolled_participant_sees_it(
    browser, base_url, browser_app, scenario
):
    trainer = scenario.users["trainer"]
    with browser_app.app_context():
        if db.session.get(CourseEditor, (COURSE, trainer.id)) is None:
            db.session.add(CourseEditor(course_slug=COURSE, user_id=trainer.id))
        db.session.commit()
    failures: list[str] = []
    # The confirmation page, checked with scripts on (axe runs in the page)...
    checker_context, checker = _context(browser, base_url, scenario, "trainer", script=True)
    try:
        checker.goto(f"{TALLER}/{COURSE}/retirar")
        failures += _checked(checker, "withdraw confirmation")
    finally:
        checker_context.close()
    # ...and the withdrawal made with the keyboard, without JavaScript.
    trainer_context, page = _context(browser, base_url, scenario, "trainer", script=False)
    try:
        page.goto(f"{TALLER}/{COURSE}/historial")
        _follow(page, _link_to(f"{COURSE}/retirar"))  # a link to a page, not a POST
        assert page.url.endswith(f"{COURSE}/retirar")
        text = page.locator("main").inner_text()
        assert re.search(r"\d+ personas? (está|están) inscritas? en el curso", text), text
        assert "conservan sus avances, sus resultados y sus certificados" in text
        with browser_app.app_context():
            assert revisions.published_revision(COURSE) is not None  # asking changed nothing
        _follow(page, _button("Sí, retirar el curso"))
        assert page.url.endswith(f"{COURSE}/historial")
        assert "Retiraste el curso" in page.locator(".flash").inner_text()
        with browser_app.app_context():
            assert revisions.published_revision(COURSE) is None
    finally:
        trainer_context.close()
    for script in (True, False):
        context, reader = _context(browser, base_url, scenario, "participant", script)
        try:
            response = reader.goto(f"/cursos/{COURSE}/")
            assert response is not None and response.status == 410
            text = reader.locator("main").inner_text()
            assert "Curso retirado" in text and "lo retiró el " in text
            assert "tus certificados se conservan" in text
            failures += _checked(reader, "withdrawn course page", script)
            reader.goto("/mis-cursos")
            _follow(reader, _link_to(f"/cursos/{COURSE}/"))  # from «Mis cursos», by keyboard
            assert "Curso retirado" in reader.locator("h1").inner_text()
            reader.goto("/mis-cursos")
            assert "Cursos retirados" in reader.locator("main").inner_text()
            failures += _checked(reader, "my courses with a withdrawn one", script)
        finally:
            context.close()
    assert not failures, "\n".join(failures)


# --- a .zip over a draft -------------------------------------------------------------------------
@pytest.mark.parametrize("script", [True, False])
def test_a_zip_over_a_draft_shows_the_differences_and_asks(
    browser, base_url, browser_app, scenario, tmp_path, script
):
    client, slug = _course(browser_app, scenario, f"Curso del zip {int(script)}")
    exported = client.get(f"{TALLER}/{slug}/descargar.zip").data
    assert zipfile.ZipFile(io.BytesIO(exported)).namelist()
    edited = WORKSHOP_LESSON.replace('titulo: "Pedir ayuda"', 'titulo: "Pedir ayuda a tiempo"')
    _save(client, slug, edited)  # a title edited in the browser after the export
    archive = tmp_path / f"{slug}.zip"
    archive.write_bytes(exported)
    failures: list[str] = []
    context, page = _context(browser, base_url, scenario, "trainer", script)
    try:
        page.goto(f"{TALLER}/subir")
        page.set_input_files("#file", str(archive))
        _follow(page, _button("Subir el curso"))
        assert "¿Reemplazar el borrador con el .zip?" in page.locator("h1").inner_text()
        main = page.locator("main").inner_text()
        assert "Todavía no se reemplazó nada" in main and "Pedir ayuda a tiempo" in main
        assert "Pedir ayuda a tiempo" in _draft_lesson(browser_app, slug)  # nothing replaced yet
        failures += _checked(page, "zip over a draft: the differences", script)
        _follow(page, _button("Sí, reemplazar el borrador"))
        assert page.url.endswith(f"{TALLER}/{slug}/")
        assert "Reemplazaste el borrador con el .zip" in page.locator(".flash").inner_text()
        assert "Pedir ayuda a tiempo" not in _draft_lesson(browser_app, slug)
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def _draft_lesson(browser_app, slug: str) -> str:
    with browser_app.app_context():
        return authoring.workspace(slug).files[LESSON_PATH].decode()


# --- every other new page state ------------------------------------------------------------------
def test_every_new_page_state_has_no_axe_violations_and_reflows(
    browser, base_url, browser_app, scenario
):
    client, slug = _course(browser_app, scenario, "Curso de estados nuevos")
    base = f"{TALLER}/{slug}"
    assert client.post(f"{base}/publicar", data={"note": "Primera"}).status_code == 302
    admin = logged_in_client(browser_app, scenario.users["admin"].username, scenario.password)
    with browser_app.app_context():
        review = db.session.scalar(
            select(CourseReview.id).where(
                CourseReview.course_slug == slug, CourseReview.status == "pending"
            )
        )
    assert admin.post(f"/admin/cursos/aprobaciones/{review}/aprobar").status_code == 302
    # A draft with a warning (a # heading) over version 1.
    _save(client, slug, WORKSHOP_LESSON.replace("Pedir ayuda es", "# Título\n\nPedir ayuda es", 1))
    failures: list[str] = []
    context, page = _context(browser, base_url, scenario, "trainer", script=True)
    try:
        for url, label in (
            (f"{base}/publicar", "publish page with a warning"),
            (f"{base}/descartar", "discard confirmation"),
            (f"{base}/versiones/1", "version 1"),
            (f"{base}/historial", "history"),
            (f"{base}/editores", "editors, for an editor"),
            (f"{base}/lecciones/01-pedir-ayuda/nombre", "rename by title"),
            (f"{base}/", "course page listing lessons by title"),
        ):
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            failures += _checked(page, label)
        # The warning must be confirmed: refused with the box named in the error summary.
        page.goto(f"{base}/publicar")
        page.fill("#note", "Con un título")
        _follow(page, _button("Publicar"))
        assert page.locator(".error-summary a[href='#accept_warnings']").count() == 1
        failures += _checked(page, "publish refused: warnings not confirmed")
        # Renaming with the file name left empty.
        page.goto(f"{base}/lecciones/01-pedir-ayuda/nombre")
        page.fill("#name", "")
        _follow(page, _button("Cambiar el nombre"))
        failures += _checked(page, "rename with an error")
        # A taken course address.
        page.goto(f"{TALLER}/nuevo")
        for field, value in (
            ("#title", "Otro curso"),
            ("#slug", slug),
            ("#summary", "Resumen."),
            ("#audience", "Grupos"),
            ("#hours", "2"),
            ("#authors", "Equipo"),
        ):
            page.fill(field, value)
        _follow(page, _button("Crear el curso"))
        assert "Esa dirección no está disponible" in page.locator(".error-summary").inner_text()
        failures += _checked(page, "new course with a taken address")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
