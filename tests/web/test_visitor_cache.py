"""Visitor page cache: what it stores, what it never stores, and what makes it render again."""

from __future__ import annotations

import re
import shutil

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from app.preferences.prefs import COOKIE_NAME, Preferences
from app.web.visitor_cache import MARK_HEADER
from tests.helpers import FIXTURE_COURSES

LESSON = "/cursos/curso-prueba/01-que-es-una-cooperativa"
CACHEABLE = [
    "/",
    "/cursos/",
    "/cursos/curso-prueba/",
    LESSON,
    f"{LESSON}?version=facil",
    "/cursos/curso-prueba/completo",
    "/accesibilidad",
]


@pytest.fixture
def cached_app(make_app):
    return make_app(PAGE_CACHE_SECONDS=60)


def stats(application):
    pages = application.extensions["visitor_cache"].pages
    return pages.hits, pages.misses


@pytest.mark.parametrize("url", CACHEABLE)
def test_a_visitor_page_is_sent_again_from_memory_with_its_headers(cached_app, url):
    first = cached_app.test_client().get(url)
    hits_before, _ = stats(cached_app)
    second = cached_app.test_client().get(url)
    assert stats(cached_app)[0] == hits_before + 1
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    for response in (first, second):
        assert "Set-Cookie" not in response.headers  # nothing per visitor, no session
        assert MARK_HEADER not in response.headers  # the internal mark never leaves
        assert "csrf_token" not in response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_logged_in_page_is_never_stored_nor_served_from_the_cache(
    cached_app, make_user, login_as
):
    user = make_user(full_name="Rosa Cachegui")
    cached_app.test_client().get(LESSON)  # a visitor's copy is now in memory
    client = cached_app.test_client()
    login_as(client, user)
    hits, _ = stats(cached_app)
    html = client.get(LESSON).get_data(as_text=True)
    assert "Rosa Cachegui" in html and "csrf_token" in html
    assert stats(cached_app)[0] == hits
    response = client.get(LESSON)
    assert MARK_HEADER not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    # And no visitor ever gets what the logged-in user saw.
    assert "Rosa Cachegui" not in cached_app.test_client().get(LESSON).get_data(as_text=True)


def test_language_and_reading_preferences_are_part_of_the_key(cached_app):
    spanish = cached_app.test_client().get(LESSON).get_data(as_text=True)
    by_header = cached_app.test_client().get(LESSON, headers={"Accept-Language": "en-GB,en"})
    english_client = cached_app.test_client()
    english_client.set_cookie("lang", "en")
    by_cookie = english_client.get(LESSON).get_data(as_text=True)
    assert '<html lang="es-CL"' in spanish and "Ver en lectura fácil" in spanish
    for english in (by_header.get_data(as_text=True), by_cookie):
        assert '<html lang="en"' in english and "See in easy read" in english
    big = cached_app.test_client()
    big.set_cookie(COOKIE_NAME, Preferences.from_dict({"text_size": "grande"}).to_cookie())
    assert 'class="pref-text-large"' in big.get(LESSON).get_data(as_text=True)
    assert 'class="pref-text-large"' not in cached_app.test_client().get(LESSON).get_data(
        as_text=True
    )


def test_other_queries_errors_and_uncached_views_go_to_the_app(cached_app):
    client = cached_app.test_client()
    before = stats(cached_app)
    for _ in range(2):
        assert client.get(f"{LESSON}?page=2").status_code == 200  # unknown argument: bypass
    assert stats(cached_app) == before
    for _ in range(2):
        assert client.get("/cursos/no-existe/").status_code == 404
    assert stats(cached_app)[0] == before[0]  # misses, never a hit
    # /verificar is rate limited: every request must reach the app.
    for _ in range(2):
        client.get("/verificar")
    assert stats(cached_app)[0] == before[0]


