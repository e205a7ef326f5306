"""RUT check digit, orgs services: scope, members, group enrolment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.learning.models import Enrollment
from app.orgs.models import Membership
from app.orgs.rut import check_digit, normalise_rut
from tests.helpers import count
from tests.worlds import COURSE


@pytest.mark.parametrize(
    ("number", "digit"),
    [(12345678, "5"), (12678579, "8"), (15509661, "6"), (12956784, "8"), (41261533, "6")],
)
def test_check_digit_matches_the_domain_facts(number, digit):
    assert check_digit(number) == digit


def test_check_digit_gives_k_and_zero():
    # 10000013: 3*2 + 1*3 + 1*3 (the 8th digit from the right restarts at 3) = 12 -> 11-1 = 10 -> K
    assert check_digit(10000013) == "K"
    # 10000004: 4*2 + 1*3 = 11 -> remainder 0 -> 11 -> 0
    assert check_digit(10000004) == "0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.345.678-5", "12345678-5"),
        ("12345678-5", "12345678-5"),
        ("123456785", "12345678-5"),
        (" 12.345.678 - 5 ", "12345678-5"),
        ("10.000.013-k", "10000013-K"),
        ("10000013K", "10000013-K"),
        ("12.345.678-4", None),
        ("abc", None),
        ("", None),
        ("-5", None),
    ],
)
def test_normalise_rut(text, expected):
    assert normalise_rut(text) == expected


def test_trainer_creates_a_participant_and_sees_the_sheet_once(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    response = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/participantes",
        data={
            "nuevo-full_name": "María José Pérez",
            "nuevo-email": "",
            "nuevo-rut": "12.345.678-5",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hoja de acceso" in html and "maria.perez" in html
    user = db.session.scalar(select(User).where(User.username == "maria.perez"))
    assert user.rut == "12345678-5" and user.email is None and user.must_change_password
    # The one-time password is in the sheet but only its hash is stored.
    password = html.split('Contraseña de un solo uso</dt><dd class="code">')[1].split("<")[0]
    assert user.check_password(password) and password not in user.password_hash
    assert (
        count(
            Membership, Membership.user_id == user.id, Membership.group_id == world.ids["group-a"]
        )
        == 1
    )
    assert response.headers["Cache-Control"] == "no-store"
    # The group page never shows it again.
    assert password not in client.get(f"/formacion/grupos/{world.ids['group-a']}").get_data(
        as_text=True
    )


def test_create_participant_rejects_bad_rut(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    response = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/participantes",
        data={"nuevo-full_name": "Ana", "nuevo-rut": "12.345.678-4"},
    )
    assert response.status_code == 400
    assert "El RUT no es válido" in response.get_data(as_text=True)
    assert count(User, User.full_name == "Ana") == 0


def test_trainer_resets_password_add_and_remove_member(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    pid, gid = world.ids["part-a"], world.ids["group-a"]
    before = db.session.get(User, pid).session_token
    html = client.post(f"/formacion/participantes/{pid}/contrasena").get_data(as_text=True)
    assert "Hoja de acceso" in html
    db.session.expire_all()
    user = db.session.get(User, pid)
    assert user.must_change_password and user.session_token != before
    assert client.post(f"/formacion/grupos/{gid}/miembros/{pid}/quitar").status_code == 302
    assert count(Membership, Membership.user_id == pid, Membership.group_id == gid) == 0
    assert count(Enrollment, Enrollment.user_id == pid) == 1  # records stay
    # Now in no group: only an admin assigns them again (issue 13 finding 3).
    r = client.post(f"/formacion/grupos/{gid}/miembros", data={"sumar-username": "part-a"})
    assert r.status_code == 400
    client.post("/salir")
    login_as(client, world.users["admin"])
    r = client.post(f"/formacion/grupos/{gid}/miembros", data={"sumar-username": "part-a"})
    assert r.status_code == 302
    assert count(Membership, Membership.user_id == pid, Membership.group_id == gid) == 1


def test_trainer_cannot_add_another_municipalitys_participant(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/miembros", data={"sumar-username": "part-b"}
    )
    assert r.status_code == 400
    assert (
        count(
            Membership,
            Membership.user_id == world.ids["part-b"],
            Membership.group_id == world.ids["group-a"],
        )
        == 0
    )


def test_enrol_group_is_idempotent(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    gid = world.ids["group-a"]
    client.post(f"/formacion/grupos/{gid}/participantes", data={"nuevo-full_name": "Nueva Persona"})
    for _ in range(2):
        r = client.post(f"/formacion/grupos/{gid}/inscribir", data={"enrol-course": COURSE})
        assert r.status_code == 302
    members = db.session.scalars(
        select(Membership.user_id).where(Membership.group_id == gid, Membership.role == "member")
    ).all()
    assert len(members) == 2
    for uid in members:
        assert count(Enrollment, Enrollment.user_id == uid, Enrollment.course_slug == COURSE) == 1
    assert count(AuditEvent, AuditEvent.action == "group_enrolled") == 2
    # Each enrolment the trainer made names the trainer, not the participant, as who made it.
    made_now = db.session.scalars(
        select(Enrollment).where(
            Enrollment.user_id == max(members), Enrollment.course_slug == COURSE
        )
    ).all()
    actors = db.session.scalars(
        select(AuditEvent.actor_id).where(
            AuditEvent.action == "enrolled",
            AuditEvent.target_id.in_([str(e.id) for e in made_now]),
        )
    ).all()
    assert actors == [world.ids["trainer-a"]]


def test_enrol_group_refuses_unknown_course(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/inscribir", data={"enrol-course": "nada"}
    )
    assert r.status_code == 400
