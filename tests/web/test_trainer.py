"""Trainer workspace: access, progress, participant detail, course preview with lint."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("role", ["participant", "coordinator"])
@pytest.mark.parametrize(
    "url",
    ["/formacion/", "/formacion/cursos", "/formacion/importar", "/formacion/cursos/curso-prueba/"],
)
def test_trainer_pages_are_for_trainers_and_admins(client, make_user, role, url, login_as):
    login_as(client, make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["participant", "trainer"])
@pytest.mark.parametrize(
    "url", ["/coordinacion/", "/coordinacion/registros", "/coordinacion/registros.csv"]
)
def test_coordinator_pages_refuse_other_roles(client, make_user, role, url, login_as):
    login_as(client, make_user(role))
    assert client.get(url).status_code == 403


def test_index_lists_only_own_groups(world, client, login_as):
    login_as(client, world.users["trainer-a"])
    html = client.get("/formacion/").get_data(as_text=True)
    assert "Grupo A" in html and "Grupo B" not in html


def test_group_progress_shows_lessons_quizzes_completion_certificates(world, client, login_as):
    login_as(client, world.users["trainer-a"])
    html = client.get(f"/formacion/grupos/{world.ids['group-a']}/cursos/curso-prueba").get_data(
        as_text=True
    )
    assert "Participante A" in html
    assert "1 de 3" in html
    assert "sin intentos" in html
    assert "<caption>" in html and 'scope="row"' in html


def test_participant_detail(world, client, login_as):
    login_as(client, world.users["trainer-a"])
    html = client.get(f"/formacion/participantes/{world.ids['part-a']}").get_data(as_text=True)
    assert "Participante A" in html and "Grupo A" in html and "1 de 3" in html


def test_course_preview_shows_lint_messages(app, client, tmp_path, make_app, make_user, login_as):
    import shutil
    from pathlib import Path

    root = Path(__file__).parent.parent / "fixtures" / "courses-broken"
    courses = tmp_path / "courses"
    shutil.copytree(root, courses)
    preview_app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    trainer = make_user("trainer")
    c = preview_app.test_client()
    login_as(c, trainer)
    listing = c.get("/formacion/cursos").get_data(as_text=True)
    slugs = [
        s for s in ("curso-roto", "curso-sano") if f"/formacion/taller/{s}/vista-previa/" in listing
    ]
    assert slugs
    for slug in slugs:
        html = c.get(f"/formacion/taller/{slug}/vista-previa/").get_data(as_text=True)
        assert "Revisión automática" in html
        if slug == "curso-roto":
            assert "curso-roto/" in html and ("Error" in html or "Aviso" in html)


def test_lesson_preview_renders_the_lesson_and_quiz(app, client, make_user, login_as):
    login_as(client, make_user("trainer"))
    html = client.get("/formacion/taller/curso-prueba/vista-previa/01-que-es-una-cooperativa")
    html = html.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Revisión automática" in html
    assert "Probar la prueba" in html  # the lesson's quiz can be tried, nothing recorded
    assert client.get("/formacion/taller/curso-prueba/vista-previa/no-existe").status_code == 404
    assert client.get("/formacion/taller/no-existe/vista-previa/").status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/formacion/cursos/curso-prueba/", "/formacion/taller/curso-prueba/vista-previa/"),
        (
            "/formacion/cursos/curso-prueba/01-que-es-una-cooperativa",
            "/formacion/taller/curso-prueba/vista-previa/01-que-es-una-cooperativa",
        ),
    ],
)
def test_the_old_preview_addresses_lead_to_the_one_preview_for_good(
    client, make_user, login_as, old, new
):
    login_as(client, make_user("trainer"))
    response = client.get(old)
    assert response.status_code == 301 and response.headers["Location"] == new
    followed = client.get(old, follow_redirects=True)
    assert followed.status_code == 200 and followed.request.path == new
    # A course or lesson that does not exist is still not found after the redirect.
    assert (
        client.get(old.replace("curso-prueba", "no-existe"), follow_redirects=True).status_code
        == 404
    )
