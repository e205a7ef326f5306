"""A course withdrawn in the workshop: its records, certificates and pages stay (issue 15)."""

from __future__ import annotations

import pytest

from app.authoring import services as authoring
from app.extensions import db
from tests.worlds import COURSE, build_scenario


@pytest.fixture
def withdrawn(app):
    with app.app_context():
        scenario = build_scenario()
        authoring.withdraw(scenario.users["trainer"], COURSE)
        db.session.commit()
        users = {role: user.username for role, user in scenario.users.items()}
        ids = dict(scenario.ids)
    return users, ids


def test_people_keep_their_records_and_certificates(client_as, withdrawn, client):
    users, ids = withdrawn
    assert client.get(f"/cursos/{COURSE}/").status_code == 404
    participant = client_as(users["participant"])
    for url in ("/mis-cursos", "/mis-certificados", f"/certificados/{ids['certificate']}"):
        response = participant.get(url)
        assert response.status_code == 200, url
    # Enrolled, they are told it was withdrawn (issue 21), not shown a bare 404.
    page = participant.get(f"/cursos/{COURSE}/")
    assert page.status_code == 410 and "Curso retirado" in page.get_data(as_text=True)
    assert "Cursos retirados" in participant.get("/mis-cursos").get_data(as_text=True)
    assert client.get(f"/verificar/{ids['certificate_code']}").status_code == 200
    trainer = client_as(users["trainer"])
    for url in (
        f"/formacion/grupos/{ids['group']}",
        f"/formacion/participantes/{ids['participant']}",
        f"/formacion/taller/{COURSE}/historial",
    ):
        assert trainer.get(url).status_code == 200, url
    assert "Retiró el curso" in trainer.get(f"/formacion/taller/{COURSE}/historial").get_data(
        as_text=True
    )
    coordinator = client_as(users["coordinator"])
    for url in ("/coordinacion/", "/coordinacion/registros", "/coordinacion/registros.csv"):
        assert coordinator.get(url).status_code == 200, url
