"""The whole course on one page (print, PDF, offline) and the print stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "app" / "static" / "css" / "app.css").read_text()
FULL = "/cursos/curso-prueba/completo"


def main(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r"<main\b.*?</main>", response.get_data(as_text=True), re.S).group(0)


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


@pytest.mark.parametrize("url", [FULL, FULL + "?version=facil"])
def test_every_lesson_in_order_under_one_h1_without_skipping_levels(client, url):
    html = main(client, url)
    levels = headings(html)
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    titles = re.findall(
        r'<section class="full-lesson" aria-labelledby="([^"]+)">\s*<h2 id="\1">([^<]+)</h2>', html
    )
    assert [t for _, t in titles] == [
        "¿Qué es una cooperativa?",
        "Trabajo en equipo",
        "Prueba final",
    ]


def test_ids_are_unique_and_local_links_point_inside_the_page(client):
    html = main(client, FULL)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target
    # a link to another lesson of the course goes to that lesson on this page
    assert 'href="#02-trabajo-en-equipo-c-por-que-en-equipo"' in html


def test_quizzes_are_a_note_not_a_form(client):
    html = main(client, FULL)
    assert "<form" not in html and "<fieldset" not in html
    assert html.count('class="quiz-note"') == 2
    assert "Responde la prueba en línea" in html
    assert "http://localhost/cursos/curso-prueba/pruebas/repaso-cooperativas" in html


def test_easy_read_variant(client):
    html = main(client, FULL + "?version=facil")
    assert "Una cooperativa es un grupo de personas." in html
    assert "Una cooperativa es una empresa de personas" not in html
    assert "Sin versión en lectura fácil" in html  # the quiz file keeps its full text
    assert html.count('class="quiz-note"') == 2  # the easy read keeps the lesson's quiz


def test_transcripts_are_open_for_printing(client):
    html = main(client, FULL)
    assert "<details open" in html and not re.search(r"<details(?! open)", html)


def test_reachable_from_course_and_lessons_and_public(client):
    assert f'href="{FULL}"' in main(client, "/cursos/curso-prueba/")
    assert f'href="{FULL}?version=facil"' in main(client, "/cursos/curso-prueba/")
    assert f'href="{FULL}"' in client.get(
        "/cursos/curso-prueba/01-que-es-una-cooperativa"
    ).get_data(as_text=True)
    assert client.get("/cursos/no-existe/completo").status_code == 404


def test_print_stylesheet_rules():
    blocks = re.findall(r"@media print\s*\{(.*?)\n\}", CSS, re.S)
    printed = "\n".join(blocks)
    assert re.search(r"nav, form, button, \.button[^{]*\{ display: none !important; \}", printed)
    assert 'a[href^="http"]::after { content: " (" attr(href) ")"' in printed
    assert re.search(r"\.callout[^{]*table[^{]*\{ break-inside: avoid", printed)


def test_preference_and_forced_colour_rules_exist():
    for rule in (
        "html.pref-text-large",
        "html.pref-text-larger",
        "html.pref-contrast",
        "letter-spacing: 0.12em; word-spacing: 0.16em",
        "html.pref-spacing p { margin-bottom: 2em; }",
        '"Atkinson Hyperlegible"',
        "html.pref-motion",
        "@media (forced-colors: active)",
    ):
        assert rule in CSS, rule
    fonts = Path(__file__).resolve().parents[2] / "app" / "static" / "fonts"
    assert (fonts / "OFL.txt").is_file()
    assert (fonts / "atkinson-hyperlegible-latin-400-normal.woff2").stat().st_size > 10000
