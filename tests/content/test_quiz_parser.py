"""Quiz syntax: every question kind and every quiz error at its line.

The `::: prueba` line is line 7 of the lesson; the first quiz line is line 8.
"""

from __future__ import annotations

import pytest

from .helpers import LESSON_FM, find, lesson, only


def quiz(build, text: str, block: str = "::: prueba"):
    return build.load({"01-uno.md": lesson(f"{block}\n{text}:::\n")})


def test_default_ids_and_titles(build):
    q = "### ¿Sí?\n- [x] Sí\n- [ ] No\n"
    body = f"::: prueba\n{q}:::\n\n::: prueba\n{q}:::\n"
    course, problems = build.load({"01-uno.md": lesson(body)})
    assert problems == []
    assert list(course.quizzes) == ["uno", "uno-2"]
    assert course.quizzes["uno"].title == "Prueba: Lección"
    assert course.lessons[0].quiz_ids == ("uno", "uno-2")


def test_settings(build):
    text = (
        "Titulo: Repaso\nAprobacion: 70\nIntentos: 2\nTiempo: 20\nObligatoria: no\n\n"
        "### ¿Sí?\n- [x] Sí\n- [ ] No\n"
    )
    course, problems = quiz(build, text, "::: prueba repaso")
    assert problems == []
    q = course.quizzes["repaso"]
    assert (q.title, q.passing_score, q.max_attempts, q.time_limit_minutes, q.required) == (
        "Repaso",
        70,
        2,
        20,
        False,
    )
    assert course.required_quiz_ids == ()


def test_bad_setting_values(build):
    text = "Aprobacion: 170\nIntentos: cero\n\n### ¿Sí?\n- [x] Sí\n- [ ] No\n"
    _, problems = quiz(build, text)
    assert [p.line for p in find(problems, "quiz-bad-setting")] == [8, 9]


def test_unknown_setting(build):
    _, problems = quiz(build, "Aprovacion: 70\n### ¿Sí?\n- [x] Sí\n- [ ] No\n")
    p = only(problems, "quiz-unknown-setting")
    assert p.line == 8 and "¿quisiste decir 'aprobacion'?" in p.message


def test_no_correct_answer(build):
    _, problems = quiz(build, "### ¿Cuántos?\n- [ ] Cinco\n- [ ] Siete\n")
    p = only(problems, "quiz-no-correct")
    assert (p.line, p.message) == (
        8,
        "la pregunta no tiene respuesta correcta; marca la correcta con - [x]",
    )


def test_two_correct_in_single(build):
    _, problems = quiz(build, "### ¿Cuántos?\n- [x] Cinco\n- [X] Siete\n")
    p = only(problems, "quiz-many-correct")
    assert p.line == 8
    assert "2 respuestas correctas; marca solo una o usa Tipo: varias" in p.message


def test_empty_option(build):
    _, problems = quiz(build, "### ¿Cuántos?\n- [x] Cinco\n- [ ]\n")
    assert only(problems, "quiz-empty-option").line == 10


def test_too_few_options(build):
    _, problems = quiz(build, "### ¿Cuántos?\n- [x] Cinco\n")
    assert only(problems, "quiz-few-options").line == 8


def test_unrecognised_line(build):
    _, problems = quiz(build, "### ¿Cuántos?\n- [x] Cinco\n- [ ] Seis\nesto sobra\n")
    p = only(problems, "quiz-syntax")
    assert p.line == 11
    assert p.message.startswith("línea no reconocida en la prueba: «esto sobra»")
    assert "una pregunta empieza con ###, las opciones con - [ ] o - [x]" in p.message


def test_option_without_box(build):
    _, problems = quiz(build, "### ¿Cuántos?\n- [x] Cinco\n- Seis\n")
    assert only(problems, "quiz-syntax").line == 10


def test_text_before_first_question(build):
    _, problems = quiz(build, "Hola a todos\n### ¿Cuántos?\n- [x] Cinco\n- [ ] Seis\n")
    assert only(problems, "quiz-syntax").line == 8


