"""Easy-read wording of a quiz: written in the lesson's .lf.md, checked against the full quiz."""

from __future__ import annotations

import pytest

from app.content.grading import grade_answers
from app.content.model import QuizBlock

from .helpers import CourseBuilder, find, lesson, only

FULL = """
## Tema

Texto de la lección.

::: prueba repaso
### ¿Quién decide en una cooperativa?
- [ ] La persona que puso más dinero
  > No: cada persona tiene un voto.
- [x] La asamblea de personas socias
- [ ] La municipalidad
Pista: Piensa en la reunión de todas las personas socias.
Retroalimentación: La asamblea decide.

### ¿Qué valores son cooperativos?
Tipo: varias
- [x] Ayuda mutua
- [x] Democracia
- [ ] Competencia sin reglas

### Una cooperativa tiene un solo dueño.
- [ ] Verdadero
- [x] Falso

### ¿Cómo se llama la reunión donde votan las personas socias?
Respuesta: asamblea
Respuesta: asamblea general
Puntos: 2

### Ordena los pasos para formar una cooperativa
1. Reunir al grupo
2. Escribir los estatutos
3. Hacer la asamblea constitutiva
:::
"""

QUESTIONS = """
### ¿Quién decide?
- [ ] Quien puso más plata
- [x] La asamblea
  > Muy bien. En la asamblea votan todas las personas.
- [ ] La municipalidad
Pista: Piensa en la reunión.

### Marca los valores de una cooperativa
- [x] Ayudarnos
- [x] Votar todas las personas
- [ ] Ganarle al otro

### Hay un solo dueño.
- [ ] Verdadero
- [x] Falso

### ¿Cómo se llama la reunión?

### Ordena los pasos
1. Juntarnos
2. Escribir las reglas
3. Hacer la primera reunión
"""


def easy_file(questions: str = QUESTIONS, *, header: str = "::: prueba repaso\n") -> str:
    """An easy-read file: text, then the quiz block (its first question is on line 11)."""
    return (
        "---\ntitulo: Fácil\n---\n\n## Tema\n\nTexto fácil.\n\n"
        + header
        + "Titulo: Preguntas fáciles\n"
        + questions.lstrip("\n")
        + ":::\n\nFin del texto.\n"
    )


@pytest.fixture
def build(tmp_path):
    builder = CourseBuilder(tmp_path)

    def load(easy: str, full: str = FULL):
        return builder.load({"01-uno.md": lesson(full, easy=False), "01-uno.lf.md": easy})

    return load


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_easy_wording_is_bound_to_the_full_keys(build):
    course, problems = build(easy_file())
    assert errors(problems) == []
    quiz = course.quizzes["repaso"]
    easy = quiz.easy_read
    assert easy.title == "Preguntas fáciles"
    assert [q.key for q in easy.questions] == [q.key for q in quiz.questions]
    assert [q.kind for q in easy.questions] == [q.kind for q in quiz.questions]
    assert easy.questions[0].prompt_text == "¿Quién decide?"
    for full_q, easy_q in zip(quiz.questions, easy.questions, strict=True):
        assert [(o.key, o.correct) for o in easy_q.options] == [
            (o.key, o.correct) for o in full_q.options
        ]
        assert easy_q.points == full_q.points
    # Ordering steps keep the full question's keys, so a saved answer means the same step.
    ordering = easy.questions[4]
    assert [o.text for o in ordering.options] == [
        "Juntarnos",
        "Escribir las reglas",
        "Hacer la primera reunión",
    ]
    # What the wording leaves out comes from the full version.
    assert easy.questions[3].answers == ("asamblea", "asamblea general")
    assert easy.questions[0].feedback_html == "La asamblea decide."
    assert easy.questions[0].options[0].feedback_html == "No: cada persona tiene un voto."
    assert "Muy bien" in easy.questions[0].options[1].feedback_html
    assert easy.questions[0].hint_html == "Piensa en la reunión."
    # Settings are the full quiz's.
    assert (easy.passing_score, easy.max_attempts) == (quiz.passing_score, quiz.max_attempts)


