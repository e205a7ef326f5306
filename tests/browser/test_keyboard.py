"""Keyboard-only journeys: log in, enrol, read, mark complete; take and pass a quiz."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.course_store import get_store
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.quizzes.models import QuizAttempt
from tests.browser.keyboard import active, id_is, tab_to, text_is
from tests.helpers import PASSWORD
from tests.worlds import COURSE, LESSON, QUIZ


def _new_participant(app, username: str) -> None:
    with app.app_context():
        user = User(username=username, full_name="Persona de Teclado", role="participant")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


def test_skip_link_is_first_and_moves_to_main(page, scenario):
    page.goto("/cursos/")
    page.keyboard.press("Tab")
    first = active(page)
    assert first["href"] == "#contenido" and first["text"] == "Saltar al contenido"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_keyboard_journey_login_enrol_read_complete(page, browser_app, scenario):
    _new_participant(browser_app, "teclado1")
    page.goto("/")
    tab_to(page, text_is("Ingresar"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/ingresar")
    tab_to(page, id_is("login"))
    page.keyboard.type("teclado1")
    page.keyboard.press("Tab")
    assert active(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/mis-cursos")

    tab_to(page, lambda i: i["href"] == "/cursos/")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cursos/")
    tab_to(page, text_is("Curso de prueba"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cursos/{COURSE}/")
    tab_to(page, text_is("Inscribirme"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cursos/{COURSE}/{LESSON}")
    assert page.locator("h1").count() == 1
    tab_to(page, text_is("Marcar como completada"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cursos/{COURSE}/02-trabajo-en-equipo")
    assert "1 de 3 lecciones completadas" in page.locator("main").inner_text()

    with browser_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "teclado1"))
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
        done = db.session.scalars(
            select(LessonProgress.lesson_slug).where(LessonProgress.enrollment_id == enrollment.id)
        ).all()
    assert done == [LESSON]


def test_keyboard_quiz_with_every_question_type(page, browser_app, scenario):
    _new_participant(browser_app, "teclado2")
    with browser_app.app_context():
        quiz = get_store().get(COURSE).quizzes[QUIZ]
    assert {q.kind for q in quiz.questions} == {
        "single",
        "multiple",
        "true_false",
        "text",
        "ordering",
    }
    page.goto("/ingresar")
    page.fill("#login", "teclado2")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/mis-cursos")
    page.goto(f"/cursos/{COURSE}/pruebas/{QUIZ}")
    tab_to(page, text_is("Comenzar la prueba"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/intentos/*")

    for q in quiz.questions:
        name = f"q-{q.key}"
        if q.kind in ("single", "true_false"):
            right = next(o for o in q.options if o.correct)
            tab_to(page, lambda i, n=name: i["name"] == n)
            # Arrow keys move through a radio group; stop on the right option.
            for _ in range(len(q.options) + 1):
                if active(page)["id"] == f"{name}-{right.key}":
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            assert page.is_checked(f"#{name}-{right.key}")
        elif q.kind == "multiple":
            for option in q.options:
                tab_to(page, id_is(f"{name}-{option.key}"))
                if option.correct:
                    page.keyboard.press("Space")
        elif q.kind == "text":
            tab_to(page, id_is(name))
            page.keyboard.type(q.answers[0])
        elif q.kind == "ordering":
            # Each item has a select: choose its position by typing the number.
            for position, option in enumerate(q.options, start=1):
                tab_to(page, id_is(f"{name}-{option.key}"))
                page.keyboard.type(str(position))
                assert page.input_value(f"#{name}-{option.key}") == str(position)
    tab_to(page, text_is("Enviar respuestas"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/resultado*")
    assert "Aprobaste la prueba" in page.content()
    focused_summary = page.evaluate(
        "document.querySelector(':target') && document.querySelector(':target').id"
    )
    assert focused_summary == "resumen"
    with browser_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "teclado2"))
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id))
    assert attempt.state == "submitted" and attempt.passed and attempt.percent == 100
