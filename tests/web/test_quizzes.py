"""Taking quizzes: no leaks, saving and resuming, grading exactly once, limits, completion."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.content.grading import read_posted_answers
from app.course_store import get_store
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.quizzes.models import QuizAttempt, QuizTimeExtension
from app.timeutil import utcnow
from tests.helpers import FIXTURE_COURSES, correct_form, count, wrong_form

COURSE = "curso-prueba"
QUIZ = "repaso-cooperativas"
FINAL = "prueba-final"


@pytest.fixture
def course(app):
    with app.app_context():
        return get_store().get(COURSE)


@pytest.fixture
def participant(client, make_user, login_as):
    user = make_user()
    login_as(client, user)
    client.post(f"/cursos/{COURSE}/inscripcion")
    return user


def start(client, quiz_id=QUIZ) -> int:
    response = client.post(f"/cursos/{COURSE}/pruebas/{quiz_id}/intentos")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/intentos/(\d+)", response.headers["Location"]).group(1))


def submit(client, attempt_id: int, data: dict):
    return client.post(f"/intentos/{attempt_id}", data={**data, "accion": "enviar"})


def attempt_row(attempt_id: int) -> QuizAttempt:
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def test_quiz_pages_need_login(client):
    response = client.get(f"/cursos/{COURSE}/pruebas/{QUIZ}")
    assert response.status_code == 302 and "/ingresar" in response.headers["Location"]


def test_overview_and_start(client, participant, ctx, course):
    html = client.get(f"/cursos/{COURSE}/pruebas/{QUIZ}").get_data(as_text=True)
    assert "Repaso de la lección" in html
    assert "3 en total" in html and "Sin límite de tiempo" in html
    attempt_id = start(client)
    row = attempt_row(attempt_id)
    assert (row.state, row.number, row.course_version) == ("in_progress", 1, course.version)
    assert start(client) == attempt_id  # the open attempt is reused
    assert count(QuizAttempt) == 1


def test_attempt_page_is_accessible_markup(client, participant, course):
    html = client.get(f"/intentos/{start(client)}").get_data(as_text=True)
    quiz = course.quizzes[QUIZ]
    assert html.count("<fieldset") == len(quiz.questions)
    assert html.count("<legend>") == len(quiz.questions)
    assert 'type="radio"' in html and 'type="checkbox"' in html and "<select" in html
    for label_for in re.findall(r'<input type="(?:radio|checkbox)" id="([^"]+)"', html):
        assert f'<label for="{label_for}">' in html
    assert 'aria-describedby="q-p1-hint"' in html  # the hint is tied to its question


def _marker_course(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / COURSE, root / COURSE)
    lesson = root / COURSE / "01-que-es-una-cooperativa.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("Correcto: son siete principios.", "MARCADOR-OPCION-CORRECTA")
    text = text.replace("No son cinco. Vuelve a contar la lista.", "MARCADOR-OPCION-MALA")
    text = text.replace(
        "Retroalimentación: Los siete principios guían a todas las cooperativas.",
        "Retroalimentación: MARCADOR-RETRO",
    )
    text = text.replace("Respuesta: asamblea general", "Respuesta: MARCADORRESPUESTA")
    lesson.write_text(text, encoding="utf-8")
    return root


def test_nothing_of_the_answers_leaks_before_submission(make_app, make_user, tmp_path, login_as):
    marked = make_app(
        COURSES_DIR=str(_marker_course(tmp_path)), COURSE_CACHE_DIR=str(tmp_path / "c")
    )
    client = marked.test_client()
    login_as(client, make_user())
    client.post(f"/cursos/{COURSE}/inscripcion")
    pages = [
        client.get(f"/cursos/{COURSE}/pruebas/{QUIZ}").get_data(as_text=True),
        client.get(f"/intentos/{start(client)}").get_data(as_text=True),
        client.get(f"/cursos/{COURSE}/01-que-es-una-cooperativa").get_data(as_text=True),
    ]
    for html in pages:
        for marker in ("MARCADOR-OPCION", "MARCADOR-RETRO", "MARCADORRESPUESTA"):
            assert marker not in html
        assert not re.search(r"\bcorrect", html, re.IGNORECASE)
        assert not re.search(r"\bpuntos?\b", html, re.IGNORECASE)
        assert "Puntaje" not in html
    with marked.app_context():
        quiz = get_store().get(COURSE).quizzes[QUIZ]
    ordering = next(q for q in quiz.questions if q.kind == "ordering")
    shown = re.findall(rf'<select id="q-{ordering.key}-(\w+)"', pages[1])
    assert shown and shown != [o.key for o in ordering.options]


def test_answers_are_saved_and_restored(client, participant, ctx, course):
    attempt_id = start(client)
    quiz = course.quizzes[QUIZ]
    data = correct_form(quiz)
    response = client.post(f"/intentos/{attempt_id}", data={**data, "accion": "guardar"})
    assert response.status_code == 302
    saved = attempt_row(attempt_id)
    assert saved.state == "in_progress"
    assert set(saved.answers) == {q.key for q in quiz.questions}
    client.get("/mis-cursos")  # leave and come back
    html = client.get(f"/intentos/{attempt_id}").get_data(as_text=True)
    single = next(q for q in quiz.questions if q.kind == "single")
    assert re.search(rf'value="{data["q-" + single.key]}" checked', html)
    text_q = next(q for q in quiz.questions if q.kind == "text")
    assert f'value="{data["q-" + text_q.key]}"' in html
    assert "selected" in html  # ordering positions restored


def test_submit_grades_and_shows_results(client, participant, ctx, course):
    attempt_id = start(client)
    response = submit(client, attempt_id, correct_form(course.quizzes[QUIZ]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/intentos/{attempt_id}/resultado#resumen")
    row = attempt_row(attempt_id)
    quiz = course.quizzes[QUIZ]
    assert (row.state, row.score, row.max_score, row.percent, row.passed) == (
        "submitted",
        quiz.max_score,
        quiz.max_score,
        100,
        True,
    )
    html = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
    assert 'id="resumen"' in html and "Aprobaste la prueba" in html
    assert "Correcto: son siete principios." in html  # per-option feedback after submission
    assert "Los siete principios guían" in html  # question feedback
    assert "asamblea general" in html  # accepted answers are shown now


def test_wrong_answers_fail_and_show_feedback(client, participant, ctx, course):
    attempt_id = start(client)
    submit(client, attempt_id, wrong_form(course.quizzes[QUIZ]))
    row = attempt_row(attempt_id)
    assert row.passed is False and row.score == 0
    html = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
    assert "Esta vez no aprobaste" in html
    assert "No son cinco. Vuelve a contar la lista." in html
    assert "Hacer otro intento" in html


def test_text_answers_ignore_case_accents_and_spaces(client, participant, ctx, course):
    quiz = course.quizzes[QUIZ]
    text_q = next(q for q in quiz.questions if q.kind == "text")
    data = correct_form(quiz)
    data[f"q-{text_q.key}"] = "  ÁSAMBLEA   General. "
    attempt_id = start(client)
    submit(client, attempt_id, data)
    assert attempt_row(attempt_id).results[text_q.key]["correct"] is True


def test_submitting_twice_grades_once(client, participant, ctx, course):
    attempt_id = start(client)
    quiz = course.quizzes[QUIZ]
    submit(client, attempt_id, correct_form(quiz))
    replay = submit(client, attempt_id, wrong_form(quiz))  # an old form, a second tab
    assert replay.status_code == 302
    follow = client.get(replay.headers["Location"]).get_data(as_text=True)
    assert "ya estaba enviado" in follow
    row = attempt_row(attempt_id)
    assert row.passed is True and row.score == quiz.max_score
    assert count(AuditEvent, AuditEvent.action == "quiz_submitted") == 1
    saving_late = client.post(f"/intentos/{attempt_id}", data={"accion": "guardar"})
    assert saving_late.status_code == 302
    assert attempt_row(attempt_id).score == quiz.max_score


def test_attempt_limit(client, participant, ctx, course):
    quiz = course.quizzes[QUIZ]
    assert quiz.max_attempts == 3
    for _ in range(3):
        submit(client, start(client), wrong_form(quiz))
    response = client.post(f"/cursos/{COURSE}/pruebas/{QUIZ}/intentos", follow_redirects=True)
    assert "Ya usaste los 3 intentos de esta prueba." in response.get_data(as_text=True)
    assert count(QuizAttempt) == 3
    html = client.get(f"/cursos/{COURSE}/pruebas/{QUIZ}").get_data(as_text=True)
    assert html.count("No aprobado") == 3  # the attempt history


def test_best_attempt_counts_by_default(client, participant, ctx, course, app):
    quiz = course.quizzes[QUIZ]
    submit(client, start(client), correct_form(quiz))
    submit(client, start(client), wrong_form(quiz))
    with app.app_context():
        from app.quizzes.services import counted_results

        enrollment = db.session.scalar(select(Enrollment))
        assert counted_results(enrollment, course)[QUIZ] is True


def test_someone_elses_attempt_is_not_found(app, client, participant, make_user, course, login_as):
    attempt_id = start(client)
    other = app.test_client()
    login_as(other, make_user())
    assert other.get(f"/intentos/{attempt_id}").status_code == 404
    assert other.get(f"/intentos/{attempt_id}/resultado").status_code == 404
    assert submit(other, attempt_id, correct_form(course.quizzes[QUIZ])).status_code == 404
    assert other.get("/intentos/999999").status_code == 404


def test_course_completion_needs_every_lesson_and_quiz(client, participant, ctx, course):
    for lesson in course.lessons:
        if lesson.kind == "lesson":
            client.post(f"/cursos/{COURSE}/{lesson.slug}/completar")
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.status == "active"  # the quizzes are still to pass
    submit(client, start(client), correct_form(course.quizzes[QUIZ]))
    db.session.expire_all()
    assert db.session.scalar(select(Enrollment)).status == "active"
    submit(client, start(client, FINAL), correct_form(course.quizzes[FINAL]))
    db.session.expire_all()
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.status == "completed"
    assert enrollment.completed_version == course.version
    assert count(LessonProgress, LessonProgress.lesson_slug == "03-prueba-final") == 1
    assert count(AuditEvent, AuditEvent.action == "course_completed") == 1
    page = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "Completaste este curso el" in page
    assert "Completado el" in client.get("/mis-cursos").get_data(as_text=True)


def test_time_limit_is_shown_and_enforced_on_the_server(client, participant, ctx, course):
    quiz = course.quizzes[FINAL]
    assert quiz.time_limit_minutes == 30
    overview = client.get(f"/cursos/{COURSE}/pruebas/{FINAL}").get_data(as_text=True)
    assert "30 minutos desde que empiezas" in overview
    attempt_id = start(client, FINAL)
    row = attempt_row(attempt_id)
    assert timedelta(minutes=29) < row.deadline_at - row.started_at <= timedelta(minutes=30)
    client.post(f"/intentos/{attempt_id}", data={**wrong_form(quiz), "accion": "guardar"})
    db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id)
        .values(deadline_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    late = submit(client, attempt_id, correct_form(quiz))
    assert late.status_code == 302
    row = attempt_row(attempt_id)
    assert row.state == "submitted" and row.passed is False  # the late answers were not taken


def test_time_extension_lengthens_the_deadline(client, participant, ctx, course):
    db.session.add(
        QuizTimeExtension(
            user_id=participant.id, course_slug=COURSE, quiz_id=FINAL, extra_minutes=15
        )
    )
    db.session.commit()
    html = client.get(f"/cursos/{COURSE}/pruebas/{FINAL}").get_data(as_text=True)
    assert "45 minutos desde que empiezas" in html
    row = attempt_row(start(client, FINAL))
    assert row.deadline_at - row.started_at > timedelta(minutes=44)


def test_attempt_is_graded_against_the_version_it_started_with(
    make_app, make_user, tmp_path, reader_app, login_as
):
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / COURSE, root / COURSE)
    cache = tmp_path / "cache"
    first = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(cache))
    client = first.test_client()
    login_as(client, make_user())
    client.post(f"/cursos/{COURSE}/inscripcion")
    with first.app_context():
        old_course = get_store().get(COURSE)
        old_quiz = old_course.quizzes[QUIZ]
    attempt_id = start(client)
    # The trainer edits the course: "Siete" is no longer the right answer.
    lesson = root / COURSE / "01-que-es-una-cooperativa.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("- [ ] Cinco", "- [x] Cinco", 1).replace("- [x] Siete", "- [ ] Siete", 1)
    lesson.write_text(text, encoding="utf-8")
    second = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(cache))
    with second.app_context():
        assert get_store().get(COURSE).version != old_course.version
    other_client = second.test_client()
    other_client.set_cookie("session", client.get_cookie("session").value)
    response = submit(other_client, attempt_id, correct_form(old_quiz))
    assert response.status_code == 302, response.status_code
    with reader_app.app_context():
        row = db.session.get(QuizAttempt, attempt_id)
        assert row.passed is True and row.score == old_quiz.max_score


@pytest.mark.parametrize("repeat", range(5))
def test_simultaneous_submissions_grade_exactly_once(app, make_user, course, repeat):
    user = make_user()
    quiz = course.quizzes[QUIZ]
    with app.app_context():
        from app.accounts.models import User
        from app.learning import services as learning
        from app.quizzes import services as quizzes

        person = db.session.get(User, user.id)
        enrollment = learning.enroll(person, course)
        attempt = quizzes.start_attempt(person, enrollment, course, quiz)
        db.session.commit()
        attempt_id = attempt.id
    answers = {k: v if isinstance(v, list) else [v] for k, v in correct_form(quiz).items()}
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def worker():
        try:
            with app.app_context():
                from app.accounts.models import User
                from app.quizzes import services as quizzes

                person = db.session.get(User, user.id)
                row = db.session.get(QuizAttempt, attempt_id)
                cleaned = read_posted_answers(quiz, answers)
                barrier.wait(timeout=10)
                outcome = quizzes.submit_attempt(person, row, course, quiz, cleaned)
                db.session.commit()
                outcomes.append(outcome.graded_now)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(outcomes) == [False, False, False, True]
    with app.app_context():
        assert count(AuditEvent, AuditEvent.action == "quiz_submitted") == 1
        assert db.session.get(QuizAttempt, attempt_id).state == "submitted"


@pytest.mark.parametrize("repeat", range(3))
def test_simultaneous_starts_open_one_attempt(app, make_user, course, repeat):
    user = make_user()
    quiz = course.quizzes[QUIZ]
    with app.app_context():
        from app.accounts.models import User
        from app.learning import services as learning

        learning.enroll(db.session.get(User, user.id), course)
        db.session.commit()
    barrier = threading.Barrier(4)
    ids, errors = [], []

    def worker():
        try:
            with app.app_context():
                from app.accounts.models import User
                from app.learning import services as learning
                from app.quizzes import services as quizzes

                person = db.session.get(User, user.id)
                enrollment = learning.get_enrollment(person, COURSE)
                barrier.wait(timeout=10)
                attempt = quizzes.start_attempt(person, enrollment, course, quiz)
                db.session.commit()
                ids.append(attempt.id)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids)) == 1
    with app.app_context():
        assert count(QuizAttempt) == 1


def test_all_lessons_done_but_a_quiz_missing_says_which(client, participant, course):
    """Issue 15: "5 de 5 lecciones" and nothing happening is explained, with a link."""
    lessons = course.lessons
    for lesson in lessons:
        if lesson.kind != "quiz":
            client.post(f"/cursos/{COURSE}/{lesson.slug}/completar")
    submit(client, start(client, FINAL), correct_form(course.quizzes[FINAL]))
    course_page = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    lesson_page = client.get(f"/cursos/{COURSE}/{lessons[0].slug}").get_data(as_text=True)
    for html in (course_page, lesson_page):
        assert f"{len(lessons)} de {len(lessons)} lecciones completadas" in html
        assert "Para terminar el curso te falta aprobar esta prueba:" in html
        assert f'href="/cursos/{COURSE}/pruebas/{QUIZ}"' in html
        assert course.quizzes[QUIZ].title in html
    # Passing it completes the course, and the notice goes away.
    submit(client, start(client, QUIZ), correct_form(course.quizzes[QUIZ]))
    html = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "te falta aprobar" not in html
