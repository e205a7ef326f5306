"""Accessibility beyond compliance: axe in every reading preference, reflow at 320 px and at
400 % zoom, focus in forced colours, and the W3C Nu HTML Checker on every page type."""

from __future__ import annotations

import pytest

from tests.browser.axe import NO_HORIZONTAL_SCROLL, check_page
from tests.browser.html_checker import html_errors, vnu_command
from tests.browser.pages import PAGES, log_in
from tests.worlds import COURSE, LESSON, QUIZ

# Each preference that changes the page, set through the real form, and all of them at once.
PREFERENCE_SETS = {
    "alto-contraste": {"high_contrast": True},
    "letra-muy-grande": {"text_size": "muy-grande"},
    "letra-grande": {"text_size": "grande"},
    "espaciado": {"spacing": True},
    "letra-legible": {"easy_font": True},
    "lectura-facil": {"reading": "facil"},
    "todo-junto": {
        "high_contrast": True,
        "text_size": "muy-grande",
        "spacing": True,
        "easy_font": True,
        "reduce_motion": True,
        "reading": "facil",
    },
}
EXPECTED_CLASS = {
    "alto-contraste": "pref-contrast",
    "letra-muy-grande": "pref-text-larger",
    "letra-grande": "pref-text-large",
    "espaciado": "pref-spacing",
    "letra-legible": "pref-font",
}


@pytest.fixture(scope="module")
def narrated(browser_app, scenario):
    """Narration of the fixture course (made here, without a worker): lesson pages show the
    player."""
    result = browser_app.test_cli_runner().invoke(args=["courses", "narrate", "--now", COURSE])
    assert result.exit_code == 0, result.output


def set_preferences(page, values: dict) -> None:
    """Fill in the preferences form like a person would, and save it."""
    page.goto("/preferencias")
    page.check(
        f"#text_size-{['normal', 'grande', 'muy-grande'].index(values.get('text_size', 'normal'))}"
    )
    for name in ("high_contrast", "spacing", "easy_font", "reduce_motion"):
        page.set_checked(f"#{name}", bool(values.get(name)))
    page.check(f"#reading-{['completo', 'facil'].index(values.get('reading', 'completo'))}")
    page.click("button:has-text('Guardar mis preferencias')")
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def participant_context(browser, base_url, scenario):
    context = browser.new_context(base_url=base_url, locale="es-CL")
    page = context.new_page()
    log_in(page, scenario.users["participant"].username, scenario.password)
    page.close()
    yield context
    context.close()


@pytest.mark.parametrize("name", list(PREFERENCE_SETS))
def test_every_preference_has_no_axe_violations(
    browser, base_url, participant_context, scenario, narrated, name
):
    values = PREFERENCE_SETS[name]
    visitor = browser.new_context(base_url=base_url, locale="es-CL")
    try:
        for context in (visitor, participant_context):
            page = context.new_page()
            try:
                set_preferences(page, values)
                urls = ["/", f"/cursos/{COURSE}/", f"/cursos/{COURSE}/{LESSON}", "/preferencias"]
                if context is participant_context:
                    urls += [
                        f"/cursos/{COURSE}/pruebas/{QUIZ}",
                        f"/intentos/{scenario.ids['open_attempt']}",
                    ]
                for url in urls:
                    check_page(page, url)
                    classes = page.evaluate("document.documentElement.className")
                    if name in EXPECTED_CLASS:
                        assert EXPECTED_CLASS[name] in classes.split(), (url, classes)
                    if name == "lectura-facil" and url.endswith(LESSON):
                        # an account gets a button that saves the choice; a visitor a link
                        role = "button" if context is participant_context else "link"
                        assert page.get_by_role(role, name="Ver el texto completo").count()
                        # the easy-read page keeps the lesson's quiz card
                        assert page.locator(".quiz-card").count() == 1
            finally:
                page.close()
    finally:
        visitor.close()
    # Leave the participant account as it was for the other tests of this module.
    page = participant_context.new_page()
    set_preferences(page, {})
    page.close()


