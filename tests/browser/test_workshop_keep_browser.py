"""Not one typed word is lost, in a real browser (issue 21 §1 and §5), by keyboard.

The app here checks CSRF tokens, as in production: the session ends mid-edit (logged out in
another tab) and the save is refused; the text is kept for its author and recovered after
logging in again, with the script and without it. With the script, the autosave shows
«Guardado automáticamente a las …» and leaving with unsaved text asks first. Every new page
state has no axe violation and does not scroll sideways at 320 px; the .zip and media error
pages fit 320 px.
"""

from __future__ import annotations

import re
import threading
import zipfile

import pytest
from werkzeug.serving import make_server

from app.authoring import services as authoring
from tests.browser.axe import NARROW, axe_and_reflow
from tests.browser.keyboard import id_is, tab_to, text_is
from tests.browser.pages import log_in, new_workshop_course

TALLER = "/formacion/taller"
AUTOSAVED = re.compile(r"Guardado automáticamente a las \d\d:\d\d\.")


@pytest.fixture(scope="module")
def strict_server(make_app, scenario):
    """The app with CSRF checks on (as in production), on the browser tests' database."""
    application = make_app(WTF_CSRF_ENABLED=True, PAGE_CACHE_SECONDS=0)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def course_slug(browser_app, scenario):
    """A course of the scenario's trainer, made through the workshop's form."""
    client = browser_app.test_client()
    trainer = scenario.users["trainer"]
    client.post("/ingresar", data={"login": trainer.username, "password": scenario.password})
    return new_workshop_course(client, "Curso para no perder nada", hours="2,5")


@pytest.fixture(scope="module")
def checker(browser, strict_server):
    """A page with JavaScript, for axe and the width of pages seen without it: it is given
    their HTML, on the same address (so their stylesheet loads)."""
    _app, base = strict_server
    context = browser.new_context(base_url=base, locale="es-CL")
    yield context.new_page()
    context.close()


def _problems(page, label: str, checker=None) -> list[str]:
    """axe's violations and sideways scrolling at 320 px of the state PAGE shows (through
    CHECKER when PAGE runs no script: axe needs it)."""
    if checker is not None:
        checker.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/")
        checker.set_content(page.content())
        checker.wait_for_load_state()
        page = checker
    return axe_and_reflow(page, label)


def _saved_text(app, slug: str) -> str:
    with app.app_context():
        return authoring.workspace(slug).files["course.md"].decode()


def _type_at_the_end(page, text: str) -> None:
    tab_to(page, id_is("texto"))
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _log_out_in_another_tab(context) -> None:
    other = context.new_page()
    other.goto("/mis-cursos")
    tab_to(other, text_is("Cerrar sesión"))
    with other.expect_navigation():
        other.keyboard.press("Enter")
    other.close()


def _form_post(response) -> bool:
    """The answer to the form sent (not to an autosave, which also POSTs)."""
    return response.request.method == "POST" and "/autoguardado" not in response.url


