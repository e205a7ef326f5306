"""The XHTML of a book's pages: sentences marked for narration, links and images rewritten."""

from __future__ import annotations

import pytest

from app.books.xhtml import mark_sentences, parse, rewrite, serialise

pytestmark = pytest.mark.nodb


def marked(html: str, lang: str = "es-CL"):
    root = parse(html)
    sentences = mark_sentences(root, lang)
    return serialise(root), sentences


def test_each_sentence_of_a_paragraph_gets_its_own_id_and_text():
    xhtml, sentences = marked(
        "<p>Una cooperativa es una empresa. ¿Quién decide? Todas las personas.</p>"
    )
    assert xhtml == (
        '<p><span id="frase-1">Una cooperativa es una empresa.</span> '
        '<span id="frase-2">¿Quién decide?</span> <span id="frase-3">Todas las personas.</span></p>'
    )
    assert [s.text for s in sentences] == [
        "Una cooperativa es una empresa.",
        "¿Quién decide?",
        "Todas las personas.",
    ]


def test_abbreviations_and_numbers_do_not_end_a_sentence():
    _, sentences = marked("<p>Lee el art. 5 de la ley y la p. 12 del manual.</p>")
    assert [s.text for s in sentences] == ["Lee el art. 5 de la ley y la p. 12 del manual."]


def test_inline_elements_stay_whole_inside_one_sentence_and_keep_their_language():
    xhtml, sentences = marked('<p>En inglés se dice <span lang="en">cooperative</span>. Fin.</p>')
    assert (
        '<span id="frase-1">En inglés se dice <span lang="en">cooperative</span>.</span>' in xhtml
    )
    assert sentences[0].text == "En inglés se dice cooperative."


def test_a_passage_in_another_language_is_spoken_in_that_language():
    _, sentences = marked('<div lang="en"><p>Cooperatives are people.</p></div><p>Hola.</p>')
    assert [(s.text, s.lang) for s in sentences] == [
        ("Cooperatives are people.", "en"),
        ("Hola.", "es-CL"),
    ]


def test_nested_lists_tables_and_headings_are_read_in_order_without_nested_sentences():
    xhtml, sentences = marked(
        '<h2 id="c-a">Título</h2><ul><li>Uno<ul><li>Dos</li></ul></li></ul>'
        "<table><tr><th>Principio</th><td>Voto</td></tr></table>"
    )
    assert [s.text for s in sentences] == ["Título", "Uno", "Dos", "Principio", "Voto"]
    assert xhtml.count("<span") == 5
    assert '<h2 id="c-a"><span id="frase-1">Título</span></h2>' in xhtml


def test_an_image_is_narrated_by_its_description_and_closed_as_xhtml():
    xhtml, sentences = marked('<p><img src="a.png" alt="Personas en una asamblea"></p><hr>')
    assert xhtml == '<p><img src="a.png" alt="Personas en una asamblea" id="frase-1"/></p><hr/>'
    assert sentences[0].text == "Imagen: Personas en una asamblea"


def test_text_is_escaped_and_punctuation_alone_is_not_narrated():
    xhtml, sentences = marked("<p>A &amp; B &lt; C</p><p>—</p>")
    assert '<span id="frase-1">A &amp; B &lt; C</span>' in xhtml
    assert "<p>—</p>" in xhtml
    assert len(sentences) == 1


def test_rewrite_unwraps_links_and_drops_images_it_cannot_keep():
    root = parse('<p><a href="/otro">enlace</a> y <img src="x.bmp" alt="dibujo"></p>')
    rewrite(root, "a", "href", lambda href: None)
    rewrite(root, "img", "src", lambda src: None)
    assert serialise(root) == "<p>enlace y dibujo</p>"