def _contexts_for_reflow(browser, base_url, scenario, **options):
    contexts = {}
    for role in ("anonymous", "participant", "trainer", "coordinator", "admin"):
        context = browser.new_context(base_url=base_url, locale="es-CL", **options)
        if role != "anonymous":
            page = context.new_page()
            log_in(page, scenario.users[role].username, scenario.password)
            page.close()
        contexts[role] = context
    return contexts


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param({"viewport": {"width": 320, "height": 640}}, id="320px"),
        # 1280 px at 400 % zoom: 320 CSS px on a screen of 1280 device pixels.
        pytest.param(
            {"viewport": {"width": 320, "height": 180}, "device_scale_factor": 4},
            id="1280px-zoom-400",
        ),
    ],
)
def test_no_page_scrolls_horizontally(browser, base_url, scenario, narrated, viewport):
    contexts = _contexts_for_reflow(browser, base_url, scenario, **viewport)
    overflowing = []
    try:
        for entry in PAGES:
            page = contexts[entry.roles[0]].new_page()
            try:
                url = entry.url(scenario)
                page.goto(url)
                if not page.evaluate(NO_HORIZONTAL_SCROLL):
                    width = page.evaluate("document.documentElement.scrollWidth")
                    overflowing.append(f"{url} ({entry.roles[0]}): {width}px")
            finally:
                page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not overflowing, "pages that scroll sideways:\n" + "\n".join(overflowing)


def test_largest_text_still_reflows_at_320px(browser, base_url, scenario, narrated):
    context = browser.new_context(
        base_url=base_url, locale="es-CL", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        set_preferences(page, PREFERENCE_SETS["todo-junto"])
        for url in (
            "/",
            "/cursos/",
            f"/cursos/{COURSE}/",
            f"/cursos/{COURSE}/{LESSON}",
            f"/cursos/{COURSE}/completo",
            "/preferencias",
            "/accesibilidad",
        ):
            page.goto(url)
            assert page.evaluate(NO_HORIZONTAL_SCROLL), url
    finally:
        context.close()


FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  return {tag: document.activeElement.tagName.toLowerCase(), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth)};
}"""


@pytest.mark.parametrize("contrast", [False, True], ids=["default", "high-contrast-pref"])
def test_focus_ring_is_visible_in_forced_colours(browser, base_url, scenario, contrast):
    context = browser.new_context(base_url=base_url, locale="es-CL")
    page = context.new_page()
    try:
        if contrast:
            set_preferences(page, {"high_contrast": True})
        page.emulate_media(forced_colors="active")
        # The preferences page has both links (header, footer) and buttons (its form).
        page.goto("/preferencias")
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        seen = {}
        for _ in range(60):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUS_RING)
            if ring["tag"] in ("a", "button") and ring["tag"] not in seen:
                seen[ring["tag"]] = ring
            if len(seen) == 2:
                break
        assert set(seen) == {"a", "button"}, seen
        for ring in seen.values():
            assert ring["style"] != "none" and ring["width"] >= 2, ring
    finally:
        context.close()


def test_every_page_type_is_valid_html(browser, base_url, scenario, narrated, tmp_path):
    """Save the HTML the server sends for every page, then run vnu once over all files."""
    vnu_command()  # skipped (or failed in CI) before any page is fetched when it is missing
    contexts = _contexts_for_reflow(browser, base_url, scenario)
    files = []
    extra = [
        ("anonymous", "/no-existe"),
        ("anonymous", "/_pruebas/error"),
        ("anonymous", f"/cursos/{COURSE}/{LESSON}?version=facil"),
    ]
    try:
        seen = set()
        targets = [(e.roles[0], e.url(scenario)) for e in PAGES] + extra
        for role, url in targets:
            if (role, url) in seen:
                continue
            seen.add((role, url))
            response = contexts[role].request.get(url)
            assert "text/html" in response.headers.get("content-type", ""), url
            name = f"{len(files):03d}-{role}-" + url.strip("/").replace("/", "_")[:60]
            path = tmp_path / (name.replace("?", "_").replace("=", "_") + ".html")
            path.write_text(response.text(), encoding="utf-8")
            files.append(path)
    finally:
        for context in contexts.values():
            context.close()
    assert len(files) >= len(PAGES)
    errors = html_errors(files)
    assert not errors, "\n".join(errors)