def test_unknown_kind_and_key(build):
    text = (
        "### ¿A?\nTipo: muchas\n- [x] a\n- [ ] b\n\n"
        "### ¿B?\n- [x] a\n- [ ] b\nPistas: x\nColor: rojo\n"
    )
    _, problems = quiz(build, text)
    p = only(problems, "quiz-bad-kind")
    assert p.line == 9 and "una, varias, verdadero-falso, texto u orden" in p.message
    unknown = find(problems, "quiz-unknown-key")
    assert [u.line for u in unknown] == [16, 17]
    assert "¿quisiste decir 'pista'?" in unknown[0].message
    assert "Tipo, Pista, Retroalimentación, Puntos o Respuesta" in unknown[1].message


def test_empty_quiz(build):
    _, problems = quiz(build, "\n")
    assert only(problems, "quiz-empty").line == 7


def test_quiz_id_rules(build):
    q = "### ¿Sí?\n- [x] Sí\n- [ ] No\n"
    body = f"::: prueba Mi_Prueba\n{q}:::\n\n::: prueba uno\n{q}:::\n\n::: prueba uno\n{q}:::\n"
    _, problems = build.load({"01-uno.md": lesson(body)})
    assert only(problems, "quiz-id").line == 7
    assert only(problems, "quiz-id-duplicate").line == 19


def test_quiz_ids_unique_across_files(build):
    q = "### ¿Sí?\n- [x] Sí\n- [ ] No\n"
    files = {
        "01-uno.md": lesson(f"::: prueba repaso\n{q}:::\n"),
        "02-dos.md": lesson(f"::: prueba repaso\n{q}:::\n"),
    }
    _, problems = build.load(files)
    p = only(problems, "quiz-id-duplicate")
    assert (p.path, p.line) == ("curso/02-dos.md", 7)


def test_multiple(build):
    course, problems = quiz(build, "### ¿Cuáles?\nTipo: varias\n- [x] a\n- [x] b\n- [ ] c\n")
    assert problems == []
    assert course.quizzes["uno"].questions[0].kind == "multiple"


def test_multiple_without_correct(build):
    _, problems = quiz(build, "### ¿Cuáles?\nTipo: varias\n- [ ] a\n- [ ] b\n")
    assert only(problems, "quiz-no-correct").line == 8


def test_true_false_inferred_and_checked(build):
    course, problems = quiz(build, "### ¿Es así?\n- [ ] verdadero\n- [x] FALSO\n")
    assert problems == []
    assert course.quizzes["uno"].questions[0].kind == "true_false"
    _, problems = quiz(build, "### ¿Es así?\nTipo: verdadero-falso\n- [x] Sí\n- [ ] No\n")
    assert only(problems, "quiz-true-false").line == 8


def test_text_question(build):
    course, problems = quiz(build, "### ¿Capital?\nRespuesta: Santiago\nRespuesta: Stgo\n")
    assert problems == []
    assert course.quizzes["uno"].questions[0].answers == ("Santiago", "Stgo")


def test_text_question_without_answer(build):
    _, problems = quiz(build, "### ¿Capital?\nTipo: texto\n")
    p = only(problems, "quiz-no-answer")
    assert p.line == 8


def test_question_without_anything(build):
    _, problems = quiz(build, "### ¿Capital?\n")
    assert only(problems, "quiz-no-options").line == 8


def test_ordering(build):
    course, problems = quiz(build, "### Ordena\n1. uno\n2. dos\n3. tres\n")
    assert problems == []
    q = course.quizzes["uno"].questions[0]
    assert q.kind == "ordering"
    assert [o.text for o in q.options] == ["uno", "dos", "tres"]


def test_ordering_errors(build):
    _, problems = quiz(build, "### Ordena\n1. uno\n\n### Ordena otra\n1. a\n3. b\n")
    assert only(problems, "quiz-few-options").line == 8
    assert only(problems, "quiz-order-numbers").line == 12


def test_mixed_options_and_steps(build):
    _, problems = quiz(build, "### ¿A?\n- [x] a\n- [ ] b\n1. c\n")
    assert only(problems, "quiz-mixed").line == 8


