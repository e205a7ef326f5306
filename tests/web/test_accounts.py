"""Log in, log out, passwords, sessions, profile, throttling and CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import LoginFailure, User
from app.accounts.passwords import one_time_password, password_problems
from app.audit.models import AuditEvent
from app.extensions import db
from tests.helpers import PASSWORD, count, csrf_token_from

GENERIC = "El nombre de usuario o la contraseña no son correctos"


def test_login_with_username_then_reach_my_courses(client, make_user, login_as):
    user = make_user()
    response = login_as(client, user)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mis-cursos")
    page = client.get("/mis-cursos")
    assert page.status_code == 200
    assert "Mis cursos" in page.get_data(as_text=True)


def test_login_with_email_is_case_insensitive(client, make_user):
    make_user(email="ana@example.cl", username="ana")
    response = client.post("/ingresar", data={"login": "ANA@Example.cl", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("login_value", ["participant1", "nadie-con-este-nombre"])
def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user, login_value):
    make_user()
    response = client.post("/ingresar", data={"login": login_value, "password": "incorrecta!"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert GENERIC in html
    assert f'value="{login_value}"' in html  # what the user typed is kept
    assert "error-summary" in html and 'href="#password"' in html
    assert "<title>Error:" in html


def test_failed_login_is_audited_without_the_password(client, make_user, ctx):
    make_user()
    client.post("/ingresar", data={"login": "participant1", "password": "MARCADOR-secreto-1"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed"))
    events = list(events)
    assert len(events) == 1
    assert "MARCADOR" not in repr(events[0].details)


def test_inactive_user_cannot_log_in(client, make_user, login_as):
    user = make_user(active=False)
    response = login_as(client, user)
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)


def test_missing_fields_show_field_errors(client):
    html = client.post("/ingresar", data={"login": "", "password": ""}).get_data(as_text=True)
    assert "Escribe tu nombre de usuario o tu correo." in html
    assert 'aria-describedby="login-hint login-error"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/cursos/", "/cursos/"),
        ("//evil.example/x", "/mis-cursos"),
        ("https://evil.example/", "/mis-cursos"),
        ("/\\evil.example", "/mis-cursos"),
        ("javascript:alert(1)", "/mis-cursos"),
    ],
)
def test_next_redirect_only_to_same_site_paths(client, make_user, next_url, expected):
    user = make_user()
    response = client.post(
        "/ingresar",
        query_string={"next": next_url},
        data={"login": user.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_invalidates_the_old_session_cookie(app, make_user, login_as):
    user = make_user()
    client = app.test_client()
    login_as(client, user)
    stolen = client.get_cookie("session").value
    assert client.post("/salir").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/mis-cursos")
    assert response.status_code == 302
    assert "/ingresar" in response.headers["Location"]


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make_user, ctx, login_as):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login_as(first, user)
    login_as(second, user)
    response = first.post(
        "/cuenta/contrasena",
        data={
            "current_password": PASSWORD,
            "new_password": "otra frase bastante larga",
            "confirm": "otra frase bastante larga",
        },
    )
    assert response.status_code == 302
    assert first.get("/mis-cursos").status_code == 200
    assert second.get("/mis-cursos").status_code == 302
    stored = db.session.get(User, user.id)
    assert stored.check_password("otra frase bastante larga")
    assert count(AuditEvent, AuditEvent.action == "password_changed") == 1


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("mala", "otra frase bastante larga", "otra frase bastante larga", "actual no es correcta"),
        (PASSWORD, "corta", "corta", "al menos 8 caracteres"),
        (PASSWORD, "password123", "password123", "muy común"),
        (PASSWORD, "otra frase larga", "no coincide", "no coinciden"),
        (PASSWORD, PASSWORD, PASSWORD, "distinta de la actual"),
    ],
)
def test_password_change_errors(client, make_user, ctx, current, new, confirm, message, login_as):
    user = make_user()
    login_as(client, user)
    response = client.post(
        "/cuenta/contrasena",
        data={"current_password": current, "new_password": new, "confirm": confirm},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_one_time_password_forces_a_change_first(client, make_user, ctx, login_as):
    user = make_user(must_change_password=True)
    login_as(client, user)
    response = client.get("/cursos/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cuenta/contrasena")
    page = client.get("/cuenta/contrasena").get_data(as_text=True)
    assert "contraseña de un solo uso" in page
    client.post(
        "/cuenta/contrasena",
        data={
            "current_password": PASSWORD,
            "new_password": "mi huerta tiene tres limones",
            "confirm": "mi huerta tiene tres limones",
        },
    )
    assert client.get("/mis-cursos").status_code == 200
    assert db.session.get(User, user.id).must_change_password is False


def test_profile_update_is_saved(client, make_user, ctx, login_as):
    user = make_user()
    login_as(client, user)
    response = client.post(
        "/cuenta/perfil",
        data={"full_name": "  Rosa   Díaz ", "email": "rosa@example.cl", "locale": "en"},
    )
    assert response.status_code == 302
    stored = db.session.get(User, user.id)
    assert (stored.full_name, stored.email, stored.locale) == ("Rosa Díaz", "rosa@example.cl", "en")
    # The preferred language now drives the interface and the page's lang attribute.
    html = client.get("/cuenta/perfil").get_data(as_text=True)
    assert '<html lang="en">' in html


def test_profile_rejects_an_email_taken_by_someone_else(client, make_user, ctx, login_as):
    make_user(email="usado@example.cl")
    user = make_user()
    login_as(client, user)
    html = client.post(
        "/cuenta/perfil",
        data={"full_name": "Rosa", "email": "usado@example.cl", "locale": "es_CL"},
    ).get_data(as_text=True)
    # A neutral answer (issue 13 finding 13): it does not say that another account has it.
    assert "No podemos usar ese correo." in html
    assert "Ya existe" not in html
    assert 'value="usado@example.cl"' in html
    assert db.session.get(User, user.id).email is None


def test_login_is_throttled_per_account(make_app, make_user, ctx, login_as):
    throttled = make_app(LOGIN_THROTTLE_ENABLED=True, LOGIN_THROTTLE_PER_ACCOUNT=3)
    user = make_user()
    client = throttled.test_client()
    codes = [
        client.post("/ingresar", data={"login": user.username, "password": "mala-1234"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    # Even the right password is refused until the window passes...
    refused = login_as(client, user)
    assert refused.status_code == 429
    assert "Demasiados intentos" in refused.get_data(as_text=True)
    # ...while another account from the same address is not affected.
    assert login_as(client, make_user()).status_code == 302
    # What was typed is not stored: only keyed hashes (one per failure, on the account).
    keys = list(db.session.scalars(select(LoginFailure.key)))
    assert len(keys) == 3 and all(user.username not in k for k in keys)


def test_login_throttle_holds_across_processes(make_app, make_user, login_as):
    """Two app instances (two gunicorn workers) share the count through the database."""
    first = make_app(LOGIN_THROTTLE_ENABLED=True, LOGIN_THROTTLE_PER_ACCOUNT=4)
    second = make_app(LOGIN_THROTTLE_ENABLED=True, LOGIN_THROTTLE_PER_ACCOUNT=4)
    user = make_user()
    for worker in (first, second, first, second):
        response = worker.test_client().post(
            "/ingresar", data={"login": user.username, "password": "mala-1234"}
        )
        assert response.status_code == 200
    assert login_as(second.test_client(), user).status_code == 429
    assert login_as(first.test_client(), user).status_code == 429


def test_login_is_throttled_per_address(make_app):
    throttled = make_app(LOGIN_THROTTLE_ENABLED=True, LOGIN_THROTTLE_PER_ADDRESS=3)
    client = throttled.test_client()
    codes = [
        client.post("/ingresar", data={"login": f"user{i}", "password": "mala-1234"}).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    other_address = throttled.test_client()
    response = other_address.post(
        "/ingresar",
        data={"login": "user9", "password": "mala-1234"},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 200


def test_old_failures_are_forgotten(make_app, ctx):
    from datetime import timedelta

    from app.accounts import throttle
    from app.timeutil import utcnow

    throttled = make_app(LOGIN_THROTTLE_ENABLED=True)
    with throttled.app_context():
        throttle.record_failure(user_id=None, address="127.0.0.1")
        db.session.add(LoginFailure(key="x" * 32, created_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        assert throttle.forget_old_failures() == 1
        db.session.commit()
        assert count(LoginFailure) == 1


def test_forms_need_a_csrf_token(make_app, make_user):
    strict = make_app(WTF_CSRF_ENABLED=True)
    user = make_user()
    client = strict.test_client()
    without = client.post("/ingresar", data={"login": user.username, "password": PASSWORD})
    assert without.status_code == 400
    assert "El formulario caducó" in without.get_data(as_text=True)
    assert client.get("/mis-cursos").status_code == 302  # not logged in
    token = csrf_token_from(client.get("/ingresar").get_data(as_text=True))
    with_token = client.post(
        "/ingresar", data={"login": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert with_token.status_code == 302
    # Buttons outside WTForms (log out) are protected too.
    assert client.post("/salir").status_code == 400


def test_password_policy():
    assert password_problems("corta")
    assert password_problems("123456789")
    assert password_problems("Contraseña")  # common, whatever the case
    assert not password_problems("mi huerta tiene tres limones")
    assert not password_problems("x" * 200)
    assert password_problems("x" * 300)


def test_one_time_passwords_are_readable_and_random():
    values = {one_time_password() for _ in range(50)}
    assert len(values) == 50
    for value in values:
        parts = value.split("-")
        assert len(parts) == 5 and parts[-1].isdigit()
        assert not password_problems(value)


def test_create_admin_command(runner, ctx):
    result = runner.invoke(args=["create-admin", "jefa", "--name", "Jefa de la red"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Contraseña de un solo uso: ")[1].split()[0]
    admin = db.session.scalar(select(User).where(User.username == "jefa"))
    assert admin.role == "admin" and admin.must_change_password
    assert admin.check_password(password)
    again = runner.invoke(args=["create-admin", "jefa"])
    assert again.exit_code != 0 and "ya existe" in again.output
