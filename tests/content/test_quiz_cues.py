"""Issue 24: quizzes only knowledge can pass.

The checker measures, per course, how much a reader who knows nothing of the content gets right
from the form of the options alone (length, absolute words, hedges, echo of the question), warns
when that beats chance by more than 5 points, and `flask courses quiz-cues` prints the figures.
"""

from __future__ import annotations

import pytest

from app.content import check_paths, format_problems
from app.content.cli import main
from app.content.quiz_cues import course_figures, has_absolute, has_hedge

from .helpers import FIXTURES, find, lesson, only

SHIPPED = FIXTURES.parents[1] / "courses"

FIRST = 11  # line of the first question: 6 lines of front matter, then "## Prueba" and the block
SIZES = (21, 33, 45)  # the short, middle and long option of a question
WORDS = ("Nunca", "Luego")  # the first word of an option: absolute or not


def _text(length: int, first: str = "Luego") -> str:
    """An option text of exactly LENGTH characters that shares no word with the questions."""
    filler = (first + " " + "bbbb " * 20)[:length]
    return filler if not filler.endswith(" ") else filler[:-1] + "b"


def _question(n: int, options: list[tuple[str, bool]], stem: str = "") -> str:
    """A 4-line single-answer question: the heading and three options."""
    lines = [f"### {stem or 'Elige la mejor alternativa'} {n}"]
    lines += [f"- [{'x' if right else ' '}] {text}" for text, right in options]
    return "\n".join(lines) + "\n"


def _quiz(questions: list[str]) -> str:
    return "\n## Prueba\n\n::: prueba\n" + "".join(questions) + ":::\n"


def _ranked(n: int, rank: int, right_word: str = "Luego", wrong_words=("Luego", "Luego")):
    """Question N whose right option is the RANK-th shortest (0, 1 or 2)."""
    wrong = iter(wrong_words)
    options = [
        (_text(size, right_word if i == rank else next(wrong)), i == rank)
        for i, size in enumerate(SIZES)
    ]
    return _question(n, options)


def _course(build, questions: list[str], slug: str = "curso"):
    return build.load({"01-a.md": lesson(_quiz(questions))}, slug=slug)


def _shortest_course(n: int = 6) -> list[str]:
    return [_ranked(i, 0) for i in range(1, n + 1)]


def _balanced_course() -> list[str]:
    # The right option is the shortest in two questions, the middle one in two, the longest in
    # two: as often as chance says.
    return [_ranked(i, (i - 1) % 3) for i in range(1, 7)]


def _figures_line(output: str, slug: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(slug + ":"))


# --- the warning -----------------------------------------------------------------------------


def test_a_course_whose_right_option_is_always_the_shortest_warns_once(build):
    _course_obj, problems = _course(build, _shortest_course())
    warning = only(problems, "quiz-form-cues")
    assert (warning.path, warning.line, warning.severity) == ("curso/01-a.md", FIRST, "warning")
    assert warning.message.startswith(
        "quien no leyó el curso y elige solo por la forma de las opciones acierta en promedio "
        "100 % de las 6 preguntas de una respuesta de este curso; al azar acertaría 33 % "
        "(67 puntos más; el máximo es 5). Le basta elegir la opción más corta;"
    )
    assert "Reescribe las opciones incorrectas" in warning.message
    assert "flask courses quiz-cues" in warning.message
    assert f"curso/01-a.md:{FIRST}: warning: quien no leyó el curso" in format_problems(problems)


def test_a_course_whose_right_option_is_always_the_longest_warns_too(build):
    _course_obj, problems = _course(build, [_ranked(i, 2) for i in range(1, 7)])
    warning = only(problems, "quiz-form-cues")
    assert warning.line == FIRST
    assert "acierta en promedio 100 % de las 6 preguntas" in warning.message
    assert "Le basta elegir la opción más larga;" in warning.message


def test_a_balanced_course_does_not_warn_and_reads_at_chance(build, capsys):
    course, problems = _course(build, _balanced_course())
    assert find(problems, "quiz-form-cues") == []
    figures = course_figures(course.quizzes.values())
    assert (figures.questions, round(figures.chance, 4), round(figures.reader, 4)) == (
        6,
        0.3333,
        0.3333,
    )
    assert main(["quiz-cues", str(build.root)]) == 0
    line = _figures_line(capsys.readouterr().out, "curso")
    assert "lector de forma 33 % (+0 puntos: bien)" in line
    assert "señales que usa: ninguna" in line


def test_the_warning_points_at_the_first_question_the_cue_answers(build):
    questions = [_ranked(1, 1), _ranked(2, 2)] + _shortest_course(5)[2:] + [_ranked(6, 0)]
    _course_obj, problems = _course(build, questions)
    warning = only(problems, "quiz-form-cues")
    assert warning.line == FIRST + 2 * 4  # questions 1 and 2 are not answered by "shortest"
    assert "acierta en promedio 67 % de las 6 preguntas" in warning.message


