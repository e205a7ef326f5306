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
from tests.helpers import snapshot
from tests.worlds import add_outsiders

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
def ids(app, scenario):
    """The scenario's ids, with the outsiders (of Quillota) added."""
    with app.app_context():
        add_outsiders(ROLE_OF)
    return dict(scenario.ids)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_other_peoples_ids_are_not_found(app, ids, ctx, outsider, client_as):
    client = client_as(outsider)
    assert client.get("/mis-cursos").status_code == 200
    before = snapshot()
    checked = 0
    for endpoint, method, rule in ID_ROUTES:
        values = {}
        for arg in rule.arguments:
            values[arg] = ids[ID_SOURCES[arg]] if arg in ID_SOURCES else "curso-prueba"
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


def test_the_owner_and_staff_of_the_municipality_do_reach_them(app, ids, client_as):
    """The same ids work for the people who should see them (so the 404s above mean something)."""
    participant = client_as("participant-e2e")
    assert participant.get(f"/intentos/{ids['attempt']}/resultado").status_code == 200
    assert participant.get(f"/certificados/{ids['certificate']}").status_code == 200
    coordinator = client_as("coordinator-e2e")
    assert coordinator.get(f"/coordinacion/participantes/{ids['participant']}").status_code == 200
    trainer = client_as("trainer-e2e")
    assert trainer.get(f"/formacion/grupos/{ids['group']}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "participant-e2e"))