def test_grading_is_the_same_with_either_wording(build):
    course, _ = build(easy_file())
    quiz = course.quizzes["repaso"]
    answers = {
        "p1": "b",
        "p2": ["a", "b"],
        "p3": "b",
        "p4": "Asamblea General.",
        "p5": [o.key for o in quiz.questions[4].options],
    }
    assert grade_answers(quiz.easy_read, answers) == grade_answers(quiz, answers)
    assert grade_answers(quiz, answers).percent == 100
    wrong = {"p1": "a", "p2": ["a"], "p3": "a", "p4": "junta", "p5": []}
    assert grade_answers(quiz.easy_read, wrong) == grade_answers(quiz, wrong)


def test_the_quiz_card_sits_where_the_easy_text_puts_it(build):
    course, _ = build(easy_file())
    blocks = course.lessons[0].easy_read
    assert [type(b).__name__ for b in blocks] == ["HtmlBlock", "QuizBlock", "HtmlBlock"]
    assert blocks[1] == QuizBlock("repaso")
    assert "Fin del texto." in blocks[2].html
    # Quiz text is not lesson prose: the narration of the easy-read text leaves it out.
    assert "Juntarnos" not in course.lessons[0].easy_read_text
    assert "Fin del texto." in course.lessons[0].easy_read_text


def test_without_id_the_block_is_the_lessons_quiz_in_the_same_place(build):
    course, problems = build(easy_file(header="::: prueba\n"))
    assert errors(problems) == []
    assert course.quizzes["repaso"].easy_read is not None


def test_missing_easy_wording_is_allowed(build):
    course, problems = build("## Tema\n\nTexto fácil.\n")
    assert errors(problems) == []
    assert course.quizzes["repaso"].easy_read is None
    quiz = course.quizzes["repaso"]
    assert quiz.wording(True) is quiz
    assert quiz.worded(quiz.questions[0], True) is quiz.questions[0]


def test_wording_helpers_pick_the_easy_text_only_for_easy_readers(build):
    course, _ = build(easy_file())
    quiz = course.quizzes["repaso"]
    assert quiz.wording(False) is quiz
    assert quiz.wording(True) is quiz.easy_read
    assert (
        quiz.worded(quiz.questions[1], True).prompt_text == "Marca los valores de una cooperativa"
    )
    assert quiz.worded(quiz.questions[1], False) is quiz.questions[1]


def test_different_number_of_questions_is_refused(build):
    fewer = QUESTIONS.split("### Ordena los pasos")[0]
    course, problems = build(easy_file(fewer))
    assert course is None
    problem = only(problems, "quiz-easy-count")
    assert (problem.path, problem.line) == ("curso/01-uno.lf.md", 9)
    assert "tiene 4 preguntas y la versión completa tiene 5" in problem.message


def test_different_kind_is_refused(build):
    changed = QUESTIONS.replace("### Hay un solo dueño.\n", "### Hay un solo dueño.\nTipo: una\n")
    course, problems = build(easy_file(changed))
    assert course is None
    problem = only(problems, "quiz-easy-kind")
    assert problem.path == "curso/01-uno.lf.md"
    assert "tipo una" in problem.message and "verdadero-falso" in problem.message


def test_numbered_list_for_a_choice_question_is_refused(build):
    changed = QUESTIONS.replace(
        "- [x] Ayudarnos\n- [x] Votar todas las personas\n- [ ] Ganarle al otro\n",
        "1. Ayudarnos\n2. Votar\n",
    )
    course, problems = build(easy_file(changed))
    assert course is None
    assert find(problems, "quiz-mixed") or find(problems, "quiz-kind-mismatch")


def test_different_number_of_options_is_refused(build):
    changed = QUESTIONS.replace("- [ ] La municipalidad\n", "")
    course, problems = build(easy_file(changed))
    assert course is None
    problem = only(problems, "quiz-easy-options")
    assert problem.line == 11
    assert "tiene 2 opciones y en la versión completa tiene 3" in problem.message


def test_different_correct_option_is_refused(build):
    changed = QUESTIONS.replace(
        "- [ ] Quien puso más plata\n- [x] La asamblea",
        "- [x] Quien puso más plata\n- [ ] La asamblea",
    )
    course, problems = build(easy_file(changed))
    assert course is None
    problem = only(problems, "quiz-easy-answer-key")
    assert (problem.path, problem.line) == ("curso/01-uno.lf.md", 11)
    assert "allí la opción 2, aquí la opción 1" in problem.message


