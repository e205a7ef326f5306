"""Production settings: no default secret, secure cookies, HSTS, no tracebacks."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import DEFAULT_SECRET_KEY


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY])
def test_production_refuses_a_missing_or_default_secret_key(base_config, secret):
    config = {**base_config, "PRODUCTION": True, "SECRET_KEY": secret}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_cookies_and_hsts(base_config, make_user, login_as):
    app = create_app({**base_config, "PRODUCTION": True, "SECRET_KEY": "s" * 48})
    assert app.debug is False
    client = app.test_client()
    user = make_user()
    response = login_as(client, user)
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    remember = app.test_client().post(
        "/ingresar",
        data={"login": user.username, "password": "una frase larga y secreta", "remember": "y"},
    )
    cookies = remember.headers.getlist("Set-Cookie")
    remember_cookie = next((c for c in cookies if c.startswith("remember_token=")), "")
    assert "Secure" in remember_cookie and "HttpOnly" in remember_cookie
    assert "SameSite=Lax" in remember_cookie
    page = client.get("/")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
