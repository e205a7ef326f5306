"""What the attempt page says after answers are sent: one outcome, one message (issue 20)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.course_store import get_store
from app.extensions import db
from app.quizzes.models import QuizAttempt
from app.quizzes.services import AnswerOutcome
from app.quizzes.views import OUTCOME_MESSAGES
from app.timeutil import utcnow
from tests.helpers import correct_form, wrong_form

COURSE = "curso-prueba"
QUIZ = "repaso-cooperativas"
FINAL = "prueba-final"  # 30 minutes
SAVED = "Guardamos tus respuestas. Puedes volver cuando quieras."
ALREADY = "Este intento ya estaba enviado; no se volvió a corregir. Este es su resultado."
LATE_SUBMIT = "El tiempo de la prueba había terminado: se corrigieron las respuestas guardadas"
LATE_SAVE = "El tiempo de la prueba terminó: se corrigieron las respuestas guardadas"
ALL = (SAVED, ALREADY, LATE_SUBMIT, LATE_SAVE)


@pytest.fixture
def participant(client, make_user, login_as):
    user = make_user()
    login_as(client, user)
    client.post(f"/cursos/{COURSE}/inscripcion")
    return user


def _quiz(app, quiz_id):
    with app.app_context():
        return get_store().get(COURSE).quizzes[quiz_id]


def _start(client, quiz_id=QUIZ) -> int:
    response = client.post(f"/cursos/{COURSE}/pruebas/{quiz_id}/intentos")
    return int(re.search(r"/intentos/(\d+)", response.headers["Location"]).group(1))


def _send(client, attempt_id, data, action):
    return client.post(
        f"/intentos/{attempt_id}", data={**data, "accion": action}, follow_redirects=True
    )


def _flashes(response) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+" role="\w+">([^<]*)</p>', response.get_data(True))


def _say(response, expected: str | None) -> None:
    ours = [f for f in _flashes(response) if f.startswith(ALL)]
    if expected is None:
        assert ours == []
    else:
        assert len(ours) == 1 and ours[0].startswith(expected), ours


def _time_is_over(app, attempt_id):
    with app.app_context():
        db.session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id)
            .values(deadline_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()


def test_every_outcome_has_one_entry_in_the_message_table():
    assert set(OUTCOME_MESSAGES) == set(AnswerOutcome)
    assert OUTCOME_MESSAGES[AnswerOutcome.SUBMITTED] is None
    assert [o for o in AnswerOutcome if not o.closed] == [AnswerOutcome.SAVED]


def test_saving_says_so_turning_a_page_and_submitting_say_nothing(app, client, participant):
    quiz = _quiz(app, QUIZ)
    attempt_id = _start(client)
    _say(_send(client, attempt_id, correct_form(quiz), "guardar"), SAVED)
    _say(_send(client, attempt_id, correct_form(quiz), "siguiente"), None)
    submitted = _send(client, attempt_id, correct_form(quiz), "enviar")
    _say(submitted, None)
    assert "Aprobaste la prueba" in submitted.get_data(as_text=True)


def test_a_second_submission_is_not_graded_again_and_says_so(app, client, participant):
    quiz = _quiz(app, QUIZ)
    attempt_id = _start(client)
    _send(client, attempt_id, correct_form(quiz), "enviar")
    again = _send(client, attempt_id, wrong_form(quiz), "enviar")
    _say(again, ALREADY)
    assert "Aprobaste la prueba" in again.get_data(as_text=True)  # still the first grading
    _say(_send(client, attempt_id, wrong_form(quiz), "guardar"), ALREADY)


def test_submitting_after_the_time_grades_what_was_saved_and_says_so(app, client, participant):
    quiz = _quiz(app, FINAL)
    attempt_id = _start(client, FINAL)
    _send(client, attempt_id, wrong_form(quiz), "guardar")
    _time_is_over(app, attempt_id)
    late = _send(client, attempt_id, correct_form(quiz), "enviar")
    _say(late, LATE_SUBMIT)
    with app.app_context():
        row = db.session.get(QuizAttempt, attempt_id)
        assert (row.state, row.passed) == ("submitted", False)


def test_saving_after_the_time_grades_what_was_saved_and_says_so(app, client, participant):
    quiz = _quiz(app, FINAL)
    attempt_id = _start(client, FINAL)
    _send(client, attempt_id, correct_form(quiz), "guardar")
    _time_is_over(app, attempt_id)
    late = _send(client, attempt_id, wrong_form(quiz), "guardar")
    _say(late, LATE_SAVE)
    with app.app_context():
        row = db.session.get(QuizAttempt, attempt_id)
        assert (row.state, row.passed) == ("submitted", True)


def test_the_messages_are_translated(app, client, participant):
    quiz = _quiz(app, QUIZ)
    attempt_id = _start(client)
    english = {"Accept-Language": "en-US,en;q=0.9"}
    saved = client.post(
        f"/intentos/{attempt_id}",
        data={**correct_form(quiz), "accion": "guardar"},
        headers=english,
        follow_redirects=True,
    )
    assert "We saved your answers. You can come back at any time." in _flashes(saved)
