"""Issue 16: quizzes that test understanding, easy read that says what it is, reachable tables.

- choice options are shown in an order of their own per attempt; grading goes by option key;
- the checker warns about answer patterns a test-wise guess exploits (per course);
- `lectura_facil_validada` in course.md is checked with clear errors;
- every table sits in a scroll region a keyboard can reach, named for screen readers.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from app.content import display_order, grade_question
from app.content.model import Option, Question

from .helpers import COURSE_MD, find, lesson, only


def _choice(kind: str, n: int = 4) -> Question:
    options = tuple(
        Option(chr(97 + i), f"opción {i}", f"opción {i}", i == 1 or kind == "ordering")
        for i in range(n)
    )
    return Question("p1", kind, "¿?", "¿?", options)


# --- shuffled options ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["single", "multiple"])
def test_choice_options_are_shuffled_per_seed_and_stable_for_one(kind):
    question = _choice(kind)
    keys = tuple(o.key for o in question.options)
    seen = set()
    for attempt_id in range(1, 121):
        seed = f"{attempt_id}-p1"
        order = display_order(question, seed)
        assert order == display_order(question, seed)  # the same attempt: the same order
        assert sorted(order) == sorted(keys)
        seen.add(order)
    # Across attempts every arrangement of 4 options shows up, including the authored one
    # (choices are not rotated like ordering questions: any place is as likely).
    assert seen == set(itertools.permutations(keys))


def test_the_right_answer_is_not_always_in_the_authored_place():
    question = _choice("single")
    places = {display_order(question, f"{n}-p1").index("b") for n in range(1, 41)}
    assert places == {0, 1, 2, 3}


def test_true_false_keeps_the_authored_order_and_ordering_never_starts_solved():
    tf = Question(
        "p2",
        "true_false",
        "x",
        "x",
        (Option("a", "Verdadero", "Verdadero", False), Option("b", "Falso", "Falso", True)),
    )
    ordering = _choice("ordering")
    right = tuple(o.key for o in ordering.options)
    for n in range(1, 30):
        assert display_order(tf, f"{n}-p2") == ("a", "b")
        assert display_order(ordering, f"{n}-p1") != right


def test_grading_goes_by_option_identity_whatever_the_display_order():
    question = _choice("single")
    for n in range(1, 20):
        order = display_order(question, f"{n}-p1")
        assert grade_question(question, "b").correct
        # What sits first on screen is right only when it is option b itself.
        assert grade_question(question, order[0]).correct == (order[0] == "b")


# --- course-wide quiz warnings -----------------------------------------------------------------


def _quiz(*questions: str) -> str:
    return "\n## Prueba\n\n::: prueba\n" + "\n".join(questions) + ":::\n"


# The per-question "longest option" warning gave way to the course's quiz-cue figures (issue 24):
# see test_quiz_cues.py.


def _tf(n: int, true: bool) -> str:
    marks = ("x", " ") if true else (" ", "x")
    return f"### Afirmación {n}.\n- [{marks[0]}] Verdadero\n- [{marks[1]}] Falso\n"


def test_lopsided_true_false_warns_once_per_course_across_lessons(build):
    files = {
        "01-a.md": lesson(_quiz(_tf(1, True), _tf(2, False))),
        "02-b.md": lesson(_quiz(_tf(3, False), _tf(4, False), _tf(5, False))),
    }
    _course, problems = build.load(files)
    warning = only(problems, "quiz-true-false-lopsided")
    assert (warning.path, warning.line) == ("curso/01-a.md", 15)  # the first "Falso" question
    assert "«Falso» es la respuesta de 4 de 5 preguntas" in warning.message
    assert "20 % «Verdadero»" in warning.message and "entre 40 % y 60 %" in warning.message


@pytest.mark.parametrize(
    "answers", [(True, False), (True, False, False), (True, True, False, False, False)]
)
def test_balanced_true_false_or_off_by_one_is_fine(build, answers):
    quiz = _quiz(*(_tf(n, a) for n, a in enumerate(answers, start=1)))
    _course, problems = build.load({"01-a.md": lesson(quiz)})
    assert find(problems, "quiz-true-false-lopsided") == []


def test_multiple_answer_with_every_option_correct_warns(build):
    all_right = (
        "### ¿Qué valores son cooperativos?\nTipo: varias\n- [x] Ayuda mutua\n- [x] Democracia\n"
    )
    some_right = "### ¿Y estos?\nTipo: varias\n- [x] Igualdad\n- [ ] Lucro personal\n"
    _course, problems = build.load({"01-a.md": lesson(_quiz(all_right, some_right))})
    warning = only(problems, "quiz-all-correct")
    assert (warning.path, warning.line) == ("curso/01-a.md", 11)
    assert "todas las opciones de esta pregunta son correctas" in warning.message


@pytest.mark.parametrize(
    ("question", "warns"),
    [
        (
            "### ¿Quién aprueba el balance?\n- [x] La asamblea general\n- [ ] El gerente\n"
            "Pista: Lo aprueba la asamblea general de personas socias.\n",
            True,
        ),
        (  # plural and accents do not hide the answer
            "### ¿Qué forma de decidir conviene?\nRespuesta: delegación\n"
            "Pista: Se llama delegacion.\n",
            True,
        ),
        (  # the hint names the wrong option too: it does not point at the answer
            "### ¿Quién aprueba el balance?\n- [x] La asamblea\n- [ ] El directorio\n"
            "Pista: No es lo mismo la asamblea que el directorio.\n",
            False,
        ),
        (
            "### ¿Quién aprueba el balance?\n- [x] La asamblea general\n- [ ] El gerente\n"
            "Pista: Revisa la tabla de la lección.\n",
            False,
        ),
    ],
)
def test_hint_that_contains_the_answer_warns(build, question, warns):
    _course, problems = build.load({"01-a.md": lesson(_quiz(question))})
    found = find(problems, "quiz-hint-answer")
    assert bool(found) == warns, problems
    if warns:
        assert found[0].line == 11
        assert "la pista contiene las palabras de la respuesta" in found[0].message


# --- easy-read validation in course.md --------------------------------------------------------


def _course_md(extra: str) -> str:
    return COURSE_MD.replace("---\n\nIntroducción", extra + "---\n\nIntroducción")


def test_validation_with_date_and_who_is_kept(build):
    files = {
        "course.md": _course_md(
            "lectura_facil_validada:\n  fecha: 2026-11-30\n  por: Personas lectoras de Quillota\n"
        ),
        "01-a.md": lesson("Texto.\n"),
    }
    course, problems = build.load(files)
    assert problems == []
    assert course.easy_read_validation.date == date(2026, 11, 30)
    assert course.easy_read_validation.by == "Personas lectoras de Quillota"


def test_validation_accepts_accents_spaces_and_a_quoted_date(build):
    files = {
        "course.md": _course_md(
            'Lectura fácil validada: {Fecha: "2026-11-30", Por: "Grupo lector"}\n'
        ),
        "01-a.md": lesson("Texto.\n"),
    }
    course, problems = build.load(files)
    assert problems == []
    assert course.easy_read_validation.date == date(2026, 11, 30)


def test_without_the_field_the_course_is_not_validated(build):
    course, problems = build.load({"01-a.md": lesson("Texto.\n")})
    assert problems == [] and course.easy_read_validation is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("si\n", "debe tener 'fecha' y 'por'"),
        ("\n  fecha: 2026-11-30\n", "falta 'por'"),
        ("\n  por: Grupo lector\n", "falta 'fecha'"),
        ("\n  fecha: ayer\n  por: Grupo lector\n", "'fecha' debe ser una fecha AAAA-MM-DD"),
        ("\n  fecha: 2026-11-30\n  por: ''\n", "'por' no puede estar vacío"),
        ("\n  fecha: 2026-11-30\n  por: Grupo\n  lugar: Quillota\n", "clave desconocida 'lugar'"),
    ],
)
def test_a_bad_validation_is_an_error_at_its_line(build, value, expected):
    files = {
        "course.md": _course_md(f"lectura_facil_validada: {value}"),
        "01-a.md": lesson("Texto.\n"),
    }
    course, problems = build.load(files)
    assert course is None
    error = only(problems, "front-matter-bad-value")
    assert (error.path, error.line) == ("curso/course.md", 9)
    assert error.message.startswith("'lectura_facil_validada': ")
    assert expected in error.message


# --- tables a keyboard can reach ---------------------------------------------------------------

TABLE = (
    "| Fondo | Monto | Requisitos |\n|---|---|---|\n| Capital Semilla | $3.500.000 | Tener RUT |\n"
)
REGION = re.compile(
    r'<div class="table-wrap table-scroll" role="region" tabindex="0" aria-label="([^"]*)">'
    r"\n<table>"
)


def test_every_table_is_in_a_focusable_named_region(build):
    body = (
        f"## Fondos\n\n{TABLE}\nOtro texto.\n\n| Sigla | Nombre |\n|---|---|\n| OMIL | Oficina |\n"
    )
    course, problems = build.load({"01-a.md": lesson(body)})
    assert problems == []
    html = "".join(b.html for b in course.lessons[0].body)
    assert REGION.findall(html) == [
        "Tabla 1.1: Fondo, Monto, Requisitos",
        "Tabla 1.2: Sigla, Nombre",
    ]
    assert html.count("</table>\n</div>") == 2


def test_easy_read_tables_are_numbered_on_their_own_page(build):
    body = f"{TABLE}\n::: lectura-facil\n| Fondo | Monto |\n|---|---|\n| Semilla | Mucho |\n:::\n"
    course, problems = build.load({"01-a.md": lesson(body, easy=False)})
    assert problems == []
    easy = "".join(b.html for b in course.lessons[0].easy_read)
    assert REGION.findall(easy) == ["Tabla 1.1: Fondo, Monto"]


def test_a_table_label_is_escaped_and_kept_short(build):
    long_header = "Una columna con un encabezado muy largo " * 5
    body = f'| "<b>x</b>" | {long_header} |\n|---|---|\n| 1 | 2 |\n'
    course, _ = build.load({"01-a.md": lesson(body)})
    html = "".join(b.html for b in course.lessons[0].body)
    (label,) = REGION.findall(html)
    assert label.startswith("Tabla 1.1: &quot;&lt;b&gt;x&lt;/b&gt;&quot;, Una columna")
    assert label.endswith("…") and len(label) < 160


def test_tables_are_numbered_by_lesson_so_names_stay_unique_on_the_whole_course_page(build):
    same = "| Concepto | Monto |\n|---|---|\n| Harina | $1.000 |\n"
    course, problems = build.load({"01-a.md": lesson(same), "02-b.md": lesson(same)})
    assert problems == []
    labels = [REGION.findall("".join(b.html for b in lesson.body))[0] for lesson in course.lessons]
    assert labels == ["Tabla 1.1: Concepto, Monto", "Tabla 2.1: Concepto, Monto"]


def test_callouts_are_notes_not_landmarks(build):
    body = "::: nota\nUno.\n:::\n\n::: nota\nDos.\n:::\n"
    course, problems = build.load({"01-a.md": lesson(body)})
    assert problems == []
    html = "".join(b.html for b in course.lessons[0].body)
    assert html.count('<div class="callout callout-note" role="note" aria-label="Nota">') == 2
    assert "<aside" not in html


def test_an_empty_header_cell_warns_at_the_table(build):
    body = (
        "Texto.\n\n| | Cooperativa | Empresa |\n|---|---|---|\n| Dueños | Socias | Accionistas |\n"
    )
    _course, problems = build.load({"01-a.md": lesson(body)})
    warning = only(problems, "table-empty-header-cell")
    assert (warning.path, warning.line, warning.severity) == ("curso/01-a.md", 9, "warning")
    assert "celda vacía" in warning.message
