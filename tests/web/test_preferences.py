"""Reading preferences: a page in every header, saved for visitors (cookie) and accounts."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import User
from app.extensions import db
from app.preferences.prefs import COOKIE_NAME, Preferences

ALL = {
    "text_size": "muy-grande",
    "high_contrast": "y",
    "spacing": "y",
    "easy_font": "y",
    "reduce_motion": "y",
    "reading": "facil",
}


def html_classes(response) -> set[str]:
    match = re.search(r'<html lang="[^"]+"(?: class="([^"]*)")?>', response.get_data(as_text=True))
    assert match, "no <html> element"
    return set((match.group(1) or "").split())


@pytest.mark.parametrize("url", ["/", "/cursos/", "/cursos/curso-prueba/", "/accesibilidad"])
def test_every_page_header_links_to_preferences_and_footer_to_statement(client, url):
    html = client.get(url).get_data(as_text=True)
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    assert re.search(r'<a href="/preferencias[^"]*"[^>]*>Preferencias de lectura</a>', header)
    assert '<a href="/accesibilidad"' in footer and "Declaración de accesibilidad" in footer


def test_page_has_a_fieldset_for_each_group_and_labels(client):
    html = client.get("/preferencias").get_data(as_text=True)
    assert html.count("<h1>") == 1
    assert "<legend>Tamaño del texto</legend>" in html
    assert "<legend>Versión de las lecciones</legend>" in html
    for control in ("text_size-0", "text_size-1", "text_size-2", "high_contrast", "spacing"):
        assert f'for="{control}"' in html
    assert 'for="easy_font"' in html and 'for="reduce_motion"' in html


def test_visitor_preferences_go_in_a_cookie_and_become_html_classes(client):
    assert html_classes(client.get("/")) == set()
    response = client.post("/preferencias", data={**ALL, "next": "/cursos/"})
    assert response.status_code == 302 and response.headers["Location"] == "/cursos/"
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None and cookie.http_only
    assert Preferences.from_cookie(cookie.value) == Preferences.from_dict(
        {
            "text_size": "muy-grande",
            "high_contrast": True,
            "spacing": True,
            "easy_font": True,
            "reduce_motion": True,
            "reading": "facil",
        }
    )
    assert html_classes(client.get("/cursos/")) == {
        "pref-text-larger",
        "pref-contrast",
        "pref-spacing",
        "pref-font",
        "pref-motion",
    }


@pytest.mark.parametrize(
    ("size", "css"),
    [("normal", set()), ("grande", {"pref-text-large"}), ("muy-grande", {"pref-text-larger"})],
)
def test_three_text_sizes(client, size, css):
    client.post("/preferencias", data={"text_size": size, "reading": "completo"})
    assert html_classes(client.get("/")) == css


def test_reset_goes_back_to_defaults(client):
    client.post("/preferencias", data=ALL)
    client.post("/preferencias", data={**ALL, "reset": "1"})
    assert html_classes(client.get("/")) == set()


def test_offsite_next_is_ignored(client):
    response = client.post("/preferencias", data={**ALL, "next": "https://malo.example/"})
    assert response.headers["Location"] == "/preferencias"


def test_tampered_cookie_adds_no_unknown_class(client):
    client.set_cookie(COOKIE_NAME, 'x" onload="alert(1).contraste.gigante')
    html = client.get("/").get_data(as_text=True)
    assert 'class="pref-contrast"' in html and "onload" not in html.split("<head>")[0]


def test_logged_in_preferences_are_saved_to_the_account(client, make_user, login_as, ctx):
    user = make_user()
    login_as(client, user)
    client.post("/preferencias", data={"text_size": "grande", "spacing": "y", "reading": "facil"})
    stored = db.session.get(User, user.id).preferences
    assert stored == {
        "text_size": "grande",
        "high_contrast": False,
        "spacing": True,
        "easy_font": False,
        "reduce_motion": False,
        "reading": "facil",
    }
    assert client.get_cookie(COOKIE_NAME) is None  # kept on the account, not the browser
    assert html_classes(client.get("/")) == {"pref-text-large", "pref-spacing"}


def test_account_preferences_win_after_login(client, make_user, login_as, ctx):
    user = make_user()
    stored = db.session.get(User, user.id)
    stored.preferences = Preferences(high_contrast=True).to_dict()
    db.session.commit()
    client.post("/preferencias", data={"text_size": "muy-grande", "reading": "completo"})
    assert html_classes(client.get("/")) == {"pref-text-larger"}
    login_as(client, user)
    assert html_classes(client.get("/")) == {"pref-contrast"}
    page = client.get("/preferencias").get_data(as_text=True)
    assert "Guardar en mi cuenta las preferencias de este navegador" in page
    client.post("/preferencias/guardar-en-cuenta")
    db.session.expire_all()
    assert db.session.get(User, user.id).preferences["text_size"] == "muy-grande"
    assert html_classes(client.get("/")) == {"pref-text-larger"}
    page = client.get("/preferencias").get_data(as_text=True)
    assert "Guardar en mi cuenta las preferencias de este navegador" not in page


def test_account_without_preferences_keeps_the_browser_ones(client, make_user, login_as):
    user = make_user()
    client.post("/preferencias", data={"high_contrast": "y", "reading": "completo"})
    login_as(client, user)
    assert html_classes(client.get("/")) == {"pref-contrast"}


def test_saving_preferences_needs_no_login_but_importing_does(client):
    response = client.post("/preferencias/guardar-en-cuenta")
    assert response.status_code == 302 and "/ingresar" in response.headers["Location"]


def test_form_shows_the_saved_choices(client):
    client.post("/preferencias", data={"text_size": "grande", "spacing": "y", "reading": "facil"})
    html = client.get("/preferencias").get_data(as_text=True)
    assert re.search(r'id="text_size-1"[^>]*checked|checked[^>]*id="text_size-1"', html)
    assert re.search(r'id="spacing"[^>]*checked|checked[^>]*id="spacing"', html)
    assert re.search(r'id="reading-1"[^>]*checked|checked[^>]*id="reading-1"', html)


def test_statement_says_standard_tests_limits_contact_and_date(client, app):
    html = client.get("/accesibilidad").get_data(as_text=True)
    assert "<h1>Declaración de accesibilidad</h1>" in html
    assert "WCAG) 2.2, nivel AA" in html
    for method in ("axe-core", "Nu HTML Checker", "Lighthouse", "teclado"):
        assert method in html
    assert "sintética" in html  # known limits
    assert f'href="mailto:{app.config["CONTACT_EMAIL"]}"' in html
    assert "habla con tu facilitador o facilitadora" in html
    assert "2026" in html
