"""Links to a section (`02-x.md#c-id`, `#c-id`) are checked against the headings of their page.

Lesson bodies start at line 7: the standard front matter takes lines 1-6 (helpers.lesson).
"""

from __future__ import annotations

from .helpers import find, lesson, only

STEPS = lesson("## Los pasos de la mediación\n\nTexto.\n\n## Cuándo pedir ayuda\n\nTexto.\n")


def test_a_link_to_a_section_that_exists_is_published(build):
    files = {
        "01-inicio.md": lesson("Ver [los pasos](02-mediacion.md#c-los-pasos-de-la-mediacion).\n"),
        "02-mediacion.md": STEPS,
    }
    course, problems = build.load(files)
    assert problems == []
    html = course.lessons[0].body[0].html
    assert 'href="/cursos/curso/02-mediacion#c-los-pasos-de-la-mediacion"' in html


def test_a_link_to_a_missing_section_is_an_error_at_its_line_naming_the_closest_first(build):
    files = {
        "01-inicio.md": lesson("Texto.\n\nVer [los pasos](02-mediacion.md#c-los-pasos).\n"),
        "02-mediacion.md": STEPS,
    }
    course, problems = build.load(files)
    assert course is None  # an error: the course is not published with a dead link
    p = only(problems, "link-missing-section")
    assert (p.path, p.line, p.severity) == ("curso/01-inicio.md", 9, "error")
    assert p.message.startswith(
        "el enlace lleva a la sección '#c-los-pasos', que no existe en 02-mediacion.md; "
        "usa una de sus secciones: #c-los-pasos-de-la-mediacion, #c-cuando-pedir-ayuda, "
        "#c-fuentes"
    )


def test_the_closest_id_comes_first_even_when_it_is_not_the_first_heading(build):
    files = {
        "01-inicio.md": lesson("[Ayuda](02-mediacion.md#c-cuando-pedir-ayudas)\n"),
        "02-mediacion.md": STEPS,
    }
    _, problems = build.load(files)
    message = only(problems, "link-missing-section").message
    assert "usa una de sus secciones: #c-cuando-pedir-ayuda, #c-los-pasos-de-la-mediacion" in (
        message
    )


def test_a_link_to_a_later_section_of_the_same_lesson(build):
    body = (
        "Salta a [la ayuda](#c-cuando-pedir-ayuda) o a [nada](#c-nada).\n\n## Cuándo pedir ayuda\n"
    )
    _, problems = build.load({"01-inicio.md": lesson(body)})
    p = only(problems, "link-missing-section")
    assert (p.path, p.line) == ("curso/01-inicio.md", 7)
    assert "'#c-nada', que no existe en esta lección" in p.message
    assert "#c-cuando-pedir-ayuda" in p.message


def test_sections_of_the_easy_read_file_count_and_links_in_it_are_checked(build):
    files = {
        "01-inicio.md": lesson("[Fácil](02-mediacion.lf.md#c-los-pasos-faciles)\n"),
        "02-mediacion.md": lesson("## Los pasos\n", easy=False),
        "02-mediacion.lf.md": "## Los pasos fáciles\n\nTexto.\n\n[Ir](#c-otro)\n",
    }
    _, problems = build.load(files)
    p = only(problems, "link-missing-section")
    assert (p.path, p.line) == ("curso/02-mediacion.lf.md", 5)


def test_a_lesson_without_sections_says_to_link_the_lesson(build):
    files = {
        "01-inicio.md": lesson("[Dos](02-dos.md#c-algo)\n"),
        "02-dos.md": lesson("Solo texto.\n", sources=False),
    }
    _, problems = build.load(files)
    message = only(problems, "link-missing-section").message
    assert "02-dos.md no tiene títulos de sección (##): enlaza la lección sin '#c-algo'" in message


def test_accented_or_encoded_fragments_are_compared_decoded(build):
    files = {
        "01-inicio.md": lesson("[Pasos](02-mediacion.md#c-los-pasos-de-la-mediaci%C3%B3n)\n"),
        "02-mediacion.md": STEPS,
    }
    _, problems = build.load(files)
    assert "'#c-los-pasos-de-la-mediación'" in only(problems, "link-missing-section").message


def test_links_to_a_missing_lesson_still_say_so_and_are_not_also_a_section_error(build):
    _, problems = build.load({"01-inicio.md": lesson("[X](09-nada.md#c-a)\n")})
    assert only(problems, "link-missing-lesson").line == 7
    assert find(problems, "link-missing-section") == []
