"""A participant's lesson page from a shared shell is exactly the page a full render gives."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import User
from app.extensions import db
from app.preferences.prefs import Preferences
from app.web.page_shell import EXTENSION_KEY

COURSE = "/cursos/curso-prueba"
LESSON_1 = f"{COURSE}/01-que-es-una-cooperativa"
LESSON_2 = f"{COURSE}/02-trabajo-en-equipo"
QUIZ_LESSON = f"{COURSE}/03-prueba-final"
URLS = [LESSON_1, f"{LESSON_1}?version=facil", LESSON_2, QUIZ_LESSON]

_CSRF = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+"')


def without_tokens(html: str) -> str:
    """CSRF tokens are signed with a timestamp: equal pages may differ in them by a second."""
    return _CSRF.sub(r'\1TOKEN"', html)


@pytest.fixture
def shell_app(make_app):
    return make_app(PAGE_CACHE_SECONDS=60)


def shells(application):
    return application.extensions[EXTENSION_KEY]


def people(make_user, ctx):
    """Participants in every state a lesson page shows, and a trainer."""
    users = {
        "new": make_user(full_name="Ana Nueva"),
        "enrolled": make_user(full_name='Berta <b>Inscrita</b> & "Cía" O\'Hara'),
        "done": make_user(full_name="Carla Avanzada"),
        "easy": make_user(full_name="Dora Fácil"),
        "english": make_user(full_name="Eva English"),
        "trainer": make_user(role="trainer", full_name="Fernanda Facilitadora"),
    }
    for name in ("easy", "english"):
        user = db.session.get(User, users[name].id)
        if name == "easy":
            user.preferences = Preferences.from_dict(
                {"reading": "facil", "text_size": "grande"}
            ).to_dict()
        else:
            user.locale = "en"
    db.session.commit()
    return users


def enrol(client, done: bool = False):
    client.post(f"{COURSE}/inscripcion")
    if done:
        client.post(f"{LESSON_1}/completar")


@pytest.fixture
def logged_in(login_as):
    """logged_in(application, user, state): a client of APPLICATION logged in as USER."""

    def open_client(application, user, state: str):
        client = application.test_client()
        login_as(client, user)
        client.get("/")  # the login flash is shown (and gone) before the lesson pages
        return client

    return open_client


def test_shell_pages_equal_full_renders_for_every_user_and_state(
    app, shell_app, make_user, ctx, logged_in
):
    users = people(make_user, ctx)
    setup = {"enrolled": False, "done": True, "easy": True, "english": True, "trainer": True}
    for name, done in setup.items():
        enrol(logged_in(app, users[name], name), done=done)
    # Shells are made by the first user who opens each page and reused for the others.
    for name in ("done", "new", "enrolled", "easy", "english", "trainer"):
        full = logged_in(app, users[name], name)
        shelled = logged_in(shell_app, users[name], name)
        for url in URLS:
            expected = full.get(url)
            got = shelled.get(url)
            assert got.status_code == expected.status_code == 200
            assert without_tokens(got.get_data(as_text=True)) == without_tokens(
                expected.get_data(as_text=True)
            ), f"{name} {url}"
    # "new" and "enrolled" reuse the 4 shells "done" made (the others differ in language,
    # preferences or role, so they have their own).
    assert shells(shell_app).hits == 8


def test_personal_values_never_stay_in_a_shell(shell_app, make_user, ctx, logged_in):
    first, second = make_user(full_name="Primera Persona"), make_user(full_name="Segunda Persona")
    one = logged_in(shell_app, first, "")
    enrol(one, done=True)
    html_one = one.get(LESSON_1).get_data(as_text=True)
    two = logged_in(shell_app, second, "")
    html_two = two.get(LESSON_1).get_data(as_text=True)
    assert "Primera Persona" in html_one and "Primera Persona" not in html_two
    assert "Segunda Persona" in html_two
    assert "Ya completaste esta lección." in html_one and "Ya completaste" not in html_two
    assert "Inscribirme en el curso" in html_two
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    assert set(token.findall(html_one)).isdisjoint(token.findall(html_two))
    for stored in shells(shell_app)._entries.values():
        shell = stored[2]
        assert "Persona" not in shell and "\x00aula-slot:csrf\x00" in shell


def test_a_page_with_a_flash_message_is_rendered_in_full(shell_app, make_user, ctx, logged_in):
    client = logged_in(shell_app, make_user(), "")
    client.get(LESSON_1)
    before = shells(shell_app).hits, shells(shell_app).misses
    enrol(client)  # sets "Te inscribiste ..." for the next page
    html = client.get(LESSON_1).get_data(as_text=True)
    assert "Te inscribiste en «Curso de prueba»." in html
    assert (shells(shell_app).hits, shells(shell_app).misses) == before


def test_a_course_edit_makes_a_new_shell(shell_app, make_user, ctx, logged_in):
    client = logged_in(shell_app, make_user(), "")
    client.get(LESSON_1)
    store = shell_app.extensions["aula_courses"]["store"]
    misses = shells(shell_app).misses
    store.generation += 1  # what a refresh that found a changed course does
    client.get(LESSON_1)
    assert shells(shell_app).misses == misses + 1