def _save_by_keyboard(page, expected_status: int) -> None:
    tab_to(page, text_is("Guardar en el borrador"))
    # Wait for the page the answer leads to (after a 302, the redirect's), not only for the
    # answer: a journey that went on mid-navigation would race it.
    with page.expect_navigation(), page.expect_response(_form_post) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == expected_status, f"{page.url}: {answer.value.status}"
    page.wait_for_load_state()


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_session_ends_mid_edit_and_the_text_comes_back(
    browser, strict_server, scenario, course_slug, checker, script
):
    app, base = strict_server
    trainer = scenario.users["trainer"]
    typed = f"\nUna frase escrita {'con' if script else 'sin'} el script, que no se pierde.\n"
    context = browser.new_context(base_url=base, locale="es-CL", java_script_enabled=script)
    context.set_default_timeout(20_000)
    via = None if script else checker
    failures: list[str] = []
    dialogs: list[str] = []
    try:
        page = context.new_page()
        # A question before leaving would hold the page (and closing it) until answered.
        page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
        log_in(page, trainer.username, scenario.password)
        edit_url = f"{TALLER}/{course_slug}/archivo/course.md"
        page.goto(edit_url)
        _type_at_the_end(page, typed)
        if script:
            status = page.locator("#autoguardado")
            status.filter(has_text="Guardado automáticamente").wait_for(timeout=15_000)
            assert AUTOSAVED.fullmatch(status.inner_text().strip())
            failures += _problems(page, "edit page, autosaved")

        _log_out_in_another_tab(context)
        _save_by_keyboard(page, 401)
        assert "Tu texto no se perdió" in page.locator("main").inner_text()
        assert typed.strip() in page.input_value("#texto")
        failures += _problems(page, "session ended, text kept", via)
        assert typed.strip() not in _saved_text(app, course_slug)

        # «Ingresar otra vez» -> the login page -> back on the file, the text in the box.
        tab_to(page, text_is("Ingresar otra vez"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        tab_to(page, id_is("login"))
        page.keyboard.type(trainer.username)
        tab_to(page, id_is("password"))
        page.keyboard.type(scenario.password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"{edit_url}?recuperar=1"), page.url
        assert "Tienes un texto sin guardar de las" in page.locator("main").inner_text()
        assert typed.strip() in page.input_value("#texto")
        failures += _problems(page, "text recovered after logging in", via)

        # Without the recovery link, the page offers it: recover or discard.
        page.goto(edit_url)
        assert (
            page.locator("#texto-sin-guardar")
            .inner_text()
            .startswith("Tienes un texto sin guardar de las")
        )
        failures += _problems(page, "edit page offering a kept text", via)
        tab_to(page, text_is("Recuperarlo"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert typed.strip() in page.input_value("#texto")

        _save_by_keyboard(page, 302)
        assert typed.strip() in _saved_text(app, course_slug)
        assert page.locator("#texto-sin-guardar").count() == 0
        # Leaving the recovered, not yet saved text asked first (if Chromium counted the
        # keyboard use as a gesture on that page); the text was saved after that.
        assert set(dialogs) <= {"beforeunload"}, dialogs
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_a_stale_form_shows_the_text_again_and_saves_it(
    browser, strict_server, scenario, course_slug, checker
):
    app, base = strict_server
    trainer = scenario.users["trainer"]
    context = browser.new_context(base_url=base, locale="es-CL", java_script_enabled=False)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        log_in(page, trainer.username, scenario.password)
        page.goto(f"{TALLER}/{course_slug}/archivo/course.md")
        _type_at_the_end(page, "\nOtra frase, escrita antes de volver a ingresar.\n")
        _log_out_in_another_tab(context)
        other = context.new_page()
        log_in(other, trainer.username, scenario.password)
        other.close()
        _save_by_keyboard(page, 400)
        assert "Tu texto sigue aquí" in page.locator(".error-summary").inner_text()
        assert "Otra frase, escrita antes" in page.input_value("#texto")
        failures = _problems(page, "edit page, stale form", checker)
        _save_by_keyboard(page, 302)
        assert "Otra frase, escrita antes" in _saved_text(app, course_slug)
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_leaving_with_unsaved_text_asks_first_but_saving_does_not(
    browser, strict_server, scenario, course_slug
):
    _app, base = strict_server
    context = browser.new_context(base_url=base, locale="es-CL")
    dialogs: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
        log_in(page, scenario.users["trainer"].username, scenario.password)
        edit_url = f"{TALLER}/{course_slug}/archivo/course.md"
        page.goto(edit_url)
        page.close(run_before_unload=True)  # nothing typed: no question
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
        page.goto(edit_url)
        assert dialogs == []
        _type_at_the_end(page, "\nSin guardar.\n")
        page.close(run_before_unload=True)
        page.wait_for_timeout(500)
        assert dialogs == ["beforeunload"]
        # The question was dismissed, so the page stayed open; saving is not leaving: no question.
        _save_by_keyboard(page, 302)
        assert dialogs == ["beforeunload"]
    finally:
        context.close()


def test_the_zip_and_media_error_pages_fit_320_px(role_contexts, course_slug, tmp_path):
    """Their messages quote a file's name, which may be one long word: it wraps."""
    page = role_contexts["trainer"].new_page()
    failures: list[str] = []
    long_word = "nombresinespaciosniguiones" * 5
    try:
        page.set_viewport_size(NARROW)
        page.goto(f"{TALLER}/subir")
        bad_zip = tmp_path / "curso.zip"
        with zipfile.ZipFile(bad_zip, "w") as archive:
            archive.writestr("curso/course.md", "---\ntitulo: Curso\n---\n")
            archive.writestr(f"curso/{long_word}.exe", b"MZ")
        page.set_input_files("#file", str(bad_zip))
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("button:has-text('Subir el curso')")
        assert answer.value.status == 400
        page.wait_for_load_state()
        assert long_word in page.locator(".error-summary").inner_text()
        failures += _problems(page, "zip error")

        page.goto(f"{TALLER}/{course_slug}/")
        bad_media = tmp_path / f"{long_word}.exe"
        bad_media.write_bytes(b"MZ no es una imagen")
        page.set_input_files("input[type=file]", str(bad_media))
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("button:has-text('Subir el archivo')")
        assert answer.value.status == 400
        page.wait_for_load_state()
        assert long_word in page.locator(".error-summary").inner_text()
        failures += _problems(page, "media error")
    finally:
        page.close()
    assert not failures, "\n".join(failures)
