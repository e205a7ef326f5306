"""Easy read: a switch on each lesson that has it, remembered as a preference."""

from __future__ import annotations

import re

from app.accounts.models import User
from app.extensions import db

LESSON = "/cursos/curso-prueba/01-que-es-una-cooperativa"


def text(response) -> str:
    return response.get_data(as_text=True)


def main(response) -> str:
    return re.search(r"<main\b.*?</main>", text(response), re.S).group(0)


def test_full_text_by_default_with_a_switch(client, make_user, login_as):
    html = main(client.get(LESSON))
    assert "Una cooperativa es una empresa de personas" in html
    # A visitor gets a link (no form: the page can be cached for every visitor) ...
    assert (
        f'<a class="button button-secondary" href="/preferencias/version/facil?next={LESSON}">'
        in html
    )
    assert "aria-pressed" not in html
    # ... an account a button that also saves the choice.
    login_as(client, make_user())
    assert re.search(
        r'<button type="submit" name="reading" value="facil"[^>]*>Ver en lectura fácil</button>',
        main(client.get(LESSON)),
    )


def test_query_shows_easy_read_and_keeps_the_quiz_card(client):
    html = main(client.get(LESSON + "?version=facil"))
    assert "Una cooperativa es un grupo de personas." in html
    assert "Una cooperativa es una empresa de personas" not in html
    assert "Versión en lectura fácil" in html
    assert f'href="/preferencias/version/completo?next={LESSON}">Ver el texto completo</a>' in html
    assert html.count('class="quiz-card"') == 1 and "/pruebas/repaso-cooperativas" in html


def test_lesson_without_easy_read_has_no_switch(client):
    html = main(client.get("/cursos/curso-prueba/03-prueba-final?version=facil"))
    assert "Ver en lectura fácil" not in html and "Ver el texto completo" not in html


def test_switch_is_remembered_for_a_visitor(client):
    response = client.post("/preferencias/version", data={"reading": "facil", "next": LESSON})
    assert response.status_code == 302 and response.headers["Location"] == LESSON
    assert "Una cooperativa es un grupo de personas." in main(client.get(LESSON))
    # and on the next lesson that has an easy-read version
    assert "En un equipo las personas se ayudan." in main(
        client.get("/cursos/curso-prueba/02-trabajo-en-equipo")
    )
    client.post("/preferencias/version", data={"reading": "completo", "next": LESSON})
    assert "Una cooperativa es una empresa de personas" in main(client.get(LESSON))


def test_switch_is_remembered_on_the_account(client, make_user, login_as, ctx):
    user = make_user()
    login_as(client, user)
    client.post("/preferencias/version", data={"reading": "facil", "next": LESSON})
    assert db.session.get(User, user.id).preferences["reading"] == "facil"
    other = client.application.test_client()
    login_as(other, user)
    assert "Una cooperativa es un grupo de personas." in main(other.get(LESSON))


def test_bad_version_changes_nothing(client):
    response = client.post("/preferencias/version", data={"reading": "otra", "next": LESSON})
    assert response.status_code == 302
    assert "Una cooperativa es una empresa de personas" in main(client.get(LESSON))


def test_course_page_says_which_lessons_have_easy_read(client):
    html = main(client.get("/cursos/curso-prueba/"))
    items = re.findall(r'<li class="outline-item.*?</li>', html, re.S)
    assert ["con lectura fácil" in item for item in items] == [True, True, False]
