"""Deny by default: a sweep over every route of the app, for anonymous users and each role."""

from __future__ import annotations

import pytest

from app import create_app
from app.web.access import is_public_endpoint
from tests.security.routes import all_routes

ROLES = ("participant", "trainer", "coordinator", "admin")

# Public on purpose: reading courses is open to everyone; accounts need these to log in.
EXPECTED_PUBLIC = {
    "static",
    "favicon",
    "catalog.home",
    "catalog.index",
    "catalog.course_detail",
    "catalog.media",
    "learning.lesson",
    "accounts.login",
    "accounts.logout",
    "accounts.set_language",
}
PUBLIC_ELSEWHERE = {"certificates.verify", "certificates.verify_form", "certificates.open_badge"}
# Open Badges credentials (app/credentials): what any verifier needs, and the checker page.
PUBLIC_ELSEWHERE |= {
    "credentials.check",
    "credentials.help_page",
    "credentials.did_document",
    "credentials.status_list",
    "credentials.public_download",
}
# Reading preferences work for visitors too (cookie); the statement and the printable course
# and its narration are as public as the lessons.
PUBLIC_ELSEWHERE |= {
    "preferences.edit",
    "preferences.set_reading",
    "preferences.visitor_reading",
    "preferences.statement",
    "catalog.course_full",
    "catalog.narration",
    "catalog.narration_zip",
}
# The talking books (EPUB with audio) are as public as the lessons they hold.
PUBLIC_ELSEWHERE |= {"books.download"}


def _rules():
    application = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "COURSE_CACHE_DIR": None}
    )
    return application, all_routes(application)


APPLICATION, ROUTES = _rules()


def test_only_the_intended_endpoints_are_public():
    public = {e for e, _m, _u in ROUTES if is_public_endpoint(APPLICATION, e)}
    assert public - PUBLIC_ELSEWHERE == EXPECTED_PUBLIC


@pytest.mark.parametrize(
    ("endpoint", "method", "url"),
    [r for r in ROUTES if not is_public_endpoint(APPLICATION, r[0])],
    ids=[f"{m} {e}" for e, m, _u in ROUTES if not is_public_endpoint(APPLICATION, e)],
)
def test_anonymous_users_are_sent_to_log_in(client, endpoint, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
    assert "/ingresar?next=" in response.headers["Location"]


def _allowed_roles(endpoint: str):
    view = APPLICATION.view_functions[endpoint]
    return getattr(view, "allowed_roles", None)


ROLE_CASES = [
    (e, m, u, role) for e, m, u in ROUTES if _allowed_roles(e) is not None for role in ROLES
]


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "role"),
    ROLE_CASES,
    ids=[f"{m} {e} as {r}" for e, m, _u, r in ROLE_CASES],
)
def test_role_restricted_routes(client, make_user, endpoint, method, url, role, login_as):
    login_as(client, make_user(role))
    response = client.open(url, method=method)
    if role in _allowed_roles(endpoint):
        assert response.status_code != 403
    else:
        assert response.status_code in (403, 404), f"{role} reached {method} {url}"


def test_no_get_route_is_left_without_a_decision():
    """Every route is public, role-restricted, or for any logged-in user: list the last kind."""
    any_user = sorted(
        {
            e
            for e, _m, _u in ROUTES
            if not is_public_endpoint(APPLICATION, e) and _allowed_roles(e) is None
        }
    )
    assert all("." in e for e in any_user)