def test_absolute_words_only_in_wrong_options_warn(build):
    # Lengths are balanced; one wrong option of each question says «nunca».
    questions = [_ranked(i, (i - 1) % 3, wrong_words=("Nunca", "Luego")) for i in range(1, 7)]
    _course_obj, problems = _course(build, questions)
    warning = only(problems, "quiz-form-cues")
    assert warning.line == FIRST
    assert "acierta en promedio 50 % de las 6 preguntas" in warning.message
    assert "Le basta descartar las opciones con palabras absolutas;" in warning.message


def test_absolute_words_in_right_and_wrong_options_alike_do_not_warn(build, capsys):
    # One option in each question says «nunca»: the right one in a third of the questions.
    questions = [
        _ranked(
            i,
            (i - 1) % 3,
            right_word="Nunca" if i in (1, 4) else "Luego",
            wrong_words=("Luego", "Luego") if i in (1, 4) else ("Nunca", "Luego"),
        )
        for i in range(1, 7)
    ]
    _course_obj, problems = _course(build, questions)
    assert find(problems, "quiz-form-cues") == []
    assert main(["quiz-cues", str(build.root)]) == 0
    line = _figures_line(capsys.readouterr().out, "curso")
    assert "palabras absolutas en correctas/incorrectas 2/4" in line
    assert "lector de forma 33 %" in line


def test_hedges_only_in_right_options_warn(build):
    # Lengths are balanced; the right option of each question says «puede».
    questions = [_ranked(i, (i - 1) % 3, right_word="Puede") for i in range(1, 7)]
    course, problems = _course(build, questions)
    figures = course_figures(course.quizzes.values())
    assert (figures.hedge_right, figures.hedge_wrong) == (6, 0)
    warning = only(problems, "quiz-form-cues")
    assert "acierta en promedio 100 % de las 6 preguntas" in warning.message
    assert "Le basta elegir las opciones con matices («puede», «en general»);" in warning.message


ECHO_TOPICS = ("balance", "inventario", "presupuesto", "contrato", "estatuto", "registro")


def test_a_right_option_that_echoes_the_question_warns(build):
    questions = []
    for i, topic in enumerate(ECHO_TOPICS, start=1):
        rank = (i - 1) % 3
        options = []
        for j, size in enumerate(SIZES):
            text = _text(size)
            if j == rank:  # the right option repeats the topic of the question
                text = topic.capitalize() + " " + text[len(topic) + 1 :]
            options.append((text, j == rank))
        questions.append(_question(i, options, stem=f"¿Quién firma el {topic}?"))
    course, problems = _course(build, questions)
    figures = course_figures(course.quizzes.values())
    assert (figures.echo_right, figures.echo_wrong) == (6, 0)
    assert round(figures.shortest, 4) == round(figures.longest, 4) == 0.3333  # length says nothing
    warning = only(problems, "quiz-form-cues")
    assert warning.line == FIRST
    assert "Le basta elegir la opción que repite palabras de la pregunta;" in warning.message


@pytest.mark.parametrize(
    "answers",
    [
        # The old per-question check warned at both: the right word is the longer one.
        [("Nueve", "Diez"), ("Siete", "Tres")],
        # Six questions: the right word is the longer one in half of them, as chance says.
        [("Nueve", "Diez"), ("Siete", "Tres"), ("Doce", "Cinco"), ("Ocho", "Veinte")] * 1
        + [("Seis", "Quince"), ("Treinta", "Once")],
    ],
)
def test_two_one_word_options_do_not_warn(build, answers):
    questions = [
        f"### ¿Cuántas personas firman el acta {n}?\n- [x] {right}\n- [ ] {wrong}\n"
        for n, (right, wrong) in enumerate(answers, start=1)
    ]
    _course_obj, problems = _course(build, questions)
    assert [p for p in problems if p.code.startswith("quiz-")] == []
    assert find(problems, "quiz-longest-correct") == []


def test_a_course_with_fewer_than_five_questions_does_not_warn_but_shows_its_figures(build, capsys):
    _course_obj, problems = _course(build, _shortest_course(4))
    assert find(problems, "quiz-form-cues") == []
    assert main(["quiz-cues", str(build.root / "curso")]) == 0
    line = _figures_line(capsys.readouterr().out, "curso")
    assert "lector de forma 100 % (+67 puntos; menos de 5 preguntas, no avisa)" in line


def test_true_false_and_other_kinds_do_not_count_as_single_answer(build):
    tf = "### Afirmación {n}.\n- [ ] Verdadero\n- [x] Falso\n"
    multiple = "### ¿Cuáles {n}?\nTipo: varias\n- [x] Ab\n- [x] Cd\n- [ ] Una opción larga\n"
    questions = [tf.format(n=1), tf.format(n=2)] + [multiple.format(n=n) for n in range(3, 8)]
    course, _problems = _course(build, questions)
    assert course_figures(course.quizzes.values()).questions == 0


