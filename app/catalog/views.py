"""Home, course catalogue, course page, whole course on one page, media and narration."""

from __future__ import annotations

import io
import mimetypes

from flask import abort, render_template, request, send_file
from flask_login import current_user

from app.accounts.models import STAFF
from app.authoring import services as authoring
from app.authoring import testers
from app.books.services import book_states
from app.catalog import bp
from app.catalog.fullcourse import for_full_page
from app.course_store import course_or_404, get_course, get_store
from app.learning import services as learning
from app.learning.forms import EnrollForm
from app.learning.narration import (
    READINGS,
    course_downloads,
    download_zip,
    downloads_on_their_way,
    narration_file,
)
from app.learning.withdrawn import withdrawn_page
from app.preferences.current import reading_version
from app.web.access import public
from app.web.visitor_cache import visitor_cacheable

YEAR = 365 * 86400


@bp.route("/")
@public
@visitor_cacheable
def home():
    courses = get_store().published()
    return render_template("catalog/home.html", courses=courses[:3], course_count=len(courses))


@bp.route("/cursos/")
@public
@visitor_cacheable
def index():
    return render_template("catalog/index.html", courses=get_store().published())


@bp.route("/cursos/<slug>/")
@public
@visitor_cacheable
def course_detail(slug: str):
    course = get_course(slug)
    if course is None:  # withdrawn: the people enrolled learn when and what they keep
        return withdrawn_page(current_user, slug) or abort(404)
    enrollment, progress = learning.enrollment_and_progress(current_user, course)
    audio = course_downloads(course)
    return render_template(
        "catalog/course_detail.html",
        course=course,
        enrollment=enrollment,
        progress=progress,
        form=EnrollForm() if current_user.is_authenticated else None,  # no token for visitors
        audio_downloads=audio,
        audio_coming=downloads_on_their_way(course, audio),
        books=book_states(course),
    )


@bp.route("/cursos/<slug>/archivos/<path:filename>")
@public
def media(slug: str, filename: str):
    staff = current_user.is_authenticated and current_user.role in STAFF
    course = get_course(slug, include_drafts=staff)
    path = get_store().media_path(course, filename) if course else None
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if path is None and current_user.is_authenticated and testers.can_preview(current_user, slug):
        # A file of the course's draft, for its preview in the workshop (never cached): its
        # editors and the people they invited to try it.
        data = authoring.draft_media(slug, filename)
        if data is not None:
            return send_file(io.BytesIO(data), mimetype=mimetype, max_age=0, conditional=True)
    if path is None:
        abort(404)
    max_age = 86400
    if request.args.get("v") == path.name[:12]:
        max_age = YEAR  # the URL names these exact bytes: they never change under it
    # The bytes of the version shown (a blob named by its hash), never the live folder's file.
    return send_file(path, mimetype=mimetype, max_age=max_age, conditional=True)


@bp.route("/cursos/<slug>/completo")
@public
@visitor_cacheable
def course_full(slug: str):
    """Every lesson in order on one page, to print or save as PDF and read offline."""
    course = course_or_404(slug)
    easy = reading_version() == "facil"
    slugs = {lesson.slug for lesson in course.lessons}
    lessons = []
    for lesson in course.lessons:
        use_easy = easy and lesson.easy_read is not None
        parts = []
        for block in lesson.blocks(use_easy):
            if hasattr(block, "quiz_id"):
                parts.append(course.quizzes.get(block.quiz_id))
            else:
                parts.append(for_full_page(block.html, course.slug, lesson.slug, slugs))
        parts += [course.quizzes.get(q) for q in lesson.quizzes_left_out(use_easy)]
        lessons.append((lesson, use_easy, [p for p in parts if p is not None]))
    intro = for_full_page(course.intro_html, course.slug, "intro", slugs)
    audio = course_downloads(course)
    return render_template(
        "catalog/course_full.html",
        course=course,
        lessons=lessons,
        easy=easy,
        intro=intro,
        audio_downloads=audio,
        audio_coming=downloads_on_their_way(course, audio),
        books=book_states(course),
    )


@bp.route("/cursos/<slug>/narracion/<filename>")
@public
def narration(slug: str, filename: str):
    """A lesson's narration, made by the job worker and stored in the database."""
    found = narration_file(course_or_404(slug), filename)
    if found is None:
        abort(404)
    path, clip = found
    return send_file(
        path,
        mimetype=clip.mimetype,
        download_name=filename,  # the file is named by its hash in the cache
        max_age=YEAR if request.args.get("v") == clip.sha256[:12] else 3600,
        conditional=True,  # ETag, If-None-Match and Range (the player seeks)
        etag=clip.sha256,
    )


@bp.route("/cursos/<slug>/audio/<reading>.zip")
@public
def narration_zip(slug: str, reading: str):
    """Every lesson's audio of one reading version, as one .zip (once every lesson has it)."""
    course = course_or_404(slug)
    easy = {name: easy for easy, name in READINGS.items()}.get(reading)
    found = download_zip(course, easy) if easy is not None else None
    if found is None:
        abort(404)
    path, download = found
    suffix = f"-{course.easy_reading_file_part}" if easy else ""
    return send_file(
        path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{course.slug}-audio{suffix}.zip",
        max_age=YEAR if request.args.get("v") == download.digest[:12] else 3600,
        conditional=True,
        etag=download.digest,
    )
