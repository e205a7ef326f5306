"""Enrol, read lessons, mark them done, and see my courses."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from app.course_store import (
    content_generation,
    course_or_404,
    get_course,
    get_store,
    lesson_or_404,
)
from app.learning import bp
from app.learning import services as learning
from app.learning.forms import EnrollForm
from app.learning.narration import lesson_audio
from app.learning.withdrawn import withdrawn_courses, withdrawn_page
from app.narration.services import narration_on_its_way
from app.preferences.current import current_preferences, easy_read_asked, reading_version
from app.web.access import public
from app.web.errors import form_errors, refuse_to
from app.web.forms import ConfirmForm
from app.web.page_shell import render_personal_page
from app.web.visitor_cache import visitor_cacheable

PERSONAL = "learning/_lesson_personal.html"  # the personal parts of a lesson page


@bp.route("/cursos/<slug>/inscripcion", methods=["POST"])
def enroll(slug: str):
    course = course_or_404(slug)
    form = EnrollForm()
    if not form.validate_on_submit():
        flash(_("No pudimos inscribirte. Inténtalo otra vez."), "error")
        return redirect(url_for("catalog.course_detail", slug=slug))
    already = learning.get_enrollment(current_user, course.slug) is not None
    with form_errors(form) as sent:
        learning.enroll(current_user, course, key=form.key.data)
    if not sent.ok:
        return (
            render_template(
                "catalog/course_detail.html",
                course=course,
                enrollment=None,
                progress=learning.course_progress(None, course),
                form=form,
            ),
            sent.error.status,  # 429 after too many wrong keys
        )
    if not already:
        flash(_("Te inscribiste en «%(title)s».", title=course.title), "success")
    first = course.lessons[0] if course.lessons else None
    if first is None:
        return redirect(url_for("catalog.course_detail", slug=slug))
    return redirect(url_for("learning.lesson", slug=slug, lesson_slug=first.slug))


@bp.route("/cursos/<slug>/<lesson_slug>")
@public
@visitor_cacheable
def lesson(slug: str, lesson_slug: str):
    course = get_course(slug)
    if course is None:  # withdrawn: the people enrolled learn when and what they keep
        return withdrawn_page(current_user, slug) or abort(404)
    lesson = lesson_or_404(course, lesson_slug)
    signed_in = current_user.is_authenticated
    enrollment, progress = learning.enrollment_and_progress(current_user, course)
    index = lesson.number - 1
    previous = course.lessons[index - 1] if index > 0 else None
    following = course.lessons[index + 1] if index + 1 < len(course.lessons) else None
    easy = lesson.easy_read is not None and reading_version() == "facil"
    blocks = lesson.blocks(easy)
    extra_quizzes = [
        course.quizzes[q] for q in lesson.quizzes_left_out(easy) if q in course.quizzes
    ]
    audio = lesson_audio(course, lesson, easy)
    # No audio yet, but a job will make it: the page says so instead of saying nothing.
    audio_coming = audio is None and narration_on_its_way(lesson, easy)
    done = lesson.slug in progress.done
    # Only the enrol form has a field; the one-button forms use csrf_token() directly.
    # None for visitors: no CSRF token, so their page can be cached.
    enroll_form = EnrollForm() if signed_in and enrollment is None else None

    def personal_parts() -> dict[str, str]:
        panel = get_template_attribute(PERSONAL, "progress_panel")
        return {
            "user_name": escape(current_user.full_name),
            "csrf": escape(generate_csrf()),
            "done_badge": get_template_attribute(PERSONAL, "done_badge")(done),
            "progress_panel": panel(
                course, lesson, enrollment, progress, done, enroll_form, current_user, request.path
            ),
        }

    return render_personal_page(
        "learning/lesson.html",
        key=(
            course.version,
            easy,
            audio,
            audio_coming,
            tuple(current_preferences().html_classes()),
        ),
        generation=content_generation(),
        slots=personal_parts,
        # Read only inside slots: sealed while the shared shell is rendered.
        personal={
            "enrollment": enrollment,
            "progress": progress,
            "done": done,
            "enroll_form": enroll_form,
        },
        easy=easy,
        blocks=blocks,
        extra_quizzes=extra_quizzes,
        audio=audio,
        audio_coming=audio_coming,
        course=course,
        lesson=lesson,
        previous=previous,
        following=following,
        keep_version=request.args.get("version") if easy_read_asked() else None,
    )


@bp.route("/cursos/<slug>/<lesson_slug>/completar", methods=["POST"])
@refuse_to("learning.lesson")
def complete_lesson(slug: str, lesson_slug: str):
    course = course_or_404(slug)
    lesson = lesson_or_404(course, lesson_slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("No pudimos guardar tu avance. Inténtalo otra vez."), "error")
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=lesson_slug))
    learning.complete_lesson(current_user, course, lesson)
    enrollment = learning.get_enrollment(current_user, course.slug)
    progress = learning.course_progress(enrollment, course)
    if progress.completed:
        flash(_("¡Completaste el curso «%(title)s»!", title=course.title), "success")
        return redirect(url_for("catalog.course_detail", slug=slug))
    flash(
        _(
            "Marcaste «%(lesson)s» como completada. Llevas %(done)s de %(total)s lecciones.",
            lesson=lesson.title,
            done=progress.done_count,
            total=progress.total,
        ),
        "success",
    )
    if progress.next_lesson is not None:
        return redirect(
            url_for("learning.lesson", slug=slug, lesson_slug=progress.next_lesson.slug)
        )
    return redirect(url_for("catalog.course_detail", slug=slug))


@bp.route("/mis-cursos")
def my_courses():
    store = get_store()
    enrollments = learning.my_enrollments(current_user)
    done = learning.done_by_enrollment([e.id for e in enrollments])
    rows = []
    withdrawn = {w.slug: w for w in withdrawn_courses(current_user, enrollments)}
    for enrollment in enrollments:
        course = store.get(enrollment.course_slug)
        if course is None or enrollment.course_slug in withdrawn:
            continue
        progress = learning.progress_for(
            course, frozenset(done[enrollment.id]), enrollment.status == "completed"
        )
        rows.append((course, enrollment, progress))
    return render_template(
        "learning/my_courses.html", rows=rows, withdrawn=list(withdrawn.values())
    )
