"""Whom a trainer reaches through the CSV import and the "add member" form (issue 13).

World (the `world` fixture, tests/worlds.py): Monte Patria (A) and Quillota (B), each with a
trainer, a coordinator, a group and a participant; an admin.
"""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.orgs.imports import parse_csv, sign_rows
from app.orgs.models import Group, Membership
from app.orgs.services import add_member, ensure_group
from tests.helpers import confirm, count, upload

RUT_B = "12678579-8"
RUT_ERROR = "Este RUT ya está registrado; pide a la administración que asigne a la persona"
EMAIL_ERROR = "Este correo ya está registrado; pide a la administración que asigne a la persona"


def _set(user_id: int, **values) -> None:
    user = db.session.get(User, user_id)
    for name, value in values.items():
        setattr(user, name, value)
    db.session.commit()


def _forged_confirm(app, client, trainer_id: int, text: str):
    """Confirm ROWS as if the preview had allowed it (a signed token for these rows)."""
    with app.test_request_context():
        trainer = db.session.get(User, trainer_id)
        token = sign_rows(trainer, parse_csv(text.encode()))
    return client.post("/formacion/importar/confirmar", data={"token": token})


def _member(user_id: int, group_id: int) -> int:
    return count(Membership, Membership.user_id == user_id, Membership.group_id == group_id)


def test_import_rut_of_another_municipality_is_a_row_error_naming_nobody(
    app, client, ctx, login_as, world
):
    """Issue 13 finding 1: a Quillota participant's RUT in a Monte Patria import."""
    _set(world.ids["part-b"], rut=RUT_B)
    login_as(client, world.users["trainer-a"])
    text = f"nombre;rut;grupo\nOtra Persona;{RUT_B};Grupo A\n"
    html = unescape(upload(client, text).get_data(as_text=True))
    assert f"Línea 2: {RUT_ERROR}" in html
    assert "part-b" not in html and "Participante B" not in html
    assert "Ya tiene cuenta" not in html and "Confirmar e importar" not in html
    # A confirmation of the same rows (a forged token) changes nothing either.
    _forged_confirm(app, client, world.ids["trainer-a"], text)
    db.session.expire_all()
    assert _member(world.ids["part-b"], world.ids["group-a"]) == 0
    assert db.session.get(User, world.ids["part-b"]).rut == RUT_B


def test_import_email_of_another_municipality_never_changes_that_account(
    app, client, ctx, login_as, world
):
    """Issue 13 finding 1: an address of a Quillota participant (written by staff), with a RUT:
    today the row matched by address and the confirmation wrote the RUT into that account."""
    _set(world.ids["part-b"], email="bea@example.cl", email_by_staff=True)
    login_as(client, world.users["trainer-a"])
    text = "nombre;correo;rut;grupo\nBea;bea@example.cl;12.345.678-5;Grupo A\n"
    html = unescape(upload(client, text).get_data(as_text=True))
    assert f"Línea 2: {EMAIL_ERROR}" in html
    assert "part-b" not in html and "Ya tiene cuenta" not in html
    users = count(User)
    _forged_confirm(app, client, world.ids["trainer-a"], text)
    db.session.expire_all()
    part_b = db.session.get(User, world.ids["part-b"])
    assert (part_b.rut, part_b.email) == (None, "bea@example.cl")
    assert _member(world.ids["part-b"], world.ids["group-a"]) == 0
    assert count(User) == users


def test_import_staff_rut_and_email_get_the_same_neutral_row_error(world, client, ctx, login_as):
    """Issue 13 finding 1: staff accounts (here the other municipality's coordinator)."""
    _set(world.ids["coord-b"], rut=RUT_B, email="coord@example.cl", email_by_staff=True)
    login_as(client, world.users["trainer-a"])
    text = "nombre;correo;rut;grupo\nUno;;12678579-8;Grupo A\nDos;coord@example.cl;;Grupo A\n"
    html = unescape(upload(client, text).get_data(as_text=True))
    assert f"Línea 2: {RUT_ERROR}" in html
    assert f"Línea 3: {EMAIL_ERROR}" in html
    assert "coord-b" not in html and "cuenta del equipo" not in html


def test_import_still_matches_people_of_the_trainers_municipality(
    app, client, ctx, login_as, world
):
    """Issue 13 finding 1 (the rule kept): a member of another Monte Patria group is in reach."""
    with app.app_context():
        group = db.session.get(Group, world.ids["group-a"])
        other = ensure_group(group.municipality, "Otro grupo de Monte Patria", "cooperative")
        vecina = User(username="vecina", full_name="Vecina", role="participant", rut=RUT_B)
        vecina.set_password("x" * 12)
        db.session.add(vecina)
        db.session.flush()
        add_member(other, vecina)
        db.session.commit()
        vecina_id = vecina.id
    login_as(client, world.users["trainer-a"])
    html = upload(client, f"nombre;rut;grupo\nVecina;{RUT_B};Grupo A\n").get_data(as_text=True)
    assert "Ya tiene cuenta (vecina)" in html
    confirm(client, html)
    assert _member(vecina_id, world.ids["group-a"]) == 1


