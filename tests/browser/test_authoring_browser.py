"""The course workshop in a real browser (issue 15): keyboard only, conflicts, axe, reflow.

1. A trainer writes, checks, previews and publishes a lesson with the keyboard alone; a
   participant reading on ANOTHER worker (a second app on the same database, as a second
   gunicorn worker) sees the publish, and then the rollback, within 3 seconds.
2. Two trainers edit the same file: the one who saves second gets the conflict page with both
   texts, and nothing is lost.
3. Every workshop page, for the trainer who edits the course and for an admin, has no axe-core
   violation (the rule sets of test_axe.py), in its error states too; the edit and publish pages
   reflow at 320 CSS px.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.extensions import db
from app.quizzes.models import QuizAttempt
from app.revisions import services as revisions
from app.revisions.models import CourseEditor, CourseReview
from tests.browser.axe import NARROW, axe_failures, check_page, reflow_failures
from tests.browser.keyboard import active, tab_to, text_is
from tests.browser.pages import log_in, logged_in_client, new_workshop_course
from tests.worlds import COURSE, QUIZ, WORKSHOP_LESSON, add_person
from tests.worlds import LESSON as FIXTURE_LESSON

TALLER = "/formacion/taller"
LESSON_STEM = "01-pedir-ayuda"
LESSON = WORKSHOP_LESSON
BROKEN = LESSON.replace("minutos: 10", "minutos: diez")  # an error on line 3
SECOND = LESSON.replace("parte del trabajo", "parte esencial del trabajo")
FIRST_TEXT = "Pedir ayuda es parte del trabajo en equipo."
SECOND_TEXT = "Pedir ayuda es parte esencial del trabajo en equipo."
WITHIN = 3.0  # seconds for a publish to reach another worker
WIDE = {"width": 1280, "height": 800}


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def other_worker(make_app, scenario):
    """A second app on the same database, checking for publishes every second, as another
    gunicorn worker would; its store is loaded now, before anything is published."""
    application = make_app(COURSE_CHECK_SECONDS=1, PAGE_CACHE_SECONDS=60)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def reader(browser, other_worker, scenario):
    """The participant, logged in on the other worker."""
    context = browser.new_context(base_url=other_worker, locale="es-CL")
    page = context.new_page()
    log_in(page, scenario.users["participant"].username, scenario.password)
    assert "/ingresar" not in page.url
    yield page
    context.close()


@pytest.fixture(scope="module")
def visitor(browser, other_worker):
    """Someone not logged in, on the other worker (its visitor page cache is on)."""
    context = browser.new_context(base_url=other_worker, locale="es-CL")
    yield context.new_page()
    context.close()


def _add_lesson(client, slug: str, title: str = "Pedir ayuda") -> str:
    response = client.post(f"{TALLER}/{slug}/lecciones", data={"title": title})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def _save(client, slug: str, path: str, text: str) -> None:
    html = client.get(f"{TALLER}/{slug}/archivo/{path}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
    response = client.post(f"{TALLER}/{slug}/archivo/{path}", data={"text": text, "base": base})
    assert response.status_code == 302, response.get_data(as_text=True)


def _publish(client, slug: str, note: str) -> None:
    response = client.post(f"{TALLER}/{slug}/publicar", data={"note": note})
    assert response.status_code == 302, response.get_data(as_text=True)


def _approve(browser_app, scenario, slug: str) -> None:
    """An admin approves the request that waits for SLUG (its first publication)."""
    with browser_app.app_context():
        review_id = db.session.scalar(
            select(CourseReview.id).where(
                CourseReview.course_slug == slug, CourseReview.status == "pending"
            )
        )
    assert review_id is not None, f"nothing of {slug} waits for approval"
    admin = logged_in_client(browser_app, scenario.users["admin"].username, scenario.password)
    response = admin.post(f"/admin/cursos/aprobaciones/{review_id}/aprobar")
    assert response.status_code == 302, response.get_data(as_text=True)


# --- keyboard helpers ----------------------------------------------------------------------------
def _follow(page, match, key: str = "Enter") -> dict:
    """Tab to the control MATCH selects, press KEY and wait for the next page."""
    info = tab_to(page, match)
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()
    return info


def _is_button(text: str):
    return lambda info: info.get("tag") == "button" and info.get("text", "").startswith(text)


def _link_to(suffix: str):
    return lambda info: info.get("tag") == "a" and info.get("href", "").endswith(suffix)


def _id_is(element_id: str):
    return lambda info: info.get("id") == element_id


def _replace_text(page, text: str) -> None:
    """In the focused textarea: select everything and write TEXT in its place."""
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def _reads_within(page, url: str, wanted: str, unwanted: str | None = None) -> float:
    """Reload URL on the other worker until WANTED shows (and UNWANTED does not); the seconds
    it took. Fails after WITHIN seconds."""
    start = time.monotonic()
    seen = ""
    while time.monotonic() - start <= WITHIN:
        response = page.goto(url)
        if response is None:
            seen = "no answer"
        else:
            seen = _main_text(page) if response.ok else f"HTTP {response.status}"
        if wanted in seen and (unwanted is None or unwanted not in seen):
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{url} did not show {wanted!r} within {WITHIN} s; it shows:\n{seen}")


# --- 1. keyboard only, and another worker serves the publish and the rollback --------------------
def test_trainer_writes_checks_previews_and_publishes_with_the_keyboard_alone(
    browser, base_url, browser_app, scenario, reader, visitor
):
    context = browser.new_context(base_url=base_url, locale="es-CL")
    page = context.new_page()
    try:
        # Log in with the keyboard.
        page.goto("/ingresar")
        tab_to(page, _id_is("login"))
        page.keyboard.type(scenario.users["trainer"].username)
        tab_to(page, _id_is("password"))
        page.keyboard.type(scenario.password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/ingresar" not in page.url

        # Main navigation -> "Taller de cursos" -> "Crear un curso nuevo".
        _follow(page, lambda i: i.get("tag") == "a" and i.get("text") == "Taller de cursos")
        assert page.url.endswith(f"{TALLER}/")
        _follow(page, text_is("Crear un curso nuevo"))
        assert page.url.endswith(f"{TALLER}/nuevo")

        # The form, field by field.
        for field_id, value in (
            ("title", "Ayuda mutua en el grupo"),
            ("summary", "Cómo pedir y dar ayuda en el grupo."),
            ("audience", "Grupos preasociativos y equipos municipales"),
            ("hours", "2,5"),
            ("authors", "Equipo REFICOOP, Ana Pérez"),
        ):
            tab_to(page, _id_is(field_id))
            page.keyboard.type(value)
        assert page.input_value("#licence") == "CC BY-SA 4.0"
        _follow(page, _is_button("Crear el curso"))
        assert page.locator("h1").inner_text() == "Ayuda mutua en el grupo"
        course_url = page.url.split("#")[0]
        slug = course_url.rstrip("/").rsplit("/", 1)[1]
        lesson_url = f"/cursos/{slug}/{LESSON_STEM}"

        # Before anything is published, the other worker does not serve the course.
        assert reader.goto(lesson_url).status == 404
        assert visitor.goto(lesson_url).status == 404

        # A lesson: typed title, Enter in the field submits its form, the editor opens.
        tab_to(page, _id_is("title"))
        page.keyboard.type("Pedir ayuda")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/{slug}/archivo/{LESSON_STEM}.md"), page.url

        # An error in the header, on line 3.
        tab_to(page, _id_is("texto"))
        _replace_text(page, BROKEN)
        assert page.input_value("#texto") == BROKEN
        _follow(page, _is_button("Guardar en el borrador"))
        assert "Guardado en el borrador" in page.locator(".flash").inner_text()
        # (what the message says: test_the_message_after_saving_counts_the_files_errors)
        assert "línea 3" in page.locator(".lint .problems").inner_text()
        info = tab_to(page, lambda i: i.get("tag") == "a" and i.get("text") == "línea 3")
        assert info["href"] == "#linea-3"
        # With the script, «línea 3» puts the cursor on that line of the text box (issue 21;
        # without it, the link goes to the numbered listing: test_workshop_side_browser.py).
        page.keyboard.press("Enter")
        assert active(page).get("id") == "texto"
        assert (
            page.evaluate(
                "() => { const t = document.getElementById('texto');"
                " return t.value.slice(t.selectionStart, t.selectionEnd); }"
            )
            == "minutos: diez"
        )
        line = page.locator("#linea-3")
        assert "minutos: diez" in line.inner_text()
        assert "line-has-problem" in (line.get_attribute("class") or "")
        assert line.locator(".problem-error").count() >= 1

        # In the editor already: fix the text, save: no problem left.
        _replace_text(page, LESSON)
        _follow(page, _is_button("Guardar en el borrador"))
        assert page.locator(".flash").inner_text() == (
            "Guardado en el borrador. Este archivo no tiene errores."
        )
        assert "Ninguno: 0 errores" in page.locator(".lint").inner_text()
        assert page.input_value("#texto") == LESSON

        # The course page -> preview -> the lesson, as participants will read it.
        _follow(page, text_is("Volver al curso"))
        assert page.url.split("#")[0] == course_url
        _follow(page, lambda i: i.get("tag") == "a" and i.get("text") == "Vista previa")
        assert "/vista-previa/" in page.url
        _follow(page, _link_to(f"/vista-previa/{LESSON_STEM}"))
        assert page.locator("h1").inner_text() == "Pedir ayuda"
        assert FIRST_TEXT in _main_text(page)

        # Back to the course (breadcrumbs) -> review and publish with a note.
        _follow(
            page,
            lambda i: (
                i.get("tag") == "a"
                and i.get("href", "").split("?")[0].endswith(f"{TALLER}/{slug}/")
            ),
        )
        _follow(page, text_is("Revisar los cambios y publicar"))
        assert page.url.endswith(f"/{slug}/publicar")
        assert FIRST_TEXT in _main_text(page)  # the diff shows the new text
        tab_to(page, _id_is("note"))
        page.keyboard.type("Primera versión")
        # A first publication waits for an admin's approval (issue 25).
        _follow(page, lambda i: i.get("tag") == "button" and i.get("text") == "Pedir la aprobación")
        assert page.url.split("#")[0] == course_url
        assert "Pediste la aprobación" in page.locator(".flash").inner_text()
        assert reader.goto(lesson_url).status == 404
        _approve(browser_app, scenario, slug)

        # The other worker serves it within 3 seconds, to a participant and to a visitor.
        _reads_within(reader, lesson_url, FIRST_TEXT)
        _reads_within(visitor, lesson_url, FIRST_TEXT)

        # A second change, published the same way.
        _follow(
            page,
            lambda i: (
                i.get("tag") == "a"
                and i.get("href", "").split("?")[0].endswith(f"{TALLER}/{slug}/")
            ),
        )
        _follow(page, _link_to(f"/archivo/{LESSON_STEM}.md"))
        tab_to(page, _id_is("texto"))
        _replace_text(page, SECOND)
        _follow(page, _is_button("Guardar en el borrador"))
        _follow(page, text_is("Volver al curso"))
        _follow(page, text_is("Revisar los cambios y publicar"))
        tab_to(page, _id_is("note"))
        page.keyboard.type("Más claro")
        _follow(page, lambda i: i.get("tag") == "button" and i.get("text") == "Publicar")
        _reads_within(reader, lesson_url, SECOND_TEXT)
        _reads_within(visitor, lesson_url, SECOND_TEXT)

        # History: back to the first version; the other worker serves the old text again.
        assert page.url.endswith(f"/{slug}/historial")
        rows = page.locator("table tbody tr")
        assert rows.count() == 2
        _follow(page, _is_button("Volver a esta versión"))
        assert "Volviste a publicar la versión" in page.locator(".flash").inner_text()
        assert page.locator("table tbody tr").count() == 3
        _reads_within(reader, lesson_url, FIRST_TEXT, unwanted="parte esencial")
        _reads_within(visitor, lesson_url, FIRST_TEXT, unwanted="parte esencial")

        # Withdrawn, after a confirmation page: the other worker stops serving it.
        _follow(page, _link_to(f"/{slug}/retirar"))
        _follow(page, _is_button("Sí, retirar el curso"))
        assert "Retiraste el curso" in page.locator(".flash").inner_text()
        _reads_within(reader, lesson_url, "HTTP 404")
    finally:
        context.close()


def test_the_message_after_saving_counts_the_files_errors(role_contexts, workshop):
    """Saving a file with an error says so ("con errores"), as the list below it does."""
    page = role_contexts["trainer"].new_page()
    url = f"{TALLER}/{workshop['broken']}/archivo/{LESSON_STEM}.md"
    try:
        page.goto(url)
        page.fill("#texto", BROKEN.replace("Pedir ayuda es", "Pedir ayuda siempre es"))
        page.click("button:has-text('Guardar en el borrador')")
        page.wait_for_load_state()
        assert "línea 3" in page.locator(".lint .problems").inner_text()
        assert page.locator(".flash").inner_text() == (
            "Guardado en el borrador, con errores: revísalos abajo."
        )
    finally:
        page.close()


# --- 2. two trainers, one file -------------------------------------------------------------------
def test_a_stale_save_shows_both_texts_and_loses_nothing(
    browser, base_url, browser_app, scenario, role_contexts
):
    trainer = scenario.users["trainer"]
    with browser_app.app_context():
        add_person("colega-taller", "trainer", full_name="Colega del taller")
        db.session.commit()
    owner = logged_in_client(browser_app, trainer.username, scenario.password)
    slug = new_workshop_course(owner, "Conflictos de edición")
    path = _add_lesson(owner, slug)
    _save(owner, slug, path, LESSON)

    # The admin adds the colleague to the course's editors on the editors page.
    admin = role_contexts["admin"].new_page()
    try:
        check_page(admin, f"{TALLER}/{slug}/editores")
        admin.fill("#username", "colega-taller")
        admin.click("button:has-text('Sumar al equipo')")
        admin.wait_for_load_state()
        assert "Colega del taller" in _main_text(admin)
    finally:
        admin.close()

    colleague_context = browser.new_context(base_url=base_url, locale="es-CL")
    first = role_contexts["trainer"].new_page()
    second = colleague_context.new_page()
    edit_url = f"{TALLER}/{slug}/archivo/{path}"
    mine = LESSON.replace("Pedir ayuda es", "Pedir ayuda, dice Persona trainer, es")
    theirs = LESSON.replace("Pedir ayuda es", "Pedir ayuda, dice Colega, es")
    try:
        log_in(second, "colega-taller", scenario.password)
        first.goto(edit_url)
        second.goto(edit_url)
        first.fill("#texto", mine)
        first.click("button:has-text('Guardar en el borrador')")
        first.wait_for_load_state()
        assert "Guardado en el borrador" in first.locator(".flash").inner_text()

        second.fill("#texto", theirs)
        with second.expect_response(_form_post) as answer:
            second.click("button:has-text('Guardar en el borrador')")
        assert answer.value.status == 409
        second.wait_for_load_state()
        assert second.locator("h1").inner_text() == (
            "Otra persona guardó este archivo mientras lo editabas"
        )
        assert second.input_value("#texto-otra") == mine  # what the first person saved
        assert second.input_value("#texto") == theirs  # the second person's text, kept
        failures = axe_failures(second, "conflict page")
        assert not failures, "\n".join(failures)

        # The first person's text is what is saved.
        first.goto(edit_url)
        assert first.input_value("#texto").replace("\r\n", "\n") == mine
        # The second person saves from the conflict page on purpose: now theirs is saved.
        second.click("button:has-text('Guardar mi texto')")
        second.wait_for_load_state()
        assert second.url.endswith(edit_url)
        assert second.input_value("#texto").replace("\r\n", "\n") == theirs
    finally:
        first.close()
        colleague_context.close()


# --- 3. axe on every page, for the editor and for an admin ---------------------------------------
@pytest.fixture(scope="module")
def workshop(browser_app, scenario):
    """Courses in every state the pages show, written by the scenario's trainer:
    - `ready`: published twice, then changed again (a diff to publish, a version to go back to);
    - `broken`: a lesson with an error in its header (never published);
    and the trainer also edits the fixture course (which has quizzes)."""
    trainer = scenario.users["trainer"]
    client = logged_in_client(browser_app, trainer.username, scenario.password)
    ready = new_workshop_course(client, "Curso para revisar")
    path = _add_lesson(client, ready)
    _save(client, ready, path, LESSON)
    _publish(client, ready, "Primera versión")
    _approve(browser_app, scenario, ready)
    _save(client, ready, path, SECOND)
    _publish(client, ready, "Segunda versión")
    _save(client, ready, path, LESSON.replace("en equipo.", "en equipo y en comunidad."))
    broken = new_workshop_course(client, "Curso con errores")
    broken_path = _add_lesson(client, broken)
    _save(client, broken, broken_path, BROKEN)
    with browser_app.app_context():
        latest = revisions.published_revision(ready).publication_number
        if db.session.get(CourseEditor, (COURSE, trainer.id)) is None:
            db.session.add(CourseEditor(course_slug=COURSE, user_id=trainer.id))
        db.session.commit()
    return {"ready": ready, "broken": broken, "path": path, "latest": latest}


def _urls(w: dict) -> list[str]:
    ready, broken, stem = f"{TALLER}/{w['ready']}", f"{TALLER}/{w['broken']}", LESSON_STEM
    fixture = f"{TALLER}/{COURSE}"
    return [
        f"{TALLER}/",
        f"{TALLER}/nuevo",
        f"{TALLER}/subir",
        f"{ready}/",
        f"{ready}/archivo/course.md",
        f"{ready}/archivo/{stem}.md",
        f"{ready}/lecciones/{stem}/nombre",
        f"{ready}/lecciones/{stem}/borrar",
        f"{ready}/vista-previa/",
        f"{ready}/vista-previa/{stem}",
        f"{ready}/vista-previa/{stem}?version=facil",
        f"{ready}/publicar",
        f"{ready}/historial",
        f"{ready}/versiones/{w['latest']}",
        f"{broken}/",
        f"{broken}/archivo/{stem}.md",  # the error state of the editor
        f"{broken}/publicar",  # a draft with errors: no form, a summary
        f"{fixture}/",
        f"{fixture}/vista-previa/",
        f"{fixture}/vista-previa/{FIXTURE_LESSON}",
        f"{fixture}/vista-previa/02-trabajo-en-equipo?version=facil",
        f"{fixture}/vista-previa/pruebas/{QUIZ}",
        f"{fixture}/vista-previa/pruebas/{QUIZ}?version=facil",
    ]


def _check(page, url: str) -> list[str]:
    try:
        check_page(page, url)
    except AssertionError as exc:
        return [str(exc)]
    return []


def _form_post(response) -> bool:
    """The answer to a form sent (not to the edit page's autosave, which also POSTs)."""
    return response.request.method == "POST" and "/autoguardado" not in response.url


def _submit(page, button: str, expected_status: int) -> None:
    with page.expect_response(_form_post) as answer:
        page.click(f"button:has-text('{button}')")
    assert answer.value.status == expected_status, f"{page.url}: {answer.value.status}"
    page.wait_for_load_state()


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_every_workshop_page_has_no_axe_violations(role_contexts, workshop, role):
    page = role_contexts[role].new_page()
    page.set_viewport_size(WIDE)
    failures: list[str] = []
    ready = f"{TALLER}/{workshop['ready']}"
    try:
        for url in _urls(workshop) + ([f"{ready}/editores"] if role == "admin" else []):
            failures += _check(page, url)

        # Forms sent with errors.
        page.goto(f"{TALLER}/nuevo")
        _submit(page, "Crear el curso", 400)
        assert page.locator(".error-summary").count() == 1
        failures += axe_failures(page, "new course form with errors")

        page.goto(f"{TALLER}/subir")
        _submit(page, "Subir el curso", 400)
        failures += axe_failures(page, "zip upload with an error")

        page.goto(f"{ready}/")
        _submit(page, "Subir el archivo", 400)
        assert page.locator(".error-summary").count() == 1
        failures += axe_failures(page, "media upload with an error")

        page.goto(f"{ready}/lecciones/{LESSON_STEM}/nombre")
        page.fill("#name", "")
        _submit(page, "Cambiar el nombre", 400)
        failures += axe_failures(page, "rename with an error")

        page.goto(f"{ready}/publicar")
        _submit(page, "Publicar", 400)
        failures += axe_failures(page, "publish without a note")

        if role == "admin":
            page.goto(f"{ready}/editores")
            page.fill("#username", "nadie-con-este-nombre")
            _submit(page, "Sumar al equipo", 400)
            failures += axe_failures(page, "editors with an error")

        # The quiz preview, answered: graded, nothing recorded.
        page.goto(f"{TALLER}/{COURSE}/vista-previa/pruebas/{QUIZ}")
        for radio in page.locator("input[type=radio]").all():
            if not page.locator(f"input[name='{radio.get_attribute('name')}']:checked").count():
                radio.check()
        _submit(page, "Corregir", 200)
        assert page.locator("#resumen").count() == 1
        failures += axe_failures(page, "quiz preview, answered")
    finally:
        page.close()
    assert not failures, "\n".join(failures)


def test_the_edit_and_publish_pages_reflow_at_320_px(role_contexts, workshop):
    page = role_contexts["trainer"].new_page()
    failures = []
    try:
        for url in (
            f"{TALLER}/{workshop['ready']}/archivo/{LESSON_STEM}.md",
            f"{TALLER}/{workshop['broken']}/archivo/{LESSON_STEM}.md",
            f"{TALLER}/{workshop['ready']}/publicar",
        ):
            page.set_viewport_size(NARROW)
            page.goto(url)
            failures += reflow_failures(page, url)
    finally:
        page.close()
    assert not failures, "\n".join(failures)


def test_quiz_preview_records_nothing(role_contexts, browser_app):
    with browser_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(QuizAttempt))
    page = role_contexts["admin"].new_page()
    try:
        page.goto(f"{TALLER}/{COURSE}/vista-previa/pruebas/{QUIZ}")
        _submit(page, "Corregir", 200)
        assert "No aprobaría la prueba" in _main_text(page)
    finally:
        page.close()
    with browser_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == before
