"""Home, course catalogue, course page and course media."""

from __future__ import annotations

from pathlib import Path

from flask import abort, render_template, send_from_directory
from flask_login import current_user

from app.catalog import bp
from app.catalog.content import course_or_404, get_store
from app.learning import services as learning
from app.learning.forms import EnrollForm
from app.web.access import public


@bp.route("/")
@public
def home():
    courses = get_store().published()
    return render_template("catalog/home.html", courses=courses[:3], course_count=len(courses))


@bp.route("/cursos/")
@public
def index():
    return render_template("catalog/index.html", courses=get_store().published())


@bp.route("/cursos/<slug>/")
@public
def course_detail(slug: str):
    course = course_or_404(slug)
    enrollment = learning.get_enrollment(current_user, course.slug)
    progress = learning.course_progress(enrollment, course)
    return render_template(
        "catalog/course_detail.html",
        course=course,
        enrollment=enrollment,
        progress=progress,
        form=EnrollForm(),
    )


@bp.route("/cursos/<slug>/archivos/<path:filename>")
@public
def media(slug: str, filename: str):
    course = course_or_404(slug, include_drafts=current_user.is_authenticated
                           and current_user.role in ("trainer", "admin"))
    if filename not in course.media_files:
        abort(404)
    response = send_from_directory(Path(course.path), filename, max_age=86400)
    return response
