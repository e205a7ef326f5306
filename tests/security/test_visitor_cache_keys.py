"""The visitor page cache cannot be poisoned nor grown by crafted requests (issue 13, finding 6)."""

from __future__ import annotations

import pytest

from app.preferences.prefs import COOKIE_NAME

LESSON = "/cursos/curso-prueba/01-que-es-una-cooperativa"


@pytest.fixture
def cached_app(make_app):
    return make_app(PAGE_CACHE_SECONDS=60)


def entries(application) -> int:
    return len(application.extensions["visitor_cache"].pages)


def test_a_long_accept_language_cannot_give_spanish_visitors_the_english_page(cached_app):
    """Issue 13 finding 6: a header cut at 200 chars for the key but parsed whole by the app."""
    poison = "es-ES;q=0.1," * 20 + "en;q=0.9"  # past 200 characters, English wins when parsed whole
    assert len(poison) > 200
    cached_app.test_client().get(LESSON, headers={"Accept-Language": poison})
    spanish = cached_app.test_client().get(LESSON, headers={"Accept-Language": "es-CL,es"})
    html = spanish.get_data(as_text=True)
    assert '<html lang="es-CL"' in html
    assert "Ver en lectura fácil" in html


def test_unknown_version_values_make_no_new_entries(cached_app):
    """Issue 13 finding 6: `?version=x{i}` must not grow the cache."""
    client = cached_app.test_client()
    client.get(LESSON)
    before = entries(cached_app)
    for i in range(30):
        assert client.get(f"{LESSON}?version=x{i}").status_code == 200
    assert entries(cached_app) == before
    client.get(f"{LESSON}?version=facil")
    assert entries(cached_app) == before + 1


def test_tampered_preference_cookies_share_one_entry(cached_app):
    """Issue 13 finding 6: the reading-preference cookie is keyed by what it means."""
    cached_app.test_client().get(LESSON)
    before = entries(cached_app)
    for i in range(30):
        client = cached_app.test_client()
        client.set_cookie(COOKIE_NAME, f"normal.basura{i}")
        assert client.get(LESSON).status_code == 200
    assert entries(cached_app) == before
    grande = cached_app.test_client()
    grande.set_cookie(COOKIE_NAME, "grande.basura")
    html = grande.get(LESSON).get_data(as_text=True)
    assert "pref-text-large" in html
    assert entries(cached_app) == before + 1
