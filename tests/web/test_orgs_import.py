"""CSV import: encodings, delimiters, preview with line numbers, all-or-nothing, idempotent."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.learning.models import Enrollment
from app.orgs.models import Membership
from tests.helpers import confirm, count, token_of, upload
from tests.worlds import COURSE

GOOD = (
    "nombre;correo;rut;grupo;curso\n"
    "Rosa Tapia;rosa@example.cl;12.345.678-5;Grupo A;curso-prueba\n"
    "Juan Pérez;;;Grupo A;\n"
    "Ñuño Castro;;15509661-6;grupo a;Curso de prueba\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (GOOD, "utf-8"),
        ("\ufeff" + GOOD, "utf-8"),
        (GOOD, "cp1252"),
        (GOOD.replace(";", ","), "utf-8"),
        (GOOD.replace("nombre;correo;rut;grupo;curso", "name;email;RUT;group;course"), "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "comma", "english-headers"],
)
def test_preview_then_confirm_creates_everything(world, client, ctx, text, encoding, login_as):
    login_as(client, world.users["trainer-a"])
    users_before = count(User)
    preview = upload(client, text, encoding)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Ñuño Castro" in html  # decoded right whatever the encoding
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Confirmar e importar" in html
    assert count(User) == users_before  # the preview writes nothing
    done = confirm(client, html)
    sheet = done.get_data(as_text=True)
    assert done.status_code == 200 and "Hoja de acceso" in sheet
    assert count(User) == users_before + 3
    rosa = db.session.scalar(select(User).where(User.email == "rosa@example.cl"))
    assert rosa.rut == "12345678-5" and rosa.must_change_password
    nuno = db.session.scalar(select(User).where(User.full_name == "Ñuño Castro"))
    assert nuno.rut == "15509661-6"
    for user in (rosa, nuno):
        assert (
            count(
                Membership,
                Membership.user_id == user.id,
                Membership.group_id == world.ids["group-a"],
            )
            == 1
        )
        e = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
        assert e.course_slug == COURSE and e.group_id == world.ids["group-a"]
    juan = db.session.scalar(select(User).where(User.full_name == "Juan Pérez"))
    assert count(Enrollment, Enrollment.user_id == juan.id) == 0


def test_running_twice_creates_no_duplicates(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    confirm(client, upload(client, GOOD).get_data(as_text=True))
    snapshot = (count(User), count(Membership), count(Enrollment))
    second = upload(client, GOOD).get_data(as_text=True)
    assert "Se crearán 0 cuentas nuevas" in second
    assert "nada que cambiar" in second
    confirm(client, second)
    assert (count(User), count(Membership), count(Enrollment)) == snapshot


def test_matches_existing_people_by_rut_then_email_then_name(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    text = (
        "nombre,correo,rut,grupo\n"
        "Otro Nombre,,,Grupo A\n"
        "Participante A,,,Grupo A\n"  # same name as the existing member of Grupo A
    )
    html = upload(client, text).get_data(as_text=True)
    assert "Ya tiene cuenta (part-a)" in html
    users = count(User)
    confirm(client, html)
    assert count(User) == users + 1
    # RUT match: give part-a a RUT, then import them under another name with that RUT.
    part = db.session.get(User, world.ids["part-a"])
    part.rut = "12678579-8"
    db.session.commit()
    html = upload(client, "nombre;rut;grupo\nNombre Distinto;12.678.579-8;Grupo A\n").get_data(
        as_text=True
    )
    assert "Ya tiene cuenta (part-a)" in html


def test_row_errors_are_listed_with_line_numbers_and_nothing_is_written(
    app, client, ctx, login_as, world
):
    login_as(client, world.users["trainer-a"])
    text = (
        "nombre;correo;rut;grupo;curso\n"
        "Buena Persona;;;Grupo A;\n"  # line 2 fine
        ";;;Grupo A;\n"  # line 3 no name
        "Mala Rut;;12.345.678-4;Grupo A;\n"  # line 4 bad RUT
        "Ajena;;;Grupo B;\n"  # line 5 another municipality's group
        "Sin Curso;;;Grupo A;no-existe\n"  # line 6 unknown course
        "Correo Malo;no-es-correo;;Grupo A;\n"  # line 7
        "Rosa;;12345678-5;Grupo A;\n"  # line 8
        "Rosa Dos;;123456785;Grupo A;\n"  # line 9 same RUT as line 8
    )
    response = upload(client, text)
    html = response.get_data(as_text=True)
    for line, words in [
        (3, "falta el nombre"),
        (4, "no es válido"),
        (5, "no es uno de tus grupos"),
        (6, "no existe o no está publicado"),
        (7, "no es válido"),
        (9, "repite a la persona de la línea 8"),
    ]:
        assert f"Línea {line}: " in html and words in unescape(html)
    assert "Línea 2:" not in html
    assert "Confirmar e importar" not in html
    assert 'role="alert"' in html
    users = count(User)
    # Even a forged confirmation of these rows writes nothing.
    from app.orgs.imports import parse_csv, sign_rows

    with app.test_request_context():
        trainer = db.session.get(User, world.ids["trainer-a"])
        token = sign_rows(trainer, parse_csv(text.encode()))
    r = client.post("/formacion/importar/confirmar", data={"token": token})
    assert r.status_code == 302
    assert count(User) == users


def test_all_or_nothing_when_the_database_changes_between_preview_and_confirm(
    world, client, ctx, login_as
):
    login_as(client, world.users["trainer-a"])
    html = upload(client, GOOD).get_data(as_text=True)
    # Meanwhile someone takes Rosa's email with a staff account: row 2 now fails.
    staff = User(username="intrusa", full_name="Intrusa", role="trainer", email="rosa@example.cl")
    staff.set_password("x" * 12)
    db.session.add(staff)
    db.session.commit()
    users, memberships = count(User), count(Membership)
    r = confirm(client, html)
    assert r.status_code == 302
    assert (count(User), count(Membership)) == (users, memberships)


def test_tampered_or_foreign_token_is_refused(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    html = upload(client, GOOD).get_data(as_text=True)
    token = token_of(html)
    users = count(User)
    r = client.post("/formacion/importar/confirmar", data={"token": token[:-3] + "abc"})
    assert r.status_code == 302 and count(User) == users
    client.post("/salir")
    login_as(client, world.users["trainer-b"])
    r = client.post("/formacion/importar/confirmar", data={"token": token})
    assert r.status_code == 302 and count(User) == users


def test_missing_columns_and_empty_file(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    r = upload(client, "foo;bar\n1;2\n")
    assert r.status_code == 400 and "nombre y grupo" in r.get_data(as_text=True)
    r = upload(client, "")
    assert r.status_code == 400


def test_the_trainer_who_imports_is_recorded_as_who_enrolled(world, client, ctx, login_as):
    trainer = world.users["trainer-a"]
    login_as(client, trainer)
    confirm(client, upload(client, GOOD).get_data(as_text=True))
    enrolled = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "enrolled")).all()
    imported = {
        str(e.id)
        for e in db.session.scalars(
            select(Enrollment)
            .join(User, User.id == Enrollment.user_id)
            .where(User.full_name.in_(["Rosa Tapia", "Ñuño Castro"]))
        )
    }
    events = [e for e in enrolled if e.target_id in imported]
    assert len(events) == 2
    assert {e.actor_id for e in events} == {world.ids["trainer-a"]}
