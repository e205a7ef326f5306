"""Defects found by trying the workshop as a new trainer would (issue 21 §5): the checker's part."""

from __future__ import annotations

import pytest

from app.certificates.pdf import hours_text

from .helpers import COURSE_MD, find, lesson, only


def quiz(build, text: str):
    return build.load({"01-uno.md": lesson(f"::: prueba\n{text}:::\n")})


# --- «Color: verde» before the options ----------------------------------------------------------
def test_an_unknown_line_before_the_options_is_an_error_at_its_line(build):
    course, problems = quiz(
        build, "### ¿De qué color es la hoja?\nColor: verde\n- [x] a\n- [ ] b\n"
    )
    p = only(problems, "quiz-unknown-key")
    assert (p.line, p.severity) == (9, "error")
    assert "'Color:'" in p.message
    assert course is None  # participants never see it as question text


def test_a_second_line_of_question_text_is_still_question_text(build):
    course, problems = quiz(
        build, "### ¿Qué hace una socia?\nPiensa en tu grupo.\n- [x] a\n- [ ] b\n"
    )
    assert problems == []
    assert (
        course.quizzes["uno"].questions[0].prompt_text == "¿Qué hace una socia? Piensa en tu grupo."
    )


# --- a lesson link that does not exist: suggest from the same course ------------------------------
def test_a_missing_lesson_link_suggests_a_lesson_of_this_course(build):
    _, problems = build.load(
        {
            "01-uno.md": lesson("Lee [la lección de ayuda](02-ayudar.md).\n"),
            "02-ayuda-mutua.md": lesson("Texto.\n"),
        }
    )
    p = only(problems, "link-missing-lesson")
    assert "02-ayuda-mutua.md" in p.message
    assert "02-confianza.md" not in p.message  # a lesson of another course


def test_a_missing_lesson_link_in_a_course_of_one_lesson_names_no_other_course(build):
    _, problems = build.load({"01-uno.md": lesson("Lee [la otra](02-confianza.md).\n")})
    p = only(problems, "link-missing-lesson")
    assert "02-confianza.md" in p.message  # the link itself, quoted
    assert "por ejemplo" not in p.message
    assert "01-uno.md" in p.message  # what the course has


# --- «botón rojo»: the advice, followed, silences the warning ------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Aprieta el botón rojo «Enviar», abajo a la derecha.",
        "Aprieta el botón rojo que dice Enviar.",
        "Aprieta el botón rojo, el de la esquina superior derecha.",
        "Marca la casilla verde redonda, al final de la página.",
    ],
)
def test_a_colour_with_its_name_or_place_is_fine(build, text):
    _, problems = build.load({"01-a.md": lesson(f"Intro.\n\n{text}\n")})
    assert find(problems, "a11y-colour-only") == []


def test_a_colour_alone_still_warns(build):
    _, problems = build.load({"01-a.md": lesson("Intro.\n\nAprieta el botón rojo.\n")})
    assert only(problems, "a11y-colour-only").line == 9


# --- hours with a decimal comma -------------------------------------------------------------------
def test_hours_with_a_decimal_comma_in_course_md(build):
    course, problems = build.load({"course.md": COURSE_MD.replace("horas: 1", "horas: 2,5")})
    assert [p for p in problems if p.severity == "error"] == []
    assert course.hours == 2.5
    assert hours_text(course.hours) == "2,5 horas"


def test_hours_that_are_not_a_number_are_still_an_error(build):
    _, problems = build.load({"course.md": COURSE_MD.replace("horas: 1", "horas: 2,5,1")})
    assert any("horas" in p.message or p.line == 4 for p in problems if p.severity == "error")
