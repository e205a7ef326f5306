"""Write and see side by side, in Chromium (issue 21 §3): the preview beside the text box with an
error shown in place, «línea N» putting the cursor on the line, line numbers, inserting a media
file, and the media library's replace and delete; by keyboard, with and without JavaScript; axe
finds nothing and nothing scrolls sideways at 320 px on every new page state."""

from __future__ import annotations

import io
import re

import pytest

from app.extensions import db
from app.revisions.models import CourseEditor
from tests.browser.axe import NARROW, axe_and_reflow
from tests.browser.keyboard import active, tab_to
from tests.browser.pages import log_in, logged_in_client, new_workshop_course
from tests.worlds import WORKSHOP_LESSON

TALLER = "/formacion/taller"
WIDE = {"width": 1280, "height": 900}
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(13)
PNG_2 = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(12) + b"\x01"
MP4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + bytes(8)
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHola, soy María.\n".encode()
LESSON = WORKSHOP_LESSON.replace(
    "Pedir ayuda es parte del trabajo en equipo.\n",
    "Pedir ayuda es parte del trabajo en equipo.\n\n"
    "![Ocho personas votan a mano alzada](media/foto.png)\n\n"
    "::: cuadro\nUn bloque con nombre mal escrito.\n:::\n\nOtro párrafo que sigue bien.\n",
)  # line 10: the image; line 12: an unknown block (an error)
ERROR_LINE = 12


