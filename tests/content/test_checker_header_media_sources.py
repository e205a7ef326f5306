"""YAML header errors in Spanish with the fix, unpublished files in media/, "## Fuentes"."""

from __future__ import annotations

import pytest

from app.authoring.files import course_md, new_lesson
from app.content.loader import load_course_files
from app.content.problems import format_problems, summary

from .helpers import COURSE_MD, EASY, SOURCES, find, lesson, only


def lesson_with_header(header: str) -> str:
    return f"---\n{header}\n---\n\nTexto.\n{EASY}{SOURCES}"


def test_a_title_with_a_colon_says_to_quote_it_and_nothing_else(build):
    text = lesson_with_header("titulo: Mediación: los pasos\nminutos: 10\nobjetivos: [a]")
    course, problems = build.load({"01-uno.md": text})
    assert course is None
    p = only(problems, "front-matter-yaml")
    assert (p.path, p.line, p.severity) == ("curso/01-uno.md", 2, "error")
    assert p.message == (
        "error de formato en la cabecera: el valor de 'titulo' tiene dos puntos (:), que en la "
        "cabecera separan la clave del valor; escribe el valor entre comillas: "
        'titulo: "Mediación: los pasos"'
    )
    # The keys are unknown, not missing: no false "falta la clave 'titulo'".
    assert find(problems, "front-matter-missing-key") == []
    assert [x.code for x in problems] == ["front-matter-yaml"]


def test_a_course_md_with_a_colon_in_the_title_gives_one_error(build):
    course_md = COURSE_MD.replace("titulo: Curso", "titulo: Curso: lo básico")
    _, problems = build.load({"course.md": course_md, "01-uno.md": lesson("Texto.\n")})
    assert [(x.path, x.line, x.code) for x in problems] == [
        ("curso/course.md", 2, "front-matter-yaml")
    ]


@pytest.mark.parametrize(
    ("header", "line", "says"),
    [
        ("titulo: Hola\nminutos 10", 3, "falta ':' en «minutos 10»"),
        ("titulo: Hola\n\tminutos: 10", 3, "usa espacios para la sangría"),
        ('titulo: "Hola\nminutos: 10', 2, "las comillas que se abren en esta línea no se cierran"),
        ("titulo: Hola\n  minutos: 10", 3, "borra los espacios del principio"),
        ("titulo: @hola", 2, 'no puede empezar con @; escríbelo entre comillas: titulo: "@hola"'),
        ('titulo: "Hola" mundo', 2, "hay texto después de las comillas de cierre"),
        ("titulo: Hola\nobjetivos:\n  - a\n - b", 5, "revisa la sangría"),
        ('titulo: El "buen" trato: hoy', 2, "titulo: 'El \"buen\" trato: hoy'"),
    ],
)
def test_yaml_mistakes_are_explained_at_their_line(build, header, line, says):
    _, problems = build.load({"01-uno.md": lesson_with_header(header)})
    p = only(problems, "front-matter-yaml")
    assert p.line == line
    assert p.message.startswith("error de formato en la cabecera: ")
    assert says in p.message
    assert find(problems, "front-matter-missing-key") == []


def test_an_unclosed_header_gives_no_missing_key_errors(build):
    _, problems = build.load({"01-uno.md": "---\ntitulo: Hola\nTexto\n"})
    assert only(problems, "front-matter-unclosed").line == 1
    assert find(problems, "front-matter-missing-key") == []


def test_a_header_that_reads_fine_still_reports_a_missing_title(build):
    _, problems = build.load({"01-uno.md": lesson_with_header("minutos: 10\nobjetivos: [a]")})
    assert only(problems, "front-matter-missing-key").message.startswith("falta la clave 'titulo'")


