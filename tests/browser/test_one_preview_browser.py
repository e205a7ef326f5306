"""The one preview of a course in Chromium (issue 20 §5): a trainer who does not edit the course
reads the version served, reached from the course list and from the old preview addresses; the
course's editor reads a lesson of the draft with its problems beside it. axe finds nothing and
nothing scrolls sideways at 320 px on these page states."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.browser.axe import axe_and_reflow
from tests.browser.pages import log_in, logged_in_client, new_workshop_course
from tests.worlds import COURSE, LESSON, QUIZ, WORKSHOP_LESSON, add_person

TALLER = "/formacion/taller"
# A link whose text does not say where it leads: a warning of the check, on line 10.
WARNED = WORKSHOP_LESSON.replace(
    "Pedir ayuda es parte del trabajo en equipo.\n",
    "Pedir ayuda es parte del trabajo en equipo.\n\nMira [aquí](https://www.ine.gob.cl).\n",
)


@pytest.fixture(scope="module")
def colleague(browser, base_url, browser_app, scenario):
    """A page of a trainer who edits no course."""
    with browser_app.app_context():
        person = add_person("formadora-sin-cursos", "trainer")
        db.session.commit()
        username = person.username
    context = browser.new_context(base_url=base_url, locale="es-CL")
    page = context.new_page()
    log_in(page, username, scenario.password)
    assert "/ingresar" not in page.url
    yield page
    context.close()


@pytest.fixture(scope="module")
def warned_lesson(browser_app, scenario) -> str:
    """A draft course of the scenario's trainer whose lesson has a warning: its preview URL."""
    client = logged_in_client(browser_app, scenario.users["trainer"].username, scenario.password)
    slug = new_workshop_course(client, "Avisos al lado")
    response = client.post(f"{TALLER}/{slug}/lecciones", data={"title": "Pedir ayuda"})
    path = response.headers["Location"].rsplit("/archivo/", 1)[1]
    edit = client.get(f"{TALLER}/{slug}/archivo/{path}").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', edit).group(1)
    saved = client.post(f"{TALLER}/{slug}/archivo/{path}", data={"text": WARNED, "base": base})
    assert saved.status_code == 302
    return f"{TALLER}/{slug}/vista-previa/{path.removesuffix('.md')}"


def test_a_trainer_reads_the_version_served_from_the_course_list(colleague):
    page = colleague
    failures: list[str] = []
    page.goto("/formacion/cursos")
    page.click(f"a[href='{TALLER}/{COURSE}/vista-previa/']")
    assert "Vista previa para el equipo" in page.inner_text(".notice")
    assert "versión" in page.inner_text(".lesson-meta")
    failures += axe_and_reflow(page, "course preview, version served")
    # The old address of a lesson's preview leads to the same preview.
    page.goto(f"/formacion/cursos/{COURSE}/{LESSON}")
    assert page.url.endswith(f"{TALLER}/{COURSE}/vista-previa/{LESSON}")
    assert page.locator("#revision-title").inner_text() == "Revisión automática"
    failures += axe_and_reflow(page, "lesson preview, version served")
    page.goto(f"{TALLER}/{COURSE}/vista-previa/pruebas/{QUIZ}")
    failures += axe_and_reflow(page, "quiz preview, version served")
    assert not failures, "\n".join(failures)


def test_the_editor_sees_a_lessons_problems_beside_it(role_contexts, warned_lesson):
    page = role_contexts["trainer"].new_page()
    try:
        page.goto(warned_lesson)
        problem = page.locator("#revision .problem-warning")
        assert problem.count() == 1
        assert "línea 10" in problem.inner_text()
        problem.locator("a").click()  # to the line in the editor
        assert "/archivo/" in page.url and page.url.endswith("#linea-10")
        page.goto(warned_lesson)
        failures = axe_and_reflow(page, "lesson preview with a warning")
    finally:
        page.close()
    assert not failures, "\n".join(failures)
