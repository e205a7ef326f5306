"""What a participant enrolled in a withdrawn course sees of it (issue 21): when it was
withdrawn, and that their progress and certificates are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import select

from app.accounts.models import User
from app.course_store import get_course, get_course_version
from app.extensions import db
from app.learning.models import Enrollment
from app.revisions import services as revisions


@dataclass(frozen=True)
class WithdrawnCourse:
    """A course the person is enrolled in that its team withdrew."""

    slug: str
    title: str
    withdrawn_at: datetime
    enrollment: Enrollment


def withdrawn_course(user: User, slug: str) -> WithdrawnCourse | None:
    """SLUG as USER knew it, if it was withdrawn and USER is enrolled in it (else None)."""
    if not user.is_authenticated:
        return None
    when = revisions.withdrawn_at(slug)
    if when is None:
        return None
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_slug == slug)
    )
    if enrollment is None:
        return None
    return _withdrawn(enrollment, when)


def withdrawn_courses(user: User, enrollments: list[Enrollment]) -> list[WithdrawnCourse]:
    """USER's ENROLLMENTS whose course was withdrawn (for «Mis cursos»)."""
    out = []
    for enrollment in enrollments:
        if get_course(enrollment.course_slug) is not None:
            continue  # published now: no query (the page's queries do not grow with courses)
        when = revisions.withdrawn_at(enrollment.course_slug)
        if when is not None:
            out.append(_withdrawn(enrollment, when))
    return out


def _withdrawn(enrollment: Enrollment, when: datetime) -> WithdrawnCourse:
    slug = enrollment.course_slug
    course = get_course_version(slug, enrollment.completed_version or enrollment.course_version)
    title = course.title if course is not None else _last_title(slug)
    return WithdrawnCourse(slug, title, when, enrollment)


def _last_title(slug: str) -> str:
    revision = revisions.last_published_revision(slug)
    course = get_course_version(slug, revision.version) if revision is not None else None
    return course.title if course is not None else slug


def withdrawn_page(user: User, slug: str):
    """The page for a withdrawn course USER is enrolled in (410 Gone), or None."""
    gone = withdrawn_course(user, slug)
    if gone is None:
        return None
    return render_template("learning/withdrawn.html", gone=gone), 410