@pytest.mark.parametrize(
    ("text", "absolute", "hedge"),
    [
        ("Sólo la asamblea decide", True, False),
        ("Únicamente el gerente", True, False),
        ("Ningún socio vota", True, False),
        ("Puede pedirlo en general", False, True),
        ("Por lo general lo aprueba la asamblea", False, True),
        ("La asamblea decide", False, False),
        ("Todo el grupo", False, False),  # «todo» with a noun is not «todos»
    ],
)
def test_absolute_words_and_hedges_are_found_without_accents_or_case(text, absolute, hedge):
    assert (has_absolute(text), has_hedge(text)) == (absolute, hedge)


def test_the_easy_read_wording_of_the_quizzes_is_measured_too(build, capsys):
    # The full wording is balanced; in the easy-read one the right option is always the shortest.
    full = _balanced_course()
    easy = []
    for i in range(1, 7):
        rank = (i - 1) % 3
        sizes = iter((33, 45))
        options = [(_text(21 if j == rank else next(sizes)), j == rank) for j in range(3)]
        easy.append(_question(i, options, stem="Elige la opción fácil"))
    easy_file = (
        "---\ntitulo: Fácil\n---\n\n## Tema\n\nTexto fácil.\n\n::: prueba\n"
        + "".join(easy)
        + ":::\n"
    )
    _course_obj, problems = build.load(
        {"01-a.md": lesson(_quiz(full), easy=False), "01-a.lf.md": easy_file}
    )
    warning = only(problems, "quiz-form-cues")
    assert (warning.path, warning.line) == ("curso/01-a.lf.md", 10)
    assert warning.message.startswith(
        "en la versión de lectura fácil de las pruebas, quien no leyó el curso y elige solo por "
        "la forma de las opciones acierta en promedio 100 % de las 6 preguntas"
    )
    assert main(["quiz-cues", str(build.root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" · ")[2] for line in lines] == [
        "lector de forma 33 % (+0 puntos: bien)",
        "lector de forma 100 % (+67 puntos: AVISO, más de 5)",
    ]
    assert lines[1].startswith("curso (lectura fácil): 6 preguntas de una respuesta")


# --- the command -----------------------------------------------------------------------------


def test_python_m_app_content_quiz_cues_prints_one_line_per_course(build, capsys):
    _course(build, _shortest_course(), slug="corto")
    _course(build, _balanced_course(), slug="parejo")
    assert main(["quiz-cues", str(build.root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "corto: 6 preguntas de una respuesta · azar 33 % · lector de forma 100 % (+67 puntos: "
        "AVISO, más de 5) · correcta la más corta 100 %, la más larga 0 % · palabras absolutas "
        "en correctas/incorrectas 0/0 · matices 0/0 · eco de la pregunta 0 de 6 correctas/0 de "
        "12 incorrectas · señales que usa: elegir la opción más corta",
        "parejo: 6 preguntas de una respuesta · azar 33 % · lector de forma 33 % (+0 puntos: "
        "bien) · correcta la más corta 33 %, la más larga 33 % · palabras absolutas en "
        "correctas/incorrectas 0/0 · matices 0/0 · eco de la pregunta 0 de 6 correctas/0 de 12 "
        "incorrectas · señales que usa: ninguna",
    ]


def test_quiz_cues_says_what_it_cannot_measure(build, capsys, tmp_path):
    assert main(["quiz-cues", str(tmp_path / "nada"), str(FIXTURES / "courses-broken")]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'nada'}: no existe este archivo o carpeta" in out
    errors = [p for p in check_paths([FIXTURES / "courses-broken" / "curso-roto"])]
    assert sum(p.severity == "error" for p in errors) == 7
    assert "curso-roto: no se puede medir: tiene 7 errores; corrígelos (flask courses check)" in out
    assert "curso-sano: " in out  # the good course of that folder is still measured


def test_flask_courses_quiz_cues_uses_the_courses_folder(build, make_app, tmp_path):
    _course(build, _shortest_course(), slug="corto")
    app = make_app(COURSES_DIR=str(build.root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    result = app.test_cli_runner().invoke(args=["courses", "quiz-cues"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "corto: 6 preguntas de una respuesta · azar 33 % · lector de forma 100 % (+67 puntos: "
        "AVISO, más de 5)"
    )
    one = app.test_cli_runner().invoke(args=["courses", "quiz-cues", str(build.root / "corto")])
    assert one.output == result.output
    help_text = app.test_cli_runner().invoke(args=["courses", "--help"]).output
    assert "quiz-cues" in help_text


# --- the shipped courses ---------------------------------------------------------------------


def test_no_shipped_course_can_be_passed_from_the_form_of_its_options(capsys):
    """Issue 24's target: on every shipped course, in the full and the easy-read wording, the
    form-only reader does no better than chance plus 5 points."""
    assert main(["quiz-cues", str(SHIPPED)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 11  # every course measured (and its easy-read wording)
    over = [line for line in lines if "AVISO" in line]
    assert over == [], "\n".join(over)
