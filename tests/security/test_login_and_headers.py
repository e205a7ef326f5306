"""Login throttling, CSRF rotation, audit of failures, cache headers, request ids, secret key and
trusted hosts (issue 13, findings 5, 6, 10, 13 and 16)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import create_app
from app.audit.models import AuditEvent
from tests.helpers import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _token(html: str) -> str:
    match = TOKEN.search(html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_many_failures_from_one_address_do_not_lock_out_a_correct_password(
    make_app, make_user, login_as
):
    """Issue 13 finding 5: 20 failures from a shared address no longer lock everyone out."""
    app = make_app(LOGIN_THROTTLE_ENABLED=True)
    user = make_user()
    client = app.test_client()
    for i in range(25):
        client.post("/ingresar", data={"login": f"nadie{i}", "password": "mala-1234"})
    # Unknown names from this address are now refused...
    assert client.post("/ingresar", data={"login": "nadie99", "password": "x"}).status_code == 429
    # ...but a person with a real account and the right password still gets in.
    assert login_as(client, user).status_code == 302


def test_account_throttle_counts_username_and_email_together(make_app, make_user, login_as):
    """Issue 13 finding 5: the account throttle is keyed on the account, not the typed text."""
    app = make_app(LOGIN_THROTTLE_ENABLED=True, LOGIN_THROTTLE_PER_ACCOUNT=5)
    user = make_user(email="rosa@example.cl")
    client = app.test_client()
    codes = []
    for i in range(6):
        typed = user.username if i % 2 == 0 else "ROSA@example.cl"
        codes.append(
            client.post("/ingresar", data={"login": typed, "password": "mala-1234"}).status_code
        )
    assert codes == [200, 200, 200, 200, 200, 429]
    assert login_as(client, user).status_code == 429


def test_failed_login_audit_names_the_account_and_the_address(make_user, client, db):
    """Issue 13 finding 16: login_failed records the account tried and the address."""
    user = make_user()
    client.post(
        "/ingresar",
        data={"login": user.username, "password": "mala-1234"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    client.post(
        "/ingresar",
        data={"login": "no-existe", "password": "mala-1234"},
        environ_base={"REMOTE_ADDR": "10.1.2.4"},
    )
    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login_failed").order_by(AuditEvent.id)
        )
    )
    assert [(e.target_type, e.target_id, e.details["address"]) for e in events] == [
        ("user", str(user.id), "10.1.2.3"),
        ("login", "", "10.1.2.4"),
    ]


def test_csrf_token_changes_at_login(make_app, make_user):
    """Issue 13 finding 13: the token a visitor saw before login does not survive it."""
    strict = make_app(WTF_CSRF_ENABLED=True)
    user = make_user()
    client = strict.test_client()
    before = _token(client.get("/ingresar").get_data(as_text=True))
    response = client.post(
        "/ingresar",
        data={"login": user.username, "password": PASSWORD, "csrf_token": before},
    )
    assert response.status_code == 302
    after = _token(client.get("/cuenta/perfil").get_data(as_text=True))
    assert after != before
    # The old token no longer works for a logged-in form.
    stale = client.post("/salir", data={"csrf_token": before})
    assert stale.status_code == 400
    assert client.post("/salir", data={"csrf_token": after}).status_code == 302


@pytest.mark.parametrize("url", ["/ingresar", "/preferencias"])
def test_visitor_pages_with_a_csrf_token_are_not_stored(make_app, url):
    """Issue 13 finding 16: a visitor's page with a CSRF token carries Cache-Control: no-store."""
    strict = make_app(WTF_CSRF_ENABLED=True)
    response = strict.test_client().get(url)
    assert response.status_code == 200
    assert "csrf_token" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "given, kept",
    [
        ("abc-123.DEF_4", True),
        ("x" * 41, False),
        ("id\u00e9", False),
        ("a b", False),
        ("<script>", False),
    ],
)
def test_request_id_from_the_client_is_checked(app, client, make_user, db, given, kept):
    """Issue 13 finding 16: X-Request-Id is kept only when short and plain."""
    user = make_user()
    client.post(
        "/ingresar",
        data={"login": user.username, "password": "mala-1234"},
        headers={"X-Request-Id": given},
    )
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).one()
    if kept:
        assert event.request_id == given
    else:
        assert event.request_id != given[:40]
        assert re.fullmatch(r"[0-9a-f]{16}", event.request_id)


@pytest.mark.nodb
@pytest.mark.parametrize("secret", ["s", "x" * 31])
def test_production_refuses_a_short_secret_key(base_config, secret):
    """Issue 13 finding 10: production requires a SECRET_KEY of at least 32 characters."""
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app({**base_config, "PRODUCTION": True, "SECRET_KEY": secret})


def test_trusted_hosts_refuse_other_host_headers(make_app):
    """Issue 13 finding 6: with TRUSTED_HOSTS set, a forged Host gets 400 and is not cached."""
    app = make_app(TRUSTED_HOSTS=["aula.example.cl"], PAGE_CACHE_SECONDS=60)
    client = app.test_client()
    assert client.get("/cursos/", headers={"Host": "aula.example.cl"}).status_code == 200
    before = len(app.extensions["visitor_cache"].pages)
    assert client.get("/cursos/", headers={"Host": "evil.example"}).status_code == 400
    assert len(app.extensions["visitor_cache"].pages) == before


@pytest.mark.nodb
def test_trusted_hosts_from_the_environment_and_the_public_url(base_config):
    """Issue 13 finding 6: AULA_TRUSTED_HOSTS is a list; production defaults to the public host."""
    listed = create_app({**base_config, "TRUSTED_HOSTS": "a.example.cl, b.example.cl"})
    assert listed.config["TRUSTED_HOSTS"] == ["a.example.cl", "b.example.cl"]
    public = create_app(
        {
            **base_config,
            "PRODUCTION": True,
            "SECRET_KEY": "k" * 40,
            "PUBLIC_BASE_URL": "https://aula.reficoop.cl",
        }
    )
    assert public.config["TRUSTED_HOSTS"] == ["aula.reficoop.cl"]
