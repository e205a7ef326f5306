"""An easy-read file made in the workshop and published (issue 21 §2), in Chromium by keyboard,
with and without JavaScript: «Crear la versión simplificada» opens the new `.lf.md` prefilled
with the lesson's headings, the trainer writes it and saves it, the course is published
(and approved), and a participant reads the easy-read version of the lesson. The new file's
edit page has no axe violation and does not scroll sideways at 320 px."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.authoring import services as authoring
from app.extensions import db
from app.revisions.models import CourseReview
from tests.browser.axe import axe_and_reflow
from tests.browser.keyboard import id_is, tab_to
from tests.browser.pages import log_in, logged_in_client, new_workshop_course
from tests.worlds import WORKSHOP_LESSON

TALLER = "/formacion/taller"
STEM = "01-pedir-ayuda"
# The lesson without its ::: lectura-facil block: its easy-read version will be a file.
LESSON = re.sub(r"::: lectura-facil\n.*?\n:::\n\n", "", WORKSHOP_LESSON, flags=re.S)
EASY = (
    "---\n"
    "titulo: Pedir ayuda (versión simplificada)\n"
    "---\n"
    "\n"
    "## Lo más importante\n"
    "\n"
    "Pedir ayuda está bien.\n"
    "Todas las personas del equipo piden ayuda.\n"
)


def _course(browser_app, scenario, title: str):
    """A course of the scenario's trainer with one lesson and no easy-read version yet."""
    client = logged_in_client(browser_app, scenario.users["trainer"].username, scenario.password)
    slug = new_workshop_course(client, title)
    client.post(f"{TALLER}/{slug}/lecciones", data={"title": "Pedir ayuda"})
    html = client.get(f"{TALLER}/{slug}/archivo/{STEM}.md").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    saved = client.post(f"{TALLER}/{slug}/archivo/{STEM}.md", data={"text": LESSON, "base": base})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    return client, slug


def _follow(page, match) -> None:
    tab_to(page, match)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def _button(text: str):
    return lambda info: info.get("tag") == "button" and info.get("text", "").startswith(text)


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_an_easy_read_file_is_created_written_and_published_by_keyboard(
    browser, base_url, browser_app, scenario, script
):
    client, slug = _course(browser_app, scenario, f"Curso de lectura fácil {int(script)}")
    failures: list[str] = []
    context = browser.new_context(base_url=base_url, locale="es-CL", java_script_enabled=script)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        log_in(page, scenario.users["trainer"].username, scenario.password)
        page.goto(f"{TALLER}/{slug}/")
        assert "no tiene versión de lectura fácil" in page.locator("main").inner_text()
        _follow(page, _button("Crear la versión simplificada"))
        assert page.url.endswith(f"{TALLER}/{slug}/archivo/{STEM}.lf.md"), page.url
        prefilled = page.input_value("#texto")
        assert "titulo: Pedir ayuda (versión simplificada)" in prefilled
        assert "## Lo más importante" in prefilled
        if script:
            failures += axe_and_reflow(page, "the new easy-read file's edit page")

        tab_to(page, id_is("texto"))
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(EASY)
        with page.expect_navigation():
            tab_to(page, _button("Guardar en el borrador"))
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        with browser_app.app_context():
            ws = authoring.workspace(slug)
            assert ws.files[f"{STEM}.lf.md"].decode().replace("\r\n", "\n") == EASY
            assert ws.course is not None and ws.course.lessons[0].easy_read is not None
    finally:
        context.close()

    # Published (the course's first publication waits for an admin) ...
    form = client.get(f"{TALLER}/{slug}/publicar").get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', form).group(1)
    asked = client.post(
        f"{TALLER}/{slug}/publicar",
        data={"note": "Con lectura fácil", "revision": revision, "accept_warnings": "y"},
    )
    assert asked.status_code == 302, asked.get_data(as_text=True)
    with browser_app.app_context():
        review = db.session.scalar(
            select(CourseReview.id).where(
                CourseReview.course_slug == slug, CourseReview.status == "pending"
            )
        )
    admin = logged_in_client(browser_app, scenario.users["admin"].username, scenario.password)
    assert admin.post(f"/admin/cursos/aprobaciones/{review}/aprobar").status_code == 302

    # ... and a participant reads the easy-read version.
    reader_context = browser.new_context(
        base_url=base_url, locale="es-CL", java_script_enabled=script
    )
    try:
        reader = reader_context.new_page()
        log_in(reader, scenario.users["participant"].username, scenario.password)
        response = reader.goto(f"/cursos/{slug}/{STEM}?version=facil")
        assert response is not None and response.status == 200
        text = reader.locator("main").inner_text()
        assert "Todas las personas del equipo piden ayuda." in text
    finally:
        reader_context.close()
    assert not failures, "\n".join(failures)
