"""A trainer or coordinator never reaches another municipality's people, groups or records."""

from __future__ import annotations

import io

import pytest

from app.learning.models import Enrollment
from app.orgs.models import Membership
from tests.helpers import count

# (role prefix, method, url template using B's ids). A route of the user's own role answers
# 404 for another municipality's object (as if it did not exist); a route of another role
# answers 403 whatever the object.
ROUTES = [
    ("trainer", "GET", "/formacion/grupos/{group-b}"),
    ("trainer", "GET", "/formacion/grupos/{group-b}/cursos/curso-prueba"),
    ("trainer", "GET", "/formacion/participantes/{part-b}"),
    ("trainer", "POST", "/formacion/participantes/{part-b}/contrasena"),
    ("trainer", "POST", "/formacion/grupos/{group-b}/participantes"),
    ("trainer", "POST", "/formacion/grupos/{group-b}/miembros"),
    ("trainer", "POST", "/formacion/grupos/{group-b}/miembros/{part-b}/quitar"),
    ("trainer", "POST", "/formacion/grupos/{group-a}/miembros/{part-b}/quitar"),
    ("trainer", "POST", "/formacion/grupos/{group-b}/inscribir"),
    ("coord", "GET", "/coordinacion/participantes/{part-b}"),
    ("coord", "GET", "/coordinacion/registros?grupo={group-b}"),
    ("coord", "GET", "/coordinacion/registros.csv?grupo={group-b}"),
    ("coord", "GET", "/coordinacion/registros.xlsx?grupo={group-b}"),
    ("coord", "GET", "/formacion/grupos/{group-b}"),
    ("coord", "GET", "/admin/usuarios/{part-b}"),
    ("trainer", "GET", "/coordinacion/registros"),
    ("trainer", "GET", "/admin/grupos/{group-b}"),
]
OTHER_ROLES_ROUTE = {
    ("coord", "/formacion/"),
    ("coord", "/admin/"),
    ("trainer", "/coordinacion/"),
    ("trainer", "/admin/"),
}


def _expected(who: str, url: str) -> int:
    return 403 if any(who == w and url.startswith(p) for w, p in OTHER_ROLES_ROUTE) else 404


def _fill(url: str, ids: dict) -> str:
    for key, value in ids.items():
        url = url.replace("{" + key + "}", str(value))
    return url


@pytest.mark.parametrize(("who", "method", "url"), ROUTES, ids=[f"{m} {u}" for _w, m, u in ROUTES])
def test_other_municipality_is_not_reachable(world, client, ctx, who, method, url, login_as):
    login_as(client, world.users[f"{who}-a"])
    memberships, enrollments = count(Membership), count(Enrollment)
    target = _fill(url, world.ids)
    data = {"nuevo-full_name": "X", "sumar-username": "part-b", "enrol-course": "curso-prueba"}
    response = client.get(target) if method == "GET" else client.post(target, data=data)
    assert response.status_code == _expected(who, url), response.status_code
    body = response.get_data(as_text=True)
    assert "Participante B" not in body and "Grupo B" not in body
    assert (count(Membership), count(Enrollment)) == (memberships, enrollments)


# Pages that list data: the other municipality's names never appear, whatever the parameters.
LISTINGS = [
    ("trainer", "/formacion/"),
    ("trainer", "/formacion/grupos/{group-a}"),
    ("trainer", "/formacion/grupos/{group-a}/cursos/curso-prueba"),
    ("trainer", "/formacion/importar"),
    ("coord", "/coordinacion/"),
    ("coord", "/coordinacion/registros"),
    ("coord", "/coordinacion/registros?estado=in_progress&curso=curso-prueba"),
    ("coord", "/coordinacion/registros.csv"),
    ("coord", "/coordinacion/registros.xlsx"),
    ("coord", "/coordinacion/registros.csv?estado=enrolled"),
]


@pytest.mark.parametrize(("who", "url"), LISTINGS)
def test_listings_hold_only_own_municipality(world, client, who, url, login_as):
    login_as(client, world.users[f"{who}-a"])
    response = client.get(_fill(url, world.ids))
    assert response.status_code == 200
    raw = response.get_data()
    if url.endswith(".xlsx") or ".xlsx?" in url:
        import io

        from openpyxl import load_workbook

        rows = list(
            load_workbook(io.BytesIO(raw), read_only=True).active.iter_rows(values_only=True)
        )
        text = repr(rows)
    else:
        text = raw.decode("utf-8-sig")
    assert "Participante B" not in text and "Grupo B" not in text and "Quillota" not in text


def test_importing_into_another_municipalitys_group_is_an_error(world, client, ctx, login_as):
    login_as(client, world.users["trainer-a"])
    r = client.post(
        "/formacion/importar",
        data={"file": (io.BytesIO(b"nombre;grupo\nAlguien;Grupo B\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    html = r.get_data(as_text=True)
    assert "no es uno de tus grupos" in html.replace("&#34;", '"')
    assert "Confirmar e importar" not in html


def test_the_participant_id_of_b_returns_404_for_coordinator_a_even_if_record_exists(
    world, client, login_as
):
    login_as(client, world.users["coord-a"])
    assert client.get(f"/coordinacion/participantes/{world.ids['part-a']}").status_code == 200
    assert client.get(f"/coordinacion/participantes/{world.ids['part-b']}").status_code == 404
