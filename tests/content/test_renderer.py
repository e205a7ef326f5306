"""Every Markdown construct and every content warning/error, with exact lines.

Lesson bodies start at line 7: the standard front matter takes lines 1-6.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from .helpers import find, lesson, only

PNG = b"\x89PNG\r\n\x1a\n"


def v(data: bytes) -> str:
    """The version a media URL carries: the first 12 hex digits of the file's SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


def body_html(course, n=0):
    return "".join(getattr(b, "html", "") for b in course.lessons[n].body)


def test_h1_in_body_is_h2_with_warning(build):
    course, problems = build.load({"01-a.md": lesson("# Título\n\nTexto.\n")})
    assert only(problems, "heading-h1").line == 7
    assert '<h2 id="c-titulo">Título</h2>' in body_html(course)


def test_skipped_heading_level(build):
    _, problems = build.load({"01-a.md": lesson("## Uno\n\n#### Tres\n")})
    p = only(problems, "heading-skip")
    assert (p.line, p.severity) == (9, "warning")


def test_heading_ids_unique(build):
    course, _ = build.load({"01-a.md": lesson("## Año\n\n## Año\n\n## ¿Qué?\n", sources=False)})
    assert [h[1] for h in course.lessons[0].headings] == ["c-ano", "c-ano-2", "c-que"]


def test_table_empty_header_warning(build):
    text = "|   |   |\n|---|---|\n| a | b |\n"
    course, problems = build.load({"01-a.md": lesson(text)})
    assert only(problems, "table-empty-header").line == 7
    assert '<th scope="col"></th>' in body_html(course)


def test_table_alignment_becomes_class_not_style(build):
    course, _ = build.load({"01-a.md": lesson("| a | b |\n|:--|--:|\n| 1 | 2 |\n")})
    html = body_html(course)
    assert "style=" not in html
    assert '<td class="align-right">2</td>' in html


@pytest.mark.parametrize(
    ("name", "kind", "label"),
    [
        ("nota", "note", "Nota"),
        ("consejo", "tip", "Consejo"),
        ("actividad", "activity", "Actividad"),
        ("ejercicio", "activity", "Actividad"),
        ("advertencia", "warning", "Advertencia"),
    ],
)
def test_callouts(build, name, kind, label):
    course, problems = build.load({"01-a.md": lesson(f"::: {name}\nHola.\n:::\n")})
    assert problems == []
    html = body_html(course)
    assert f'<div class="callout callout-{kind}" role="note" aria-label="{label}">' in html
    assert f'<p class="callout-label">{label}</p>' in html


def test_callout_title_is_escaped(build):
    course, _ = build.load({"01-a.md": lesson('::: nota <b onclick="x">"Ojo"\nHola.\n:::\n')})
    html = body_html(course)
    assert "onclick" not in html.replace("&lt;b onclick", "")
    assert "<b" not in html


def test_unknown_container(build):
    _, problems = build.load({"01-a.md": lesson("::: cuadro\nHola.\n:::\n")})
    p = only(problems, "container-unknown")
    assert p.line == 7 and "nota, consejo" in p.message


def test_unclosed_container(build):
    _, problems = build.load({"01-a.md": lesson("Texto.\n\n::: nota\nHola.\n", easy=False)})
    assert only(problems, "container-unclosed").line == 9


def test_stray_closing_fence(build):
    _, problems = build.load({"01-a.md": lesson("Texto.\n\n:::\n")})
    assert only(problems, "container-stray-close").line == 9


def test_nested_container_needs_more_colons_outside(build):
    text = ":::: advertencia\nOjo.\n\n::: nota\nDentro.\n:::\n::::\n"
    course, problems = build.load({"01-a.md": lesson(text)})
    assert problems == []
    html = body_html(course)
    assert html.index("callout-warning") < html.index("callout-note")


def test_lang_span_and_block(build):
    text = "Dice [Hello]{lang=en} y [mari mari]{lang=arn}.\n\n::: idioma fr\nBonjour.\n:::\n"
    course, problems = build.load({"01-a.md": lesson(text)})
    assert problems == []
    html = body_html(course)
    assert '<span lang="en">Hello</span>' in html and '<span lang="arn">' in html
    assert '<div lang="fr">' in html


def test_invalid_lang(build):
    text = "Hola\n[x]{lang=zz}.\n\n::: idioma klingon\nQapla.\n:::\n"
    _, problems = build.load({"01-a.md": lesson(text)})
    assert [p.line for p in find(problems, "lang-invalid")] == [8, 10]


def test_span_other_attributes_rejected(build):
    _, problems = build.load({"01-a.md": lesson("[x]{style=color:red .clase}\n")})
    assert only(problems, "span-attrs").line == 7


