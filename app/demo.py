"""Demo data for trying the app: real municipalities, invented groups and people."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.extensions import db
from app.orgs.services import (
    NETWORK_MUNICIPALITIES,
    add_member,
    assign_staff,
    ensure_group,
    ensure_municipality,
)

DEMO_GROUPS = (
    ("monte-patria", "Equipo municipal de Monte Patria", "municipal_team"),
    ("monte-patria", "Grupo pre asociativo Sabores del Limarí", "pre_associative"),
    ("quillota", "Grupo pre asociativo Aseo y Jardines Quillota", "pre_associative"),
    ("copiapo", "Cooperativa de servicios Atacama Inclusiva", "cooperative"),
    ("chimbarongo", "Grupo pre asociativo Mimbre de Chimbarongo", "pre_associative"),
)

DEMO_ACCOUNTS = (
    ("admin.demo", "Administración de la red (demo)", "admin", None),
    ("coordinacion.demo", "Coordinación Monte Patria (demo)", "coordinator", "monte-patria"),
    ("facilitacion.demo", "Facilitadora Monte Patria (demo)", "trainer", "monte-patria"),
    ("participante.demo", "Participante de Sabores del Limarí (demo)", "participant", None),
)


def create_demo_data() -> list[str]:
    """Create (or refresh) the demo data and return lines to print, credentials included."""
    municipalities = {
        slug: ensure_municipality(slug, name, region)
        for slug, name, region in NETWORK_MUNICIPALITIES
    }
    groups = {
        name: ensure_group(municipalities[slug], name, kind) for slug, name, kind in DEMO_GROUPS
    }
    lines = [f"Demo data ready: 6 municipalities, {len(groups)} groups.", "Demo accounts:"]
    for username, full_name, role, muni in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == username))
        password = "demo-" + secrets.token_urlsafe(6)
        if user is None:
            user, _ = create_user(
                full_name=full_name, role=role, username=username, password=password
            )
        else:
            user.set_password(password)
            user.rotate_session()
        user.must_change_password = False
        if muni:
            assign_staff(user, municipalities[muni])
        if role == "trainer":
            add_member(groups["Grupo pre asociativo Sabores del Limarí"], user, role="trainer")
        if role == "participant":
            add_member(groups["Grupo pre asociativo Sabores del Limarí"], user)
        lines.append(f"  {role:12} user: {username:20} password: {password}")
    db.session.commit()
    return lines