@pytest.fixture(scope="module")
def course(browser_app, scenario):
    """A course of the scenario's trainer with media and a lesson with an error."""
    trainer = scenario.users["trainer"]
    client = logged_in_client(browser_app, trainer.username, scenario.password)
    slug = new_workshop_course(client, "Ver al lado")
    assert client.post(f"{TALLER}/{slug}/lecciones", data={"title": "Pedir ayuda"}).status_code
    for name, data, alt in (
        ("foto.png", PNG, "Ocho personas votan a mano alzada"),
        ("asamblea.mp4", MP4, ""),
        ("asamblea.vtt", VTT, ""),
    ):
        response = client.post(
            f"{TALLER}/{slug}/medios",
            data={"file": (io.BytesIO(data), name), "alt": alt},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    path = "01-pedir-ayuda.md"
    html = client.get(f"{TALLER}/{slug}/archivo/{path}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(f"{TALLER}/{slug}/archivo/{path}", data={"text": LESSON, "base": base})
    assert response.status_code == 302
    with browser_app.app_context():
        assert db.session.get(CourseEditor, (slug, trainer.id)) is not None
    return f"{TALLER}/{slug}"


@pytest.fixture
def no_script(browser, base_url, scenario):
    """The trainer in a browser without JavaScript."""
    context = browser.new_context(base_url=base_url, locale="es-CL", java_script_enabled=False)
    page = context.new_page()
    log_in(page, scenario.users["trainer"].username, scenario.password)
    yield page
    context.close()


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_side_by_side_preview_shows_the_error_in_place_and_jumps_to_its_line(role_contexts, course):
    page = role_contexts["trainer"].new_page()
    failures: list[str] = []
    try:
        page.set_viewport_size(WIDE)
        page.goto(f"{course}/archivo/01-pedir-ayuda.md")
        form, preview = _box(page, "#texto"), _box(page, "#vista-previa")
        assert preview["x"] > form["x"] + form["width"] - 1  # beside, not below
        assert preview["y"] < form["y"] + form["height"]
        # The error is drawn after the block made from its line, in words.
        marker = page.locator("#vista-previa .preview-problem").nth(0)
        assert "bloque desconocido ::: cuadro" in marker.inner_text()
        assert marker.inner_text().startswith("Error")
        block = _box(page, f"#vista-linea-{ERROR_LINE}")
        assert _box(page, "#vista-previa .preview-problem")["y"] >= block["y"]
        # Line numbers beside the text box, hidden from screen readers.
        gutter = page.locator(".editor-gutter")
        assert gutter.get_attribute("aria-hidden") == "true"
        assert gutter.inner_text().split("\n")[:3] == ["1", "2", "3"]
        failures += axe_and_reflow(page, "edit page with preview and an error")
        # Keyboard: from the list of problems to the marker, then to the line in the text box.
        tab_to(page, lambda i: i.get("href") == "#vista-problema-1")
        page.keyboard.press("Enter")
        assert active(page).get("id") == "vista-problema-1"
        tab_to(page, lambda i: i.get("href") == f"#linea-{ERROR_LINE}")
        page.keyboard.press("Enter")
        assert active(page).get("id") == "texto"
        cursor = page.evaluate(
            "() => { const t = document.getElementById('texto');"
            " return t.value.slice(0, t.selectionStart).split('\\n').length; }"
        )
        assert cursor == ERROR_LINE
        assert page.evaluate("document.getElementById('texto').selectionStart") > 0
        # Narrow: the preview goes under the text box.
        page.set_viewport_size(NARROW)
        assert _box(page, "#vista-previa")["y"] > _box(page, "#texto")["y"]
    finally:
        page.close()
    assert not failures, "\n".join(failures)


def test_insert_a_media_file_at_the_cursor(role_contexts, course):
    page = role_contexts["trainer"].new_page()
    try:
        page.set_viewport_size(WIDE)
        page.goto(f"{course}/archivo/01-pedir-ayuda.md#linea-8")
        assert active(page).get("id") == "texto"  # arriving at a line puts the cursor there
        page.keyboard.press("End")
        tab_to(page, lambda i: i.get("tag") == "summary")
        page.keyboard.press("Enter")  # open «Insertar…»
        tab_to(page, lambda i: "/media/asamblea.mp4/insertar" in i.get("href", ""))
        page.keyboard.press("Enter")
        assert active(page).get("id") == "texto"
        value = page.evaluate("document.getElementById('texto').value")
        lines = value.split("\n")
        assert lines[7] == "Pedir ayuda es parte del trabajo en equipo."
        assert lines[9] == "::: video media/asamblea.mp4 subtitulos=media/asamblea.vtt"
        assert lines[10] == "Hola, soy María." and lines[11] == ":::"
        assert "línea 10" in page.locator("#insertar-estado").inner_text()
        assert page.url.endswith("/archivo/01-pedir-ayuda.md#linea-8")  # nothing left the page
    finally:
        page.close()


def test_without_javascript_the_numbered_listing_and_the_copy_page_remain(no_script, course):
    page = no_script
    page.set_viewport_size(WIDE)
    page.goto(f"{course}/archivo/01-pedir-ayuda.md")
    assert page.locator(".editor-gutter").count() == 0
    assert page.locator(f"#vista-linea-{ERROR_LINE} + .preview-problem, "
                        f"#vista-linea-{ERROR_LINE} .preview-problem").count() == 1  # fmt: skip
    # «línea N» goes to the numbered listing.
    page.locator(f"#vista-previa a[href='#linea-{ERROR_LINE}']").click()
    assert page.url.endswith(f"#linea-{ERROR_LINE}")
    assert page.locator(f"#linea-{ERROR_LINE}").is_visible()
    # «Insertar» opens the page with the text to copy.
    page.locator("#insertar summary").click()
    page.locator("#insertar a[href*='asamblea.mp4/insertar']").click()
    page.wait_for_load_state()
    snippet = page.locator("#fragmento-texto").input_value()
    assert snippet.startswith("::: video media/asamblea.mp4 subtitulos=media/asamblea.vtt")
    page.goto(f"{course}/biblioteca/")
    assert "01-pedir-ayuda.md, línea 10" in page.locator("#archivo-foto-png").inner_text()


def test_media_replace_and_delete_by_keyboard(role_contexts, course, browser_app):
    page = role_contexts["trainer"].new_page()
    failures: list[str] = []
    try:
        page.set_viewport_size(WIDE)
        page.goto(f"{course}/biblioteca/")
        failures += axe_and_reflow(page, "media library")
        # Replace: same name, a new version.
        tab_to(page, lambda i: i.get("href", "").endswith("media/foto.png/reemplazar"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        failures += axe_and_reflow(page, "replace page")
        page.set_input_files("#file", files=[{"name": "otra.mp4", "mimeType": "video/mp4",
                                              "buffer": MP4}])  # fmt: skip
        tab_to(page, lambda i: i.get("text", "").startswith("Reemplazar el archivo"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "no es del mismo tipo que foto.png" in page.locator("main").inner_text()
        failures += axe_and_reflow(page, "replace page, refused")
        page.set_input_files("#file", files=[{"name": "nueva.png", "mimeType": "image/png",
                                              "buffer": PNG_2}])  # fmt: skip
        tab_to(page, lambda i: i.get("text", "").startswith("Reemplazar el archivo"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/biblioteca/#archivo-foto-png")
        assert "Reemplazaste media/foto.png" in page.locator("main").inner_text()
        failures += axe_and_reflow(page, "library after a replace")
        # Delete: asks first, then the checker reports the line that still uses it.
        tab_to(page, lambda i: i.get("href", "").endswith("media/foto.png/borrar"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "01-pedir-ayuda.md, línea 10" in page.locator("main").inner_text()
        failures += axe_and_reflow(page, "delete page")
        tab_to(page, lambda i: i.get("text", "").startswith("Sí, borrar el archivo"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/#revision")
        text = page.locator("main").inner_text()
        assert "no existe el archivo 'media/foto.png'" in text
        failures += axe_and_reflow(page, "course page after deleting a used file")
    finally:
        page.close()
    assert not failures, "\n".join(failures)