def test_import_does_not_match_an_address_the_person_typed_themselves(world, client, ctx, login_as):
    """Issue 13 finding 13: an unverified address (typed in the profile) matches nothing."""
    login_as(client, world.users["part-a"])
    r = client.post(
        "/cuenta/perfil",
        data={"full_name": "Participante A", "email": "rosa@example.cl", "locale": "es_CL"},
    )
    assert r.status_code == 302
    client.post("/salir")
    login_as(client, world.users["trainer-a"])
    text = "nombre;correo;grupo;curso\nRosa Tapia;rosa@example.cl;Grupo A;\n"
    html = unescape(upload(client, text).get_data(as_text=True))
    assert "Ya tiene cuenta" not in html
    assert f"Línea 2: {EMAIL_ERROR}" in html


def test_import_matches_an_address_staff_wrote(world, client, ctx, login_as):
    """Issue 13 finding 13 (the rule kept): an address the trainer wrote still matches."""
    login_as(client, world.users["trainer-a"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/participantes",
        data={"nuevo-full_name": "Rosa Tapia", "nuevo-email": "rosa@example.cl"},
    )
    assert r.status_code == 200
    rosa = db.session.scalar(select(User).where(User.email == "rosa@example.cl"))
    assert rosa.email_by_staff
    html = upload(client, "nombre;correo;grupo\nRosa T.;rosa@example.cl;Grupo A\n").get_data(
        as_text=True
    )
    assert f"Ya tiene cuenta ({rosa.username})" in html


def _loose(app, **kw) -> int:
    """A participant in no group at all."""
    with app.app_context():
        user = User(username="suelta", full_name="Persona Suelta", role="participant", **kw)
        user.set_password("x" * 12)
        db.session.add(user)
        db.session.commit()
        return user.id


def test_trainer_cannot_claim_a_person_without_group_but_admin_can(
    app, client, ctx, login_as, world
):
    """Issue 13 finding 3: only an admin assigns a person who has no group."""
    loose = _loose(app, email="suelta@example.cl", email_by_staff=True)
    url = f"/formacion/grupos/{world.ids['group-a']}/miembros"
    login_as(client, world.users["trainer-a"])
    for login_value in ("suelta", "suelta@example.cl"):
        r = client.post(url, data={"sumar-username": login_value})
        assert r.status_code == 400
        assert "No encontramos a una persona participante" in r.get_data(as_text=True)
    assert _member(loose, world.ids["group-a"]) == 0
    client.post("/salir")
    login_as(client, world.users["admin"])
    assert client.post(url, data={"sumar-username": "suelta"}).status_code == 302
    assert _member(loose, world.ids["group-a"]) == 1


def test_trainer_cannot_claim_someone_another_municipality_removed(world, client, ctx, login_as):
    """Issue 13 finding 3: Quillota's trainer removes a person; Monte Patria cannot take them."""
    login_as(client, world.users["trainer-b"])
    pid, gid_b = world.ids["part-b"], world.ids["group-b"]
    assert client.post(f"/formacion/grupos/{gid_b}/miembros/{pid}/quitar").status_code == 302
    client.post("/salir")
    login_as(client, world.users["trainer-a"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/miembros", data={"sumar-username": "part-b"}
    )
    assert r.status_code == 400
    assert _member(pid, world.ids["group-a"]) == 0
    assert client.post(f"/formacion/participantes/{pid}/contrasena").status_code == 404


def test_trainer_adds_a_person_of_another_group_of_the_municipality(
    app, client, ctx, login_as, world
):
    """Issue 13 finding 3 (the rule): people already in a group of the trainer's municipality."""
    with app.app_context():
        group = db.session.get(Group, world.ids["group-a"])
        other = ensure_group(group.municipality, "Otro grupo de Monte Patria", "cooperative")
        vecina = User(username="vecina", full_name="Vecina", role="participant")
        vecina.set_password("x" * 12)
        db.session.add(vecina)
        db.session.flush()
        add_member(other, vecina)
        db.session.commit()
        vecina_id = vecina.id
    login_as(client, world.users["trainer-a"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-a']}/miembros", data={"sumar-username": "vecina"}
    )
    assert r.status_code == 302
    assert _member(vecina_id, world.ids["group-a"]) == 1


def test_add_member_by_an_address_the_person_typed_finds_nobody(world, client, ctx, login_as):
    """Issue 13 finding 13: an unverified address finds nobody in the "add member" form."""
    _set(world.ids["part-a"], email="yo@example.cl", email_by_staff=False)
    login_as(client, world.users["admin"])
    r = client.post(
        f"/formacion/grupos/{world.ids['group-b']}/miembros",
        data={"sumar-username": "yo@example.cl"},
    )
    assert r.status_code == 400
    assert _member(world.ids["part-a"], world.ids["group-b"]) == 0
