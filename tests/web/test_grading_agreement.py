"""One grading path: the same posted answers get the same verdicts in an attempt and in the
workshop's preview of the quiz, for every kind of question (issue 20)."""

from __future__ import annotations

import re

import pytest

from app.course_store import get_store
from app.extensions import db
from app.quizzes.models import QuizAttempt
from tests.helpers import correct_form, wrong_form

COURSE = "curso-prueba"
QUIZ = "repaso-cooperativas"  # single p1, multiple p2, true_false p3, text p4, ordering p5
PREVIEW = f"/formacion/taller/{COURSE}/vista-previa/pruebas/{QUIZ}"
VERDICT = re.compile(
    r'<section class="question-result is-(correct|wrong)" aria-labelledby="r-(\w+)"'
)
SCORE = re.compile(r"Obtuviste (\d+) de (\d+) puntos")


def _with(quiz, **changes) -> dict:
    """The right answers to QUIZ with some fields replaced (None: left out)."""
    data = correct_form(quiz)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _cases(quiz) -> dict[str, dict]:
    return {
        "all right": correct_form(quiz),
        "all wrong": wrong_form(quiz),
        # The options of p5 are written b, a, c: the right order.
        "ordering reversed": _with(quiz, q_p5_b="3", q_p5_a="2", q_p5_c="1"),
        "ordering swapped": _with(quiz, q_p5_b="2", q_p5_a="1", q_p5_c="3"),
        "ordering half given": _with(quiz, q_p5_b="1", q_p5_a="2", q_p5_c=""),
        "ordering all first": _with(quiz, q_p5_b="1", q_p5_a="1", q_p5_c="1"),
        "single wrong": _with(
            quiz, q_p1=next(o.key for o in quiz.questions[0].options if not o.correct)
        ),
        "single blank": _with(quiz, q_p1=None),
        "multiple one short": _with(
            quiz, q_p2=[o.key for o in quiz.questions[1].options if o.correct][:1]
        ),
        "multiple none": _with(quiz, q_p2=None),
        "true false wrong": _with(
            quiz, q_p3=next(o.key for o in quiz.questions[2].options if not o.correct)
        ),
        "text shouted with accents": _with(
            quiz, q_p4="  " + quiz.questions[3].answers[0].upper() + "!! "
        ),
        "text wrong": _with(quiz, q_p4="no sé"),
    }


def _verdicts(html: str) -> dict[str, bool]:
    return {key: verdict == "correct" for verdict, key in VERDICT.findall(html)}


def _attempt_verdicts(app, client, make_user, login_as, data: dict) -> tuple[dict, int]:
    person = make_user()
    login_as(client, person)
    client.post(f"/cursos/{COURSE}/inscripcion")
    started = client.post(f"/cursos/{COURSE}/pruebas/{QUIZ}/intentos")
    attempt_id = int(re.search(r"/intentos/(\d+)", started.headers["Location"]).group(1))
    sent = client.post(f"/intentos/{attempt_id}", data={**data, "accion": "enviar"})
    assert sent.status_code == 302
    with app.app_context():
        row = db.session.get(QuizAttempt, attempt_id)
        stored = {key: value["correct"] for key, value in row.results.items()}
        score = row.score
    page = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
    assert _verdicts(page) == stored  # the result page shows what was stored
    client.post("/salir")
    return stored, score


@pytest.fixture
def quiz(app):
    with app.app_context():
        return get_store().get(COURSE).quizzes[QUIZ]


@pytest.mark.parametrize(
    "case",
    [
        "all right",
        "all wrong",
        "ordering reversed",
        "ordering swapped",
        "ordering half given",
        "ordering all first",
        "single wrong",
        "single blank",
        "multiple one short",
        "multiple none",
        "true false wrong",
        "text shouted with accents",
        "text wrong",
    ],
)
def test_the_preview_grades_posted_answers_as_an_attempt_does(
    app, client, client_as, make_user, login_as, quiz, case
):
    data = _cases(quiz)[case]
    preview = client_as(make_user("admin")).post(PREVIEW, data=data).get_data(as_text=True)
    in_preview = _verdicts(preview)
    preview_score = int(SCORE.search(preview).group(1))
    in_attempt, attempt_score = _attempt_verdicts(app, client, make_user, login_as, data)
    assert set(in_preview) == {q.key for q in quiz.questions}
    assert in_preview == in_attempt
    assert preview_score == attempt_score


def test_a_reversed_ordering_is_wrong_in_the_preview(client_as, make_user, quiz):
    data = _with(quiz, q_p5_b="3", q_p5_a="2", q_p5_c="1")
    page = client_as(make_user("admin")).post(PREVIEW, data=data).get_data(as_text=True)
    assert _verdicts(page)["p5"] is False
    assert _verdicts(page)["p1"] is True
    assert f"Obtuviste {quiz.max_score - 1} de {quiz.max_score} puntos" in page


def test_a_position_that_is_no_plain_number_is_no_server_error(
    app, client, client_as, make_user, login_as, quiz
):
    data = _with(quiz, q_p5_b="²", q_p5_a="2", q_p5_c="3")  # "²".isdigit() is true
    preview = client_as(make_user("admin")).post(PREVIEW, data=data)
    assert preview.status_code == 200
    assert _verdicts(preview.get_data(as_text=True))["p5"] is False
    in_attempt, _score = _attempt_verdicts(app, client, make_user, login_as, data)
    assert in_attempt["p5"] is False and in_attempt["p1"] is True
