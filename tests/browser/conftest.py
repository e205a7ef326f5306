"""Browser tests: the app served on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.pages import log_in
from tests.helpers import forget_publishes, wipe_database
from tests.worlds import build_detached_scenario

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _require_chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("AULA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed (run scripts/install-system-deps.sh)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Participants browse in Spanish (Chile); English has its own checks.
    return {**browser_context_args, "locale": "es-CL"}


@pytest.fixture(scope="session")
def browser_app(make_app):
    """The app the browser talks to, with routes that raise errors on purpose.

    The visitor page cache is on, as in production: every visitor page the suite checks (axe,
    keyboard, preferences) may come from it.
    """
    # A live server shows pages, not tracebacks: the 500 page is one of the pages checked.
    application = make_app(PAGE_CACHE_SECONDS=60, PROPAGATE_EXCEPTIONS=False)

    @application.route("/_pruebas/error")
    def _boom():
        raise RuntimeError("error provocado para la prueba de la página 500")

    _boom.is_public = True
    return application


@pytest.fixture(scope="session")
def live_server(browser_app):
    server = make_server("127.0.0.1", 0, browser_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="module")
def scenario(browser_app):
    """The scenario of tests/worlds.py, once per module, in the app the browser talks to."""
    yield build_detached_scenario(browser_app)
    with browser_app.app_context():
        wipe_database()
    forget_publishes(browser_app)


@pytest.fixture(scope="module")
def role_contexts(browser, base_url, scenario):
    """One logged-in browser context per role (and one anonymous), reused by a module."""
    contexts = {}
    for role in ("anonymous", "participant", "trainer", "coordinator", "admin"):
        context = browser.new_context(base_url=base_url, locale="es-CL")
        if role != "anonymous":
            page = context.new_page()
            log_in(page, scenario.users[role].username, scenario.password)
            assert "/ingresar" not in page.url, f"could not log in as {role}"
            page.close()
        contexts[role] = context
    yield contexts
    for context in contexts.values():
        context.close()