def test_attrs_never_reach_html():
    from app.content.page_context import PageContext
    from app.content.problems import Reporter
    from app.content.renderer import render_page

    lines = ["[x]{style=color:red onclick=alert(1)} `c`{style=a} [l](https://a.cl){onclick=x}"]
    html = render_page(lines, PageContext("x.md", Reporter())).body[0].html
    assert not re.search(r"<[^>]*\s(on\w+|style)\s*=", html)


def test_image_ok(build):
    course, problems = build.load(
        {"01-a.md": lesson("![Mapa de Chile](media/mapa.png)\n"), "media/mapa.png": PNG}
    )
    assert problems == []
    assert (
        f'<img src="/cursos/curso/archivos/media/mapa.png?v={v(PNG)}" alt="Mapa de Chile" '
        'loading="lazy">' in body_html(course)
    )


def test_image_without_alt(build):
    _, problems = build.load({"01-a.md": lesson("Texto\n![](media/a.png)\n"), "media/a.png": PNG})
    p = only(problems, "image-no-alt")
    assert (p.line, p.severity) == (8, "error")


def test_image_missing_file(build):
    _, problems = build.load({"01-a.md": lesson("![Un mapa](media/no.png)\n")})
    assert only(problems, "media-missing").line == 7


def test_image_remote(build):
    course, problems = build.load({"01-a.md": lesson("![Un mapa](https://x.org/a.png)\n")})
    assert only(problems, "image-remote").line == 7


def test_image_generic_alt(build):
    files = {"01-a.md": lesson("![imagen](a.png)\n\n![a.png](a.png)\n"), "a.png": PNG}
    _, problems = build.load(files)
    assert [p.line for p in find(problems, "a11y-alt-generic")] == [7, 9]


def test_image_outside_course(build):
    _, problems = build.load({"01-a.md": lesson("![Un mapa](../otro/a.png)\n")})
    assert only(problems, "media-outside").line == 7


def test_image_wrong_type(build):
    _, problems = build.load({"01-a.md": lesson("![Logo](logo.svg)\n"), "logo.svg": "<svg/>"})
    assert only(problems, "media-type").line == 7


VIDEO_FILES = {"media/v.mp4": b"x", "media/v.vtt": "WEBVTT\n"}


def test_video_without_captions(build):
    text = "::: video media/v.mp4\nTranscripción.\n:::\n"
    _, problems = build.load({"01-a.md": lesson(text), **VIDEO_FILES})
    assert only(problems, "video-no-captions").line == 7


def test_video_missing_files(build):
    text = "::: video media/no.mp4 subtitulos=media/no.vtt\nTranscripción.\n:::\n"
    _, problems = build.load({"01-a.md": lesson(text)})
    assert [p.line for p in find(problems, "media-missing")] == [7, 7]


def test_video_without_transcript(build):
    text = "::: video media/v.mp4 subtitulos=media/v.vtt\n:::\n"
    _, problems = build.load({"01-a.md": lesson(text), **VIDEO_FILES})
    assert only(problems, "media-no-transcript").line == 7


def test_video_unknown_option(build):
    text = "::: video media/v.mp4 subtitulos=media/v.vtt autoplay=si\nT.\n:::\n"
    _, problems = build.load({"01-a.md": lesson(text), **VIDEO_FILES})
    assert only(problems, "media-param").line == 7


def test_audio_with_optional_captions(build):
    text = "::: audio media/a.mp3 subtitulos=media/v.vtt\nLo que se dice.\n:::\n"
    course, problems = build.load({"01-a.md": lesson(text), "media/a.mp3": b"x", **VIDEO_FILES})
    assert problems == []
    html = body_html(course)
    src = f"/cursos/curso/archivos/media/a.mp3?v={v(b'x')}"
    assert f'<audio controls preload="none" src="{src}">' in html
    assert '<track kind="captions"' in html


def test_audio_without_transcript(build):
    _, problems = build.load({"01-a.md": lesson("::: audio a.mp3\n:::\n"), "a.mp3": b"x"})
    assert only(problems, "media-no-transcript").line == 7


def test_link_to_missing_lesson(build):
    course, problems = build.load({"01-a.md": lesson("Ver\n[la lección 2](02-b.md).\n")})
    p = only(problems, "link-missing-lesson")
    assert (p.line, p.severity) == (8, "error")


def test_link_to_file(build):
    course, problems = build.load(
        {"01-a.md": lesson("Lee [la guía en PDF](media/guia.pdf).\n"), "media/guia.pdf": b"%PDF"}
    )
    assert problems == []
    assert f'href="/cursos/curso/archivos/media/guia.pdf?v={v(b"%PDF")}"' in body_html(course)


