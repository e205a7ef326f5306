"""Sweeps over every route: CSRF on every state change, no GET changes data, headers."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.browser.pages import PAGES
from tests.helpers import PASSWORD, snapshot
from tests.security.routes import all_routes

ROUTES = all_routes()
POSTS = [(e, u) for e, m, u in ROUTES if m == "POST"]
GETS = [(e, u) for e, m, u in ROUTES if m == "GET" and e != "static"]
ROLES = ("participant", "trainer", "coordinator", "admin")


@pytest.fixture
def strict_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_every_post_needs_a_csrf_token(strict_app, scenario, ctx):
    before = snapshot()
    for role in ROLES:
        client = strict_app.test_client()
        # Log in through the form, with its token, then try every POST without one.
        page = client.get("/ingresar").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/ingresar",
            data={
                "login": scenario.users[role].username,
                "password": PASSWORD,
                "csrf_token": token,
            },
        )
        after_login = snapshot()
        for endpoint, url in POSTS:
            if endpoint == "accounts.login":
                continue
            response = client.post(url, data={"x": "1"})
            # An upload view decides who may upload before it reads the body, CSRF token
            # included (issue 25): the others get 403 or 404 first.
            refused = (400, 403, 404) if _is_upload(strict_app, endpoint) else (400,)
            assert response.status_code in refused, f"{role} POST {url}: {response.status_code}"
        db.session.expire_all()
        assert snapshot() == after_login, f"a POST without token changed data ({role})"
    assert before.keys() == after_login.keys()


def _is_upload(app, endpoint: str) -> bool:
    return getattr(app.view_functions[endpoint], "large_upload", False)


@pytest.mark.parametrize("role", ("anonymous", *ROLES))
def test_no_get_request_changes_data(app, scenario, ctx, role, login_as):
    client = app.test_client()
    if role != "anonymous":
        login_as(client, scenario.users[role])
    db.session.expire_all()
    before = snapshot()
    for _endpoint, url in GETS:
        client.get(url)
    # And every page with real ids, as the browser suite reaches them.
    for page in PAGES:
        if role in page.roles:
            client.get(page.url(scenario))
    db.session.expire_all()
    assert snapshot() == before


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# What a browser enforces, directive by directive (a fetch directive that is not in the header
# falls back to default-src).
EXPECTED_POLICY = {
    "script-src": "'self'",
    "style-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "font-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
FALLS_BACK = {"script-src", "style-src", "connect-src", "media-src", "font-src", "img-src"}
FALLS_BACK |= {"object-src", "frame-src", "worker-src", "manifest-src", "child-src"}


def enforced_policy(csp: str) -> dict[str, str]:
    written = {}
    for part in csp.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            written[name] = sources.strip()
    policy = dict(written)
    for name in FALLS_BACK:
        if name not in written and "default-src" in written:
            policy[name] = written["default-src"]
    return policy


def test_the_policy_reader_applies_the_fallback():
    policy = enforced_policy("default-src 'self'; img-src 'self' data:; base-uri 'none'")
    assert policy["script-src"] == "'self'" and policy["img-src"] == "'self' data:"
    assert "form-action" not in policy  # no fallback for navigation directives
    assert enforced_policy("script-src *")["script-src"] == "*"


@pytest.mark.parametrize("role", ("anonymous", "participant", "admin"))
def test_security_headers_on_every_response(app, scenario, role, login_as):
    client = app.test_client()
    if role != "anonymous":
        login_as(client, scenario.users[role])
    for _endpoint, url in [*GETS, ("missing", "/no-existe")]:
        response = client.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        policy = enforced_policy(csp)
        for directive, sources in EXPECTED_POLICY.items():
            assert policy.get(directive) == sources, f"{url}: {directive} in {csp}"
        assert "unsafe-inline" not in csp
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, f"{url}: {name}"
        assert "Server" not in response.headers
        if role != "anonymous" and response.status_code == 200:
            assert response.headers.get("Cache-Control") == "no-store", url


def test_pages_have_no_inline_script_or_style(app, scenario, login_as):
    client = app.test_client()
    login_as(client, scenario.users["participant"])
    for _endpoint, url in GETS:
        response = client.get(url)
        if not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        assert "<script" not in html, url
        assert " style=" not in html and "<style" not in html, url
        assert " onclick=" not in html.lower() and "javascript:" not in html.lower(), url
