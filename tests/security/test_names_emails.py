"""Names with control characters and the answer of the email field (issue 13)."""

from __future__ import annotations

from html import unescape

import pytest

from app.accounts.models import User
from app.extensions import db
from tests.helpers import count, upload

# Tabs, line breaks and other characters Python counts as spaces become one space; the rest of
# the control characters are refused.
BAD_NAMES = ["Ana\x00Pérez", "Ana\x1b Pérez", "Ana \x7fPérez", "Ana\u202ezereP", "Ana\x9bPérez"]
NAME_ERROR = "El nombre tiene caracteres invisibles o de control"
NEUTRAL_EMAIL = "No podemos usar ese correo."


@pytest.mark.parametrize("name", BAD_NAMES, ids=["nul", "esc", "del", "rtl-override", "c1-csi"])
def test_profile_rejects_control_characters_in_the_name(client, make_user, ctx, name, login_as):
    """Issue 13 finding 11: NUL and other control characters in the profile name."""
    user = make_user(full_name="Ana Pérez")
    login_as(client, user)
    r = client.post("/cuenta/perfil", data={"full_name": name, "locale": "es_CL"})
    assert r.status_code == 200
    assert NAME_ERROR in unescape(r.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(User, user.id).full_name == "Ana Pérez"


def test_import_rejects_control_characters_in_names(world, client, ctx, login_as):
    """Issue 13 finding 11: the CSV import uses the same rule (one helper)."""
    login_as(client, world.users["trainer-a"])
    text = "nombre;grupo\n" + "".join(f"{name};Grupo A\n" for name in BAD_NAMES)
    html = unescape(upload(client, text).get_data(as_text=True))
    for line in range(2, 2 + len(BAD_NAMES)):
        assert f"Línea {line}: {NAME_ERROR}" in html
    assert "Confirmar e importar" not in html


def test_staff_forms_reject_control_characters_in_names(world, client, ctx, login_as):
    """Issue 13 finding 11: the trainer's "new participant" and the admin's user forms."""
    login_as(client, world.users["trainer-a"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/participantes",
        data={"nuevo-full_name": "Ana\x00Pérez"},
    )
    assert r.status_code == 400 and NAME_ERROR in unescape(r.get_data(as_text=True))
    client.post("/salir")
    login_as(client, world.users["admin"])
    r = client.post(
        f"/admin/usuarios/{world.ids['part-a']}",
        data={"full_name": "Ana\x00Pérez", "role": "participant"},
    )
    assert NAME_ERROR in unescape(r.get_data(as_text=True))
    r = client.post("/admin/usuarios/nuevo", data={"full_name": "Bea\x00", "role": "participant"})
    assert r.status_code == 400 and NAME_ERROR in unescape(r.get_data(as_text=True))
    db.session.expire_all()
    assert count(User, User.full_name.like("Ana%Pérez")) == 0
    assert db.session.get(User, world.ids["part-a"]).full_name == "Participante A"


def test_add_member_with_a_nul_in_the_username_is_not_found(world, client, ctx, login_as):
    """Issue 13 finding 11: a NUL in the looked-up name (a 500 on PostgreSQL)."""
    login_as(client, world.users["trainer-a"])
    for value in ("part\x00a", "a\x00@example.cl"):
        r = client.post(
            f"/formacion/grupos/{world.ids['group-a']}/miembros", data={"sumar-username": value}
        )
        assert r.status_code == 400


def test_profile_email_taken_gets_a_neutral_answer(client, make_user, ctx, login_as):
    """Issue 13 finding 13: the profile must not say that another account has the address."""
    make_user(email="usada@example.cl")
    user = make_user()
    login_as(client, user)
    html = unescape(
        client.post(
            "/cuenta/perfil",
            data={"full_name": "Rosa", "email": "usada@example.cl", "locale": "es_CL"},
        ).get_data(as_text=True)
    )
    assert NEUTRAL_EMAIL in html
    assert "Ya existe" not in html and "otra cuenta" not in html
    assert db.session.get(User, user.id).email is None


def test_admin_email_taken_gets_a_neutral_answer(client, make_user, ctx, login_as):
    """Issue 13 finding 13: the admin's user form answers the same way."""
    make_user(email="usada@example.cl")
    person = make_user()
    login_as(client, make_user("admin"))
    r = client.post(
        f"/admin/usuarios/{person.id}",
        data={"full_name": "Rosa", "email": "usada@example.cl", "role": "participant"},
    )
    html = unescape(r.get_data(as_text=True))
    assert NEUTRAL_EMAIL in html and "Ya existe" not in html
    assert db.session.get(User, person.id).email is None


def test_who_wrote_the_address_is_recorded(app, client, make_user, ctx, login_as):
    """Issue 13 finding 13: typed in the profile -> not staff's; written by an admin -> staff's."""
    user = make_user(email="antes@example.cl", email_by_staff=True)
    login_as(client, user)
    client.post(
        "/cuenta/perfil",
        data={"full_name": "Rosa", "email": "mia@example.cl", "locale": "es_CL"},
    )
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.email, stored.email_by_staff) == ("mia@example.cl", False)
    client.post("/salir")
    login_as(client, make_user("admin"))
    client.post(
        f"/admin/usuarios/{user.id}",
        data={"full_name": "Rosa", "email": "rosa@example.cl", "role": "participant"},
    )
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.email, stored.email_by_staff) == ("rosa@example.cl", True)
