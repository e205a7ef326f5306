"""Take a quiz: overview, start, answer (saved as you go), submit, results."""

from __future__ import annotations

import logging
import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.content.grading import read_posted_answers
from app.course_store import course_or_404, get_course_version, get_store
from app.learning import services as learning
from app.preferences.current import easy_read_asked, reading_version
from app.quizzes import bp
from app.quizzes import services as quizzes
from app.quizzes.services import AnswerOutcome
from app.web.errors import refuse_to
from app.web.forms import ConfirmForm

PAGE_SIZE = 5
log = logging.getLogger("aula.quizzes")

# What the attempt page tells after answers were sent: (message, flash category); none for a
# plain submission, which goes straight to its result.
OUTCOME_MESSAGES = {
    AnswerOutcome.SAVED: (_l("Guardamos tus respuestas. Puedes volver cuando quieras."), "success"),
    AnswerOutcome.SUBMITTED: None,
    AnswerOutcome.SUBMITTED_LATE: (
        _l(
            "El tiempo de la prueba había terminado: se corrigieron las respuestas "
            "guardadas hasta ese momento."
        ),
        "info",
    ),
    AnswerOutcome.TIME_OVER: (
        _l(
            "El tiempo de la prueba terminó: se corrigieron las respuestas guardadas "
            "hasta ese momento."
        ),
        "info",
    ),
    AnswerOutcome.ALREADY_SUBMITTED: (
        _l("Este intento ya estaba enviado; no se volvió a corregir. Este es su resultado."),
        "info",
    ),
}


def _tell(outcome: AnswerOutcome) -> None:
    message = OUTCOME_MESSAGES[outcome]
    if message is not None:
        flash(str(message[0]), message[1])


def _version() -> dict:
    """The reading version chosen in the address, kept from page to page of a quiz."""
    return {"version": request.args["version"]} if easy_read_asked() else {}


def _reading() -> dict:
    """What the quiz templates need of the reading version: the easy wording or the full one,
    and the address argument that keeps the choice on the next pages."""
    return {"easy_reading": reading_version() == "facil", "version_args": _version()}


def _quiz_or_404(course, quiz_id: str):
    quiz = course.quizzes.get(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


def _own_attempt_or_404(attempt_id: int):
    return quizzes.get_own_attempt(current_user, attempt_id)  # NotFound: the 404 page


def _attempt_context(attempt):
    course = get_course_version(attempt.course_slug, attempt.course_version)
    if course is None:
        # The version is gone from this host's cache: the current one is the best we have.
        log.warning("course %s version %s not cached", attempt.course_slug, attempt.course_version)
        course = course_or_404(attempt.course_slug)
    quiz = quizzes.quiz_for_attempt(course, attempt)
    if quiz is None:
        abort(404)
    return course, quiz


@bp.route("/cursos/<slug>/pruebas/<quiz_id>")
def overview(slug: str, quiz_id: str):
    course = course_or_404(slug)
    quiz = _quiz_or_404(course, quiz_id)
    enrollment = learning.get_enrollment(current_user, course.slug)
    attempts = quizzes.attempts_for(current_user, course.slug, quiz.id)
    submitted = [a for a in attempts if a.state == "submitted"]
    current = next((a for a in attempts if a.state == "in_progress"), None)
    remaining = quizzes.remaining_attempts(quiz, attempts)
    extra = quizzes.extra_minutes(current_user, course.slug, quiz.id)
    return render_template(
        "quizzes/overview.html",
        **_reading(),
        course=course,
        quiz=quiz,
        lesson=course.lesson(quiz.lesson_slug),
        enrollment=enrollment,
        submitted=submitted,
        current=current,
        remaining=remaining,
        extra=extra,
        form=ConfirmForm(),
    )


@bp.route("/cursos/<slug>/pruebas/<quiz_id>/intentos", methods=["POST"])
@refuse_to("quizzes.overview")
def start(slug: str, quiz_id: str):
    course = course_or_404(slug)
    quiz = _quiz_or_404(course, quiz_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("No pudimos empezar la prueba. Inténtalo otra vez."), "error")
        return redirect(url_for("quizzes.overview", slug=slug, quiz_id=quiz_id, **_version()))
    enrollment = quizzes.enrollment_for_quiz(current_user, course)
    attempt = quizzes.start_attempt(current_user, enrollment, course, quiz)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id, **_version()))