def test_files_in_media_that_are_not_published_are_warned_about(build):
    course, problems = build.load(
        {
            "01-uno.md": lesson("Texto.\n"),
            "media/logo.svg": "<svg/>",
            "media/guion.docx": b"PK",
            "media/notas/02-borrador.md": "## Borrador\n",
            "media/.DS_Store": b"x",
            "media/foto.JPG": b"\xff\xd8",
        }
    )
    assert course is not None  # warnings only: the course is published
    found = {p.path: p for p in find(problems, "media-not-served")}
    assert set(found) == {
        "curso/media/logo.svg",
        "curso/media/guion.docx",
        "curso/media/notas/02-borrador.md",
    }
    assert all(p.severity == "warning" and p.line == 0 for p in found.values())
    assert found["curso/media/guion.docx"].message == (
        "este tipo de archivo no se publica (.docx); conviértelo a uno permitido (jpg, png, mp3, "
        "mp4, vtt, pdf, txt...) o sácalo de la carpeta"
    )
    assert "guárdalo como .png o .jpg" in found["curso/media/logo.svg"].message
    assert "las lecciones van directamente en la carpeta del curso" in (
        found["curso/media/notas/02-borrador.md"].message
    )
    assert "media/guion.docx" not in course.media_files


def test_a_lesson_without_fuentes_gets_a_warning_for_the_whole_file(build):
    course, problems = build.load({"01-uno.md": lesson("## Texto\n\nHola.\n", sources=False)})
    assert course is not None
    p = only(problems, "sources-missing")
    assert (p.path, p.line, p.severity) == ("curso/01-uno.md", 0, "warning")
    assert p.format() == (
        "curso/01-uno.md:0: warning: la lección no tiene la sección «## Fuentes»; agrégala al "
        "final con de dónde sale la información (leyes, guías, páginas web, entrevistas), una "
        "por línea"
    )


def test_fuentes_only_in_the_easy_read_version_or_at_level_3_does_not_count(build):
    easy_only = "### Fuentes\n\nEquipo.\n\n::: lectura-facil\n## Fuentes\n\nEquipo.\n:::\n"
    _, problems = build.load({"01-uno.md": lesson(easy_only, easy=False, sources=False)})
    assert only(problems, "sources-missing").path == "curso/01-uno.md"


def test_fuentes_with_accents_or_more_words_counts_and_module_tests_need_none(build):
    quiz = (
        "---\ntitulo: Prueba\nminutos: 5\nobjetivos: [a]\ntipo: prueba\n---\n\n"
        "## ¿Sí?\n- [x] Sí\n- [ ] No\n"
    )
    _, problems = build.load(
        {
            "01-uno.md": lesson("Texto.\n\n## FUENTES y lecturas\n\nEquipo.\n", sources=False),
            "02-prueba.md": quiz,
        }
    )
    assert find(problems, "sources-missing") == []


def test_counts_agree_with_the_number():
    from app.content.model import Problem

    one = [Problem("c/a.md", 1, "error", "x", "e"), Problem("c/a.md", 2, "warning", "y", "w")]
    assert summary(one) == "1 error, 1 aviso."
    assert summary(one * 2) == "2 errores, 2 avisos."
    assert format_problems(one).endswith("\n1 error, 1 aviso.")
    assert summary([]) == "Todo bien: 0 errores, 0 avisos."


COURSE_FIELDS = {
    "title": "Curso",
    "summary": "Resumen.",
    "audience": "Grupos.",
    "hours": 2,
    "level": "inicial",
    "licence": "CC BY-SA 4.0",
    "authors": ["Equipo"],
}


def test_the_workshops_example_text_left_in_a_lesson_is_an_error_at_its_line():
    files, path = new_lesson({"course.md": course_md(**COURSE_FIELDS)}, "Pedir ayuda")
    course, problems = load_course_files("curso", files)
    assert course is None  # an error (issue 21): example text must never be published
    found = [p for p in problems if p.code == "placeholder-text"]
    assert found and {p.severity for p in found} == {"error"}
    lines = [p.line for p in found if p.path == f"curso/{path}"]
    text = files[path].decode().split("\n")
    assert lines and all("Escribe aquí" in text[n - 1] for n in lines)
    # A new course's presentation starts from its summary: nothing in course.md to replace.
    assert not any(p.path == "curso/course.md" for p in found)
    assert "Resumen." in files["course.md"].decode()
