"""Logs say who did what (with user and request ids) and never hold secrets."""

from __future__ import annotations

import logging

from tests.helpers import PASSWORD, leaked_markers


def test_the_scan_finds_a_leak():
    assert leaked_markers([f"user typed {PASSWORD}"]) == [f"user typed {PASSWORD}"]
    assert leaked_markers(["audit action=login actor_id=3 request_id=ab12"]) == []


def test_logins_failures_and_denials_are_logged_without_secrets(
    client, make_user, caplog, login_as
):
    caplog.set_level(logging.INFO)
    user = make_user()
    client.post("/ingresar", data={"login": user.username, "password": "MARCADOR-mala-clave"})
    login_as(client, user)
    client.post("/cuenta/perfil", data={"full_name": "Nombre", "locale": "es_CL"})
    messages = [r.getMessage() for r in caplog.records]
    failed = [m for m in messages if "action=login_failed" in m]
    ok = [m for m in messages if "audit action=login actor_id" in m]
    assert failed and ok
    assert f"actor_id={user.id}" in ok[0]
    assert "request_id=" in ok[0] and not ok[0].endswith("request_id=")
    assert not leaked_markers(messages)
    assert all(PASSWORD not in m and "MARCADOR" not in m for m in messages)


def test_denied_access_is_logged(client, make_user, caplog):
    caplog.set_level(logging.INFO)
    client.get("/mis-cursos")
    assert any(
        "login required endpoint=learning.my_courses" in r.getMessage() for r in caplog.records
    )
