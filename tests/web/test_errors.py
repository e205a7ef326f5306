"""Error pages: Spanish, accessible, an error id for 500s, and nothing half-saved."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.web.access import public


def test_database_error_rolls_back_and_shows_an_error_id(make_app, ctx, caplog):
    broken = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @broken.route("/_falla")
    @public
    def failing():
        db.session.add(User(username="a-medias", full_name="No debe quedar", password_hash="x"))
        db.session.flush()
        raise RuntimeError("falla provocada")

    response = broken.test_client().get("/_falla")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ocurrió un error en el servidor" in html
    assert "Código del error" in html
    assert "Traceback" not in html and "RuntimeError" not in html
    error_id = html.split('class="code">')[1].split("<")[0]
    assert len(error_id) == 12
    assert any(error_id in record.getMessage() for record in caplog.records)
    assert db.session.scalar(select(User).where(User.username == "a-medias")) is None


def test_404_page_is_in_the_users_language(client):
    spanish = client.get("/nada-por-aqui")
    assert spanish.status_code == 404
    assert '<html lang="es-CL">' in spanish.get_data(as_text=True)
    english = client.get("/nada-por-aqui", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_405_page(client):
    response = client.get("/salir")
    assert response.status_code == 405
    assert "Esta acción no está permitida aquí" in response.get_data(as_text=True)