def test_link_to_missing_file(build):
    _, problems = build.load({"01-a.md": lesson("Lee [la guía](media/guia.pdf).\n")})
    assert only(problems, "media-missing").line == 7


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x"])
def test_dangerous_links_dropped(build, url):
    course, problems = build.load({"01-a.md": lesson(f"Un [texto malo]({url}) aquí.\n")})
    assert only(problems, "link-scheme").line == 7
    assert course is None


def test_dangerous_link_html_never_rendered(build):
    from app.content.page_context import PageContext
    from app.content.problems import Reporter
    from app.content.renderer import render_page

    ctx = PageContext("x.md", Reporter())
    page = render_page(["[a](javascript:alert(1)) <script>alert(1)</script>"], ctx)
    html = page.body[0].html
    assert "javascript" not in html and "<script" not in html
    assert "&lt;script&gt;" in html


def test_mailto_and_fragment_links(build):
    text = "## Parte\n\nEscribe a [la coordinación](mailto:a@b.cl) o ve a [la parte](#c-parte).\n"
    course, problems = build.load({"01-a.md": lesson(text)})
    assert problems == []
    html = body_html(course)
    assert 'href="mailto:a@b.cl"' in html and 'href="#c-parte"' in html
    assert "enlace externo" not in html


VAGUE = ["aquí", "Click", "clic aquí", "pincha aquí", "este enlace", "link", "Más", "haz clic aquí"]


@pytest.mark.parametrize("label", VAGUE)
def test_vague_link_text(build, label):
    _, problems = build.load({"01-a.md": lesson(f"Texto\n[{label}](https://ejemplo.cl).\n")})
    p = only(problems, "a11y-vague-link")
    assert (p.line, p.severity) == (8, "warning")


@pytest.mark.parametrize(
    "text",
    [
        "Aprieta el botón rojo.",
        "Lo marcado en verde es importante.",
        "Lee el texto azul.",
        "Las palabras de color amarillo.",
    ],
)
def test_colour_only_cue(build, text):
    _, problems = build.load({"01-a.md": lesson(f"Intro.\n\n{text}\n")})
    p = only(problems, "a11y-colour-only")
    assert (p.line, p.severity) == (9, "warning")


def test_colour_words_without_cue_are_fine(build):
    _, problems = build.load({"01-a.md": lesson("La bandera tiene rojo, azul y blanco.\n")})
    assert find(problems, "a11y-colour-only") == []


def test_easy_read_long_sentence(build):
    long = " ".join(["palabra"] * 21) + "."
    text = "Texto.\n\n::: lectura-facil\nFrase corta.\nOtra frase corta.\n" + long + "\n:::\n"
    course, problems = build.load({"01-a.md": lesson(text, easy=False)})
    p = only(problems, "easy-read-long-sentence")
    assert (p.line, p.severity) == (12, "warning")
    assert course is not None


def test_easy_read_sentence_across_lines(build):
    words = " ".join(["palabra"] * 12)
    text = f"::: lectura-facil\nUna frase corta.\n{words}\n{words}.\n:::\n"
    _, problems = build.load({"01-a.md": lesson(text, easy=False)})
    assert only(problems, "easy-read-long-sentence").line == 9


def test_easy_read_long_sentence_in_companion(build):
    long = " ".join(["palabra"] * 25)
    files = {"01-a.md": lesson("T.\n", easy=False), "01-a.lf.md": f"Hola.\n\n{long}\n"}
    _, problems = build.load(files)
    p = only(problems, "easy-read-long-sentence")
    assert (p.path, p.line) == ("curso/01-a.lf.md", 3)


def test_easy_read_block_not_in_body(build):
    course, _ = build.load({"01-a.md": lesson("Difícil.\n")})
    assert "Texto fácil" not in body_html(course)
    assert "Texto fácil" in course.lessons[0].easy_read[0].html
    assert course.lessons[0].easy_read_text == "Texto fácil."


def test_nested_easy_read(build):
    text = ":::: lectura-facil\nA.\n\n::: lectura-facil\nB.\n:::\n::::\n"
    _, problems = build.load({"01-a.md": lesson(text, easy=False)})
    assert only(problems, "easy-read-nested").line == 10


def test_empty_easy_read_block(build):
    _, problems = build.load({"01-a.md": lesson("T.\n\n::: lectura-facil\n:::\n", easy=False)})
    assert only(problems, "easy-read-empty").line == 9


def test_raw_html_is_escaped(build):
    text = '<script>alert(1)</script>\n\n<iframe src="x"></iframe> <b onclick="x">b</b>\n'
    course, _ = build.load({"01-a.md": lesson(text)})
    html = body_html(course)
    assert "<script" not in html and "<iframe" not in html and "<b " not in html


def test_code_blocks(build):
    course, problems = build.load({"01-a.md": lesson("```\n<b>x</b>\n```\n")})
    assert problems == []
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;" in body_html(course)