@bp.route("/intentos/<int:attempt_id>", methods=["GET", "POST"])
def attempt(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    course, quiz = _attempt_context(attempt)
    pages = max(1, math.ceil(len(quiz.questions) / PAGE_SIZE))
    page = request.args.get("pagina", "1")
    page = min(max(int(page) if page.isdigit() else 1, 1), pages)
    if attempt.state == "submitted":
        if request.method == "POST":
            _tell(AnswerOutcome.ALREADY_SUBMITTED)
        return _to_result(attempt)
    form = ConfirmForm()
    if request.method == "POST":
        return _answer(attempt, course, quiz, form, page, pages)
    return _attempt_page(attempt, course, quiz, form, page, pages)


def _to_result(attempt):
    return redirect(
        url_for("quizzes.result", attempt_id=attempt.id, _anchor="resumen", **_version())
    )


def _answer(attempt, course, quiz, form: ConfirmForm, page: int, pages: int):
    """Save (or submit) the answers posted from PAGE, then go where the button said."""
    if not form.validate_on_submit():
        flash(_("El formulario caducó. Tus respuestas guardadas siguen aquí."), "error")
        return redirect(
            url_for("quizzes.attempt", attempt_id=attempt.id, pagina=page, **_version())
        )
    answers = read_posted_answers(quiz, request.form.to_dict(flat=False))
    action = request.form.get("accion", "guardar")
    outcome = quizzes.answer_attempt(
        current_user, attempt, course, quiz, answers, submit=action == "enviar"
    )
    if outcome.closed:
        _tell(outcome)
        return _to_result(attempt)
    target = {"anterior": page - 1, "siguiente": page + 1}.get(action, page)
    if action == "guardar":  # turning a page saves without a word
        _tell(outcome)
    return redirect(
        url_for(
            "quizzes.attempt",
            attempt_id=attempt.id,
            pagina=min(max(target, 1), pages),
            **_version(),
        )
    )


def _attempt_page(attempt, course, quiz, form: ConfirmForm, page: int, pages: int):
    """PAGE of the open attempt's questions, with the answers saved so far."""
    start_index = (page - 1) * PAGE_SIZE
    questions = quiz.questions[start_index : start_index + PAGE_SIZE]
    return render_template(
        "quizzes/attempt.html",
        **_reading(),
        course=course,
        quiz=quiz,
        attempt=attempt,
        questions=questions,
        first_number=start_index + 1,
        page=page,
        pages=pages,
        orders=quizzes.display_orders(attempt, questions),
        answers=attempt.answers or {},
        form=form,
    )


@bp.route("/intentos/<int:attempt_id>/resultado")
def result(attempt_id: int):
    attempt = _own_attempt_or_404(attempt_id)
    course, quiz = _attempt_context(attempt)
    if attempt.state != "submitted":
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id, **_version()))
    current_course = get_store().get(course.slug) or course
    enrollment = learning.get_enrollment(current_user, course.slug)
    attempts = quizzes.attempts_for(current_user, course.slug, quiz.id)
    remaining = quizzes.remaining_attempts(quiz, attempts)
    return render_template(
        "quizzes/result.html",
        **_reading(),
        course=current_course,
        quiz=quiz,
        attempt=attempt,
        results=attempt.results or {},
        answers=attempt.answers or {},
        orders=quizzes.display_orders(attempt, quiz.questions),
        enrollment=enrollment,
        remaining=remaining,
        form=ConfirmForm(),
    )
