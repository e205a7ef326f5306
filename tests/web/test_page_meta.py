"""Every page names itself to search engines and browsers: one description, one icon (issue 14)."""

from __future__ import annotations

import re

import pytest

COURSE = "curso-prueba"
LESSON = f"/cursos/{COURSE}/01-que-es-una-cooperativa"
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


def _descriptions(html: str) -> list[str]:
    return DESCRIPTION.findall(html)


@pytest.mark.parametrize("url", ["/", "/cursos/", f"/cursos/{COURSE}/", LESSON, "/ingresar"])
def test_every_page_has_one_non_empty_description_and_the_icon(client, url):
    html = client.get(url).get_data(as_text=True)
    descriptions = _descriptions(html)
    assert len(descriptions) == 1
    assert len(descriptions[0].strip()) > 30
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg\?v=[0-9a-f]+"', html)


def test_course_and_lesson_pages_describe_themselves(client, app):
    course = app.extensions["aula_courses"]["store"].get(COURSE)
    course_html = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    lesson_html = client.get(LESSON).get_data(as_text=True)
    home = _descriptions(client.get("/").get_data(as_text=True))[0]
    assert _descriptions(course_html)[0].startswith(course.summary[:40].replace('"', "&#34;"))
    lesson_description = _descriptions(lesson_html)[0]
    assert lesson_description != home
    assert "Lección 1" in lesson_description and course.title in lesson_description


def test_favicon_ico_leads_to_the_icon(client):
    """Browsers ask for /favicon.ico on every site: it must not be a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
