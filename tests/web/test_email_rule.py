"""One email rule everywhere: admin, trainer and profile forms refuse "foo" alike (issue 14)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db

MESSAGE = "Escribe un correo válido, por ejemplo nombre@dominio.cl."


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("address", ["foo", "foo@", "@bar.cl", "a b@c.cl", "x@y"])
def test_admin_new_user_refuses_a_malformed_email(client, world, login_as, ctx, address):
    login_as(client, world.users["admin"])
    before = _users()
    response = client.post(
        "/admin/usuarios/nuevo",
        data={"full_name": "Ana Rojas", "role": "participant", "email": address},
    )
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert _users() == before


@pytest.mark.parametrize("address", ["foo", "foo@", "x@y"])
def test_trainer_new_participant_refuses_a_malformed_email(client, world, login_as, ctx, address):
    login_as(client, world.users["trainer-a"])
    before = _users()
    response = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/participantes",
        data={"nuevo-full_name": "Ana Rojas", "nuevo-email": address},
    )
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert _users() == before


def test_profile_refuses_a_malformed_email(client, world, login_as, ctx):
    login_as(client, world.users["part-a"])
    response = client.post(
        "/cuenta/perfil", data={"full_name": "Participante A", "email": "foo", "locale": "es_CL"}
    )
    assert MESSAGE in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == world.users["part-a"]))
    assert user.email is None