def test_options_in_another_order_are_refused(build):
    changed = QUESTIONS.replace(
        "- [x] Ayudarnos\n- [x] Votar todas las personas\n- [ ] Ganarle al otro\n",
        "- [ ] Ganarle al otro\n- [x] Ayudarnos\n- [x] Votar todas las personas\n",
    )
    _course, problems = build(easy_file(changed))
    assert (
        "allí las opciones 1 y 2, aquí las opciones 2 y 3"
        in only(problems, "quiz-easy-answer-key").message
    )


def test_different_accepted_answers_are_refused(build):
    changed = QUESTIONS.replace(
        "### ¿Cómo se llama la reunión?\n", "### ¿Cómo se llama la reunión?\nRespuesta: junta\n"
    )
    course, problems = build(easy_file(changed))
    assert course is None
    assert "asamblea · asamblea general" in only(problems, "quiz-easy-answers").message


def test_same_accepted_answers_written_differently_are_fine(build):
    changed = QUESTIONS.replace(
        "### ¿Cómo se llama la reunión?\n",
        "### ¿Cómo se llama la reunión?\nRespuesta: Asamblea General\nRespuesta: ASAMBLEA.\n",
    )
    course, problems = build(easy_file(changed))
    assert errors(problems) == []
    assert course.quizzes["repaso"].easy_read.questions[3].answers == (
        "Asamblea General",
        "ASAMBLEA.",
    )


def test_different_number_of_steps_is_refused(build):
    changed = QUESTIONS.replace("3. Hacer la primera reunión\n", "")
    _course, problems = build(easy_file(changed))
    assert (
        "tiene 2 pasos y en la versión completa tiene 3"
        in only(problems, "quiz-easy-options").message
    )


def test_other_points_and_settings_are_refused(build):
    changed = QUESTIONS.replace(
        "### ¿Cómo se llama la reunión?\n", "### ¿Cómo se llama la reunión?\nPuntos: 1\n"
    )
    course, problems = build(easy_file(changed, header="::: prueba repaso\nAprobacion: 50\n"))
    assert course is None
    assert "vale 1 puntos y en la versión completa 2" in only(problems, "quiz-easy-points").message
    assert only(problems, "quiz-easy-setting").line == 10


def test_same_points_may_be_repeated(build):
    changed = QUESTIONS.replace(
        "### ¿Cómo se llama la reunión?\n", "### ¿Cómo se llama la reunión?\nPuntos: 2\n"
    )
    _course, problems = build(easy_file(changed))
    assert errors(problems) == []


def test_unknown_quiz_id_is_refused(build):
    course, problems = build(easy_file(header="::: prueba otra\n"))
    assert course is None
    problem = only(problems, "quiz-easy-unknown")
    assert (problem.path, problem.line) == ("curso/01-uno.lf.md", 9)
    assert "'otra'" in problem.message


def test_a_second_wording_of_the_same_quiz_is_refused(build):
    text = easy_file() + "\n::: prueba repaso\n" + QUESTIONS.lstrip("\n") + ":::\n"
    course, problems = build(text)
    assert course is None
    assert (
        "ya tiene su versión de lectura fácil en la línea 9"
        in only(problems, "quiz-easy-duplicate").message
    )


def test_syntax_errors_point_at_the_easy_file(build):
    changed = QUESTIONS.replace("- [ ] Ganarle al otro\n", "- [ ] Ganarle al otro\nColor: rojo\n")
    _course, problems = build(easy_file(changed))
    problem = only(problems, "quiz-unknown-key")
    assert problem.path == "curso/01-uno.lf.md"


def test_a_quiz_file_takes_its_easy_wording_from_its_lf_file(tmp_path):
    quiz_file = """---
titulo: Prueba del módulo
minutos: 10
objetivos:
  - Repasar
tipo: prueba
id: modulo
---

Responde con calma.

## ¿Quién decide en una cooperativa?
- [ ] La persona que puso más dinero
- [x] La asamblea de personas socias
"""
    easy = """::: prueba
## ¿Quién decide?
- [ ] Quien puso más plata
- [x] La asamblea
:::
"""
    course, problems = CourseBuilder(tmp_path).load(
        {"01-prueba.md": quiz_file, "01-prueba.lf.md": easy}
    )
    assert errors(problems) == []
    assert course.quizzes["modulo"].easy_read.questions[0].prompt_text == "¿Quién decide?"
    assert course.lessons[0].easy_read == (QuizBlock("modulo"),)