def test_a_changed_course_is_rendered_again(make_app, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, courses)
    application = make_app(
        PAGE_CACHE_SECONDS=60,
        COURSES_DIR=str(courses),
        COURSE_CACHE_DIR=str(tmp_path / "cache"),
    )
    client = application.test_client()
    assert "Título cambiado" not in client.get(LESSON).get_data(as_text=True)
    lesson_file = courses / "curso-prueba" / "01-que-es-una-cooperativa.md"
    text = lesson_file.read_text(encoding="utf-8")
    lesson_file.write_text(
        re.sub(r"^titulo: .*$", "titulo: Título cambiado", text, count=1, flags=re.M),
        encoding="utf-8",
    )
    application.extensions["aula_courses"]["store"].refresh()  # as COURSE_RELOAD_SECONDS does
    assert "Título cambiado" in client.get(LESSON).get_data(as_text=True)


def test_entries_expire_and_the_cache_is_bounded(make_app):
    application = make_app(PAGE_CACHE_SECONDS=60, PAGE_CACHE_ENTRIES=2)
    pages = application.extensions["visitor_cache"].pages
    now = [1000.0]
    pages.clock = lambda: now[0]
    client = application.test_client()
    client.get("/")
    now[0] += 59
    hits, misses = stats(application)
    client.get("/")
    assert stats(application) == (hits + 1, misses)  # still fresh
    now[0] += 2
    hits, misses = stats(application)
    client.get("/")
    assert stats(application) == (hits, misses + 1)  # expired: rendered again
    for url in CACHEABLE:
        client.get(url)
    assert len(application.extensions["visitor_cache"].pages) == 2


def test_the_cache_is_off_when_its_setting_is_zero(app):
    assert "visitor_cache" not in app.extensions


def test_visitor_reading_switch_is_a_link_that_remembers_the_choice(client):
    html = client.get(LESSON).get_data(as_text=True)
    switch = re.search(r'class="reading-switch".*?</p>', html, re.S).group(0)
    assert "<form" not in switch
    link = f"/preferencias/version/facil?next={LESSON}"
    assert f'href="{link}"' in switch
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == LESSON
    assert Preferences.from_cookie(client.get_cookie(COOKIE_NAME).value).reading == "facil"
    html = client.get(LESSON).get_data(as_text=True)
    assert "Una cooperativa es un grupo de personas." in html  # the easy-read text
    assert f'href="/preferencias/version/completo?next={LESSON}"' in html
    # and on the next lesson, with no argument in the address
    assert "En un equipo las personas se ayudan." in client.get(
        "/cursos/curso-prueba/02-trabajo-en-equipo"
    ).get_data(as_text=True)
    assert client.get("/preferencias/version/otra").status_code == 404
    assert (
        client.get("/preferencias/version/facil?next=//malo.example").headers["Location"]
        == "/preferencias"
    )


def test_a_version_in_the_address_is_kept_by_the_pager(client):
    html = client.get(f"{LESSON}?version=facil").get_data(as_text=True)
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert re.search(r'rel="next"', pager)
    assert all(
        "version=facil" in href
        for href in re.findall(r'href="(/cursos/curso-prueba/[^"]+)"', pager)
        if not href.endswith("/#lecciones")
    )
    assert "version=" not in client.get(LESSON).get_data(as_text=True).split('class="pager"')[1]


def test_visitor_language_link_sets_a_cookie_and_returns_to_the_page(client):
    html = client.get("/cursos/").get_data(as_text=True)
    assert 'href="/idioma/en?next=/cursos/"' in html and "<form" not in html.split("<footer")[1]
    response = client.get("/idioma/en?next=/cursos/")
    assert response.status_code == 302 and response.headers["Location"] == "/cursos/"
    assert client.get_cookie("lang").value == "en"
    assert '<html lang="en"' in client.get("/cursos/").get_data(as_text=True)
    assert client.get("/idioma/en?next=https://malo.example/").headers["Location"] == "/"
    assert client.get("/idioma/xx").status_code == 404


def test_a_session_cookie_after_a_malformed_one_still_bypasses_the_cache(cached_app):
    cached_app.test_client().get(LESSON)  # a visitor's copy is in memory
    before = stats(cached_app)
    # Sent straight to the WSGI app: the test client would replace the Cookie header.
    environ = EnvironBuilder(
        path=LESSON, headers={"Cookie": 'roto="a\\"b; c; session=cualquiera'}
    ).get_environ()
    _body, status, _headers = run_wsgi_app(cached_app.wsgi_app, environ, buffered=True)
    assert status.startswith("200")
    assert stats(cached_app) == before  # never served from (nor counted by) the cache