def test_bad_points(build):
    _, problems = quiz(build, "### ¿A?\n- [x] a\n- [ ] b\nPuntos: cero\n")
    assert only(problems, "quiz-bad-points").line == 11


def test_feedback_out_of_place(build):
    _, problems = quiz(build, "### ¿A?\n> sin opción\n- [x] a\n- [ ] b\n")
    assert only(problems, "quiz-feedback-place").line == 9


def test_prompt_markdown_is_sanitised_inline(build):
    text = (
        "### ¿Qué es **la** [ACI](https://ica.coop)?\nLee con calma.\n"
        "- [x] Una `alianza`\n- [ ] <b>nada</b>\n"
    )
    course, problems = quiz(build, text)
    assert problems == []
    q = course.quizzes["uno"].questions[0]
    assert "<strong>la</strong>" in q.prompt_html
    assert 'rel="noopener noreferrer"' in q.prompt_html
    assert "<br>Lee con calma." in q.prompt_html
    assert q.prompt_text == "¿Qué es la ACI? Lee con calma."
    assert q.options[0].html == "Una <code>alianza</code>"
    assert q.options[1].html == "&lt;b&gt;nada&lt;/b&gt;"


def test_quiz_inside_callout_is_an_error(build):
    text = ":::: nota\n::: prueba\n### ¿A?\n- [x] a\n- [ ] b\n:::\n::::\n"
    _, problems = build.load({"01-uno.md": lesson(text)})
    assert only(problems, "quiz-nested").line == 8


def test_unclosed_quiz(build):
    text = lesson("::: prueba\n### ¿A?\n- [x] a\n- [ ] b\n", easy=False)
    _, problems = build.load({"01-uno.md": text})
    assert only(problems, "container-unclosed").line == 7


QUIZ_FILE = """---
titulo: Prueba del módulo
minutos: 5
objetivos: [Repasar]
tipo: prueba
aprobacion: 80
intentos: 2
obligatoria: no
---

Lee bien cada pregunta.

## ¿A?
- [x] a
- [ ] b
"""


def test_quiz_file(build):
    course, problems = build.load({"01-modulo.md": QUIZ_FILE})
    assert problems == []
    quiz_ = course.quizzes["modulo"]
    assert (quiz_.title, quiz_.passing_score, quiz_.max_attempts, quiz_.required) == (
        "Prueba del módulo",
        80,
        2,
        False,
    )
    assert quiz_.questions[0].line == 13
    assert course.lessons[0].kind == "quiz"


def test_quiz_file_bad_values_and_no_questions(build):
    text = QUIZ_FILE.replace("aprobacion: 80", "aprobacion: 180").split("## ¿A?")[0]
    _, problems = build.load({"01-modulo.md": text})
    assert only(problems, "front-matter-bad-value").line == 6
    assert only(problems, "quiz-empty").path == "curso/01-modulo.md"


def test_quiz_file_custom_id(build):
    text = QUIZ_FILE.replace("tipo: prueba", "tipo: prueba\nid: final")
    course, problems = build.load({"01-modulo.md": text})
    assert problems == [] and list(course.quizzes) == ["final"]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("tipo: prueba", "tipo: prueba\nid: Final!", 6),
        ("tipo: prueba", "tipo: prueba\ntiempo: 0", 6),
        ("intentos: 2", "intentos: 0", 7),
        ("obligatoria: no", "obligatoria: quizás", 8),
    ],
)
def test_quiz_file_bad_settings(build, old, new, line):
    _, problems = build.load({"01-modulo.md": QUIZ_FILE.replace(old, new)})
    assert only(problems, "front-matter-bad-value").line == line


def test_duplicate_front_matter_key(build):
    text = QUIZ_FILE.replace("intentos: 2", "intentos: 2\nIntentos: 3")
    _, problems = build.load({"01-modulo.md": text})
    assert only(problems, "front-matter-duplicate-key").line == 8


def test_lesson_fm_helper_lines():
    assert LESSON_FM.count("\n") == 6
