"""Object-level access: another person's or another municipality's ids answer 404 (or 403).

For every route that takes an id, people who must not reach the Monte Patria scenario's
objects (a second participant, and the trainer and coordinator of another municipality) try
them with GET and POST. Nothing may be shown and nothing may change.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.orgs.services import assign_staff, ensure_group, ensure_municipality
from tests.browser.scenario import build_scenario
from tests.conftest import PASSWORD
from tests.security.test_sweeps import snapshot

OUTSIDERS = ("otra-participante", "formador-quillota", "coordinadora-quillota")
ID_SOURCES = {
    "certificate_id": "certificate",
    "attempt_id": "attempt",
    "group_id": "group",
    "user_id": "participant",
    "municipality_id": "municipality",
}
ROLE_OF = {
    "otra-participante": "participant",
    "formador-quillota": "trainer",
    "coordinadora-quillota": "coordinator",
}


def _id_routes():
    application = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "COURSE_CACHE_DIR": None}
    )
    out = []
    for rule in application.url_map.iter_rules():
        ids = [a for a in rule.arguments if a.endswith("_id") and a in ID_SOURCES]
        if not ids:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule))
    return out


ID_ROUTES = _id_routes()


@pytest.fixture
def world(app):
    with app.app_context():
        scenario = build_scenario()
        other = ensure_municipality("quillota", "Quillota", "Valparaíso")
        ensure_group(other, "Aseo y Jardines", "pre_associative")
        for username in OUTSIDERS:
            user = User(username=username, full_name=username, role=ROLE_OF[username])
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.flush()
            if ROLE_OF[username] != "participant":
                assign_staff(user, other)
        db.session.commit()
        return dict(scenario.ids)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_other_peoples_ids_are_not_found(app, world, ctx, outsider):
    client = app.test_client()
    client.post("/ingresar", data={"login": outsider, "password": PASSWORD})
    assert client.get("/mis-cursos").status_code == 200
    before = snapshot()
    checked = 0
    for endpoint, method, rule in ID_ROUTES:
        values = {}
        for arg in rule.arguments:
            values[arg] = world[ID_SOURCES[arg]] if arg in ID_SOURCES else "curso-prueba"
        url = rule.build(values)[1]
        response = client.open(url, method=method, data={"reason": "x", "role": "admin"})
        roles = getattr(app.view_functions[endpoint], "allowed_roles", None)
        # Another person's object is "not found"; a route of another role is "forbidden".
        expected = 403 if roles is not None and ROLE_OF[outsider] not in roles else 404
        assert response.status_code == expected, (
            f"{outsider} got {response.status_code} on {method} {url} ({endpoint})"
        )
        body = response.get_data(as_text=True)
        assert "Persona participant de prueba" not in body
        checked += 1
    db.session.expire_all()
    assert snapshot() == before
    assert checked == len(ID_ROUTES) > 10


def test_the_owner_and_staff_of_the_municipality_do_reach_them(app, world):
    """The same ids work for the people who should see them (so the 404s above mean something)."""
    participant = app.test_client()
    participant.post("/ingresar", data={"login": "participant-e2e", "password": PASSWORD})
    assert participant.get(f"/intentos/{world['attempt']}/resultado").status_code == 200
    assert participant.get(f"/certificados/{world['certificate']}").status_code == 200
    coordinator = app.test_client()
    coordinator.post("/ingresar", data={"login": "coordinator-e2e", "password": PASSWORD})
    assert coordinator.get(f"/coordinacion/participantes/{world['participant']}").status_code == 200
    trainer = app.test_client()
    trainer.post("/ingresar", data={"login": "trainer-e2e", "password": PASSWORD})
    assert trainer.get(f"/formacion/grupos/{world['group']}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "participant-e2e"))
