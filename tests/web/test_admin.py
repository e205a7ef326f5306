"""Admin screens: municipalities, groups, users and roles; deactivation ends sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from tests.helpers import count

PAGES = ["/admin/", "/admin/comunas", "/admin/grupos", "/admin/usuarios", "/admin/usuarios/nuevo"]


@pytest.mark.parametrize("role", ["participant", "trainer", "coordinator"])
@pytest.mark.parametrize("url", PAGES)
def test_only_admins_reach_admin_pages(client, make_user, role, url, login_as):
    login_as(client, make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_admin_pages_render(client, make_user, url, login_as):
    login_as(client, make_user("admin"))
    html = client.get(url).get_data(as_text=True)
    assert html.count("<h1") == 1


def test_admin_creates_and_edits_municipality_and_group(client, make_user, ctx, login_as):
    login_as(client, make_user("admin"))
    trainer = make_user("trainer")
    r = client.post("/admin/comunas", data={"name": "Copiapó", "region": "Atacama"})
    assert r.status_code == 302
    m = db.session.scalar(select(Municipality).where(Municipality.name == "Copiapó"))
    assert m.slug == "copiapo"
    dup = client.post("/admin/comunas", data={"name": "Copiapó"})
    assert dup.status_code == 400 and "Ya existe" in dup.get_data(as_text=True)
    r = client.post(
        "/admin/grupos",
        data={
            "name": "Coop Norte",
            "municipality": str(m.id),
            "kind": "cooperative",
            "trainers": [str(trainer.id)],
        },
    )
    assert r.status_code == 302
    g = db.session.scalar(select(Group).where(Group.name == "Coop Norte"))
    listing = client.get("/admin/grupos").get_data(as_text=True)
    assert "Coop Norte" in listing and "Cooperativa" in listing
    assert g.kind == "cooperative"
    assert count(Membership, Membership.group_id == g.id, Membership.role == "trainer") == 1
    r = client.post(
        f"/admin/grupos/{g.id}",
        data={"name": "Coop Norte 2", "municipality": str(m.id), "kind": "pre_associative"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, g.id).name == "Coop Norte 2"
    assert count(Membership, Membership.group_id == g.id, Membership.role == "trainer") == 0
    r = client.post(f"/admin/comunas/{m.id}", data={"name": "Copiapó", "region": "III"})
    assert r.status_code == 302


def test_admin_creates_a_coordinator_with_exactly_one_municipality(
    client, make_user, make_municipality, ctx, login_as
):
    login_as(client, make_user("admin"))
    a = make_municipality()
    b = make_municipality("quillota", "Quillota")
    data = {"full_name": "Carla Coordinadora", "role": "coordinator", "rut": "12.345.678-5"}
    r = client.post(
        "/admin/usuarios/nuevo", data={**data, "municipalities": [str(a.id), str(b.id)]}
    )
    assert r.status_code == 400 and "una sola comuna" in r.get_data(as_text=True)
    assert count(User, User.full_name == "Carla Coordinadora") == 0
    r = client.post("/admin/usuarios/nuevo", data={**data, "municipalities": [str(a.id)]})
    assert r.status_code == 200 and "Hoja de acceso" in r.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.full_name == "Carla Coordinadora"))
    assert user.role == "coordinator" and user.rut == "12345678-5"
    assert count(StaffAssignment, StaffAssignment.user_id == user.id) == 1


def test_role_change_is_audited_and_ends_sessions(app, client, make_user, ctx, login_as):
    admin = make_user("admin")
    person = make_user("participant")
    other = app.test_client()
    login_as(other, person)
    assert other.get("/mis-cursos").status_code == 200
    login_as(client, admin)
    r = client.post(
        f"/admin/usuarios/{person.id}", data={"full_name": person.full_name, "role": "trainer"}
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).role == "trainer"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role_changed"))
    assert event.actor_id == admin.id and event.details == {"old": "participant", "new": "trainer"}
    assert other.get("/mis-cursos").status_code == 302  # logged out


def test_deactivation_rotates_the_session_token(app, client, make_user, ctx, login_as):
    admin = make_user("admin")
    person = make_user("participant")
    other = app.test_client()
    login_as(other, person)
    assert other.get("/mis-cursos").status_code == 200
    token = person.session_token
    login_as(client, admin)
    assert client.post(f"/admin/usuarios/{person.id}/activo").status_code == 302
    db.session.expire_all()
    user = db.session.get(User, person.id)
    assert not user.active and user.session_token != token
    assert other.get("/mis-cursos").status_code == 302
    assert count(AuditEvent, AuditEvent.action == "user_deactivated") == 1
    # And back on.
    client.post(f"/admin/usuarios/{person.id}/activo")
    db.session.expire_all()
    assert db.session.get(User, person.id).active


def test_admin_cannot_deactivate_or_demote_self(client, make_user, ctx, login_as):
    admin = make_user("admin")
    login_as(client, admin)
    client.post(f"/admin/usuarios/{admin.id}/activo")
    r = client.post(f"/admin/usuarios/{admin.id}", data={"full_name": "Yo", "role": "participant"})
    assert r.status_code == 200 and "propio rol" in r.get_data(as_text=True)
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert me.active and me.role == "admin"
