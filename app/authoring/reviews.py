"""Admin approval of what a course promises: its first publication and any change of its
title, hours or certificate settings (as course requests are approved in Moodle).

A publish from the workshop that changes only lessons goes live at once. One that would publish
a course for the first time, or change what its certificate states (title, hours, whether it
gives one and what completing it takes), becomes a request (`CourseReview`) instead: the course
keeps serving its approved version (or stays unpublished) until an admin approves the request
or sends it back with a note for the course's editors. Every decision is in the audit log.
Courses published by the operator from the `courses/` folder (`flask courses sync`) are
approved by that act; admins approve what they publish themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import User
from app.audit.services import record
from app.certificates.issuer import issuing_team
from app.content.frontmatter import parse_front_matter
from app.content.loader import read_folder
from app.content.model import CompletionRule, Course
from app.content.problems import Reporter
from app.content.source import decode_source
from app.course_store import get_course_version, get_store
from app.errors import DomainError, Forbidden, NotFound
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import (
    CourseBlob,
    CoursePublishEvent,
    CourseReview,
    CourseRevision,
    CourseRevisionFile,
)
from app.timeutil import utcnow

MAX_NOTE = 500
GATED = ("title", "hours", "certificate", "completion")  # what a certificate depends on


@dataclass(frozen=True)
class FieldChange:
    key: str  # one of GATED
    before: str  # as people read it ("" when the course was never published)
    after: str


@dataclass(frozen=True)
class Reference:
    """What a publish of a course is compared with: the approved version (served now, or the
    last one published before a withdrawal, or the operator's folder); both None if none."""

    revision: CourseRevision | None
    course: Course | None


def reference(slug: str) -> Reference:
    revision = revisions.published_revision(slug) or _last_published(slug)
    if revision is not None:
        # From the store's caches by version: no file is read when the version is known.
        return Reference(revision, get_course_version(slug, revision.version))
    return Reference(None, get_store().folder_course(slug))  # the folder, never recorded yet


def reference_files(slug: str, ref: Reference) -> dict[str, bytes]:
    """The files of REF (for the diff on the admin's page)."""
    if ref.revision is not None:
        return revisions.revision_files(ref.revision)
    if ref.course is not None:
        return read_folder(Path(current_app.config["COURSES_DIR"]) / slug)
    return {}


def _last_published(slug: str) -> CourseRevision | None:
    return db.session.scalar(
        select(CourseRevision)
        .join(CoursePublishEvent, CoursePublishEvent.revision_id == CourseRevision.id)
        .where(CoursePublishEvent.course_slug == slug)
        .order_by(CoursePublishEvent.id.desc())
        .limit(1)
    )


def describe(course: Course, key: str) -> str:
    """How the GATED field KEY of COURSE reads on the review page."""
    if key == "title":
        return course.title
    if key == "hours":
        return f"{float(course.hours):g}".replace(".", ",")
    if key == "certificate":
        return _("Sí") if course.certificate else _("No")
    return describe_completion(course.completion)


def describe_completion(rule: CompletionRule) -> str:
    if rule.quizzes == "none":
        what = _("todas las lecciones, sin pruebas")
    elif rule.quizzes == "listed":
        what = _("todas las lecciones y las pruebas %(ids)s", ids=", ".join(rule.quiz_ids))
    else:
        what = _("todas las lecciones y todas las pruebas obligatorias")
    attempt = _("cuenta el mejor intento") if rule.attempt == "best" else _("cuenta el último")
    return f"{what} ({attempt})"


def _identity(course: Course) -> tuple:
    return (course.title, float(course.hours), course.certificate, course.completion)


def changes(old: Course | None, new: Course) -> list[FieldChange]:
    """The GATED fields that differ from OLD to NEW (every one when there is no OLD)."""
    return [
        FieldChange(key, describe(old, key) if old is not None else "", describe(new, key))
        for key, before, after in zip(
            GATED,
            _identity(old) if old is not None else (None,) * len(GATED),
            _identity(new),
            strict=True,
        )
        if before != after
    ]


def needs_review(actor: User, slug: str, course: Course) -> bool:
    """Whether publishing COURSE (as SLUG) by ACTOR waits for an admin's approval."""
    if actor.has_role("admin"):
        return False
    ref = reference(slug)
    return ref.course is None or bool(changes(ref.course, course))


# --- requests -------------------------------------------------------------------------------------
def request_review(actor: User, slug: str, revision: CourseRevision, note: str) -> CourseReview:
    """Ask the admins to approve publishing REVISION; a request for it already waiting is kept,
    any other waiting request of the course is replaced by this one."""
    waiting = pending_for(slug)
    if waiting is not None and waiting.revision_id == revision.id:
        return waiting
    supersede(slug)
    ref = reference(slug)
    review = CourseReview(
        course_slug=slug,
        revision_id=revision.id,
        base_revision_id=ref.revision.id if ref.revision is not None else None,
        status="pending",
        note=note[:MAX_NOTE],
        requested_by_id=actor.id,
        requested_at=utcnow(),
    )
    db.session.add(review)
    db.session.flush()
    record(
        "course_review_requested",
        actor=actor,
        target=revision,
        course=slug,
        number=revision.number,
        review=review.id,
        note=review.note,
    )
    return review


def supersede(slug: str) -> None:
    """Close SLUG's waiting request (a newer publish, or its draft discarded, replaces it)."""
    db.session.execute(
        update(CourseReview)
        .where(CourseReview.course_slug == slug, CourseReview.status == "pending")
        .values(status="superseded", decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def pending_for(slug: str) -> CourseReview | None:
    return db.session.scalar(
        select(CourseReview)
        .where(CourseReview.course_slug == slug, CourseReview.status == "pending")
        .order_by(CourseReview.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def latest_for(slug: str) -> CourseReview | None:
    """SLUG's latest request that is waiting or was decided (what its editors are told)."""
    return db.session.scalar(
        select(CourseReview)
        .where(CourseReview.course_slug == slug, CourseReview.status != "superseded")
        .order_by(CourseReview.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Waiting:
    """One line of the admin's queue."""

    review: CourseReview
    revision: CourseRevision
    requester: str
    title: str  # the title the request would publish ("" if its course.md does not read)


def pending() -> list[Waiting]:
    """Every waiting request, oldest first, with the title each would publish."""
    rows = db.session.execute(
        select(CourseReview, CourseRevision, User.full_name, CourseBlob.data)
        .join(CourseRevision, CourseRevision.id == CourseReview.revision_id)
        .outerjoin(User, User.id == CourseReview.requested_by_id)
        .outerjoin(
            CourseRevisionFile,
            (CourseRevisionFile.revision_id == CourseRevision.id)
            & (CourseRevisionFile.path == "course.md"),
        )
        .outerjoin(CourseBlob, CourseBlob.sha256 == CourseRevisionFile.blob_sha256)
        .where(CourseReview.status == "pending")
        .order_by(CourseReview.requested_at, CourseReview.id)
    )
    return [
        Waiting(review, revision, name or "", _title(data)) for review, revision, name, data in rows
    ]


def _title(course_md: bytes | None) -> str:
    lines = decode_source(course_md or b"", "course.md", Reporter())
    if not lines:
        return ""
    title = parse_front_matter(lines, "course.md", Reporter()).values.get("titulo")
    return title.strip() if isinstance(title, str) else ""


@dataclass(frozen=True)
class ReviewPage:
    """What the admin reads before deciding: the request and what it changes."""

    review: CourseReview
    revision: CourseRevision
    requester: str
    course: Course | None  # None if the revision no longer passes the checker
    reference: Reference
    changes: list[FieldChange]
    issuer: str  # the team its certificates will name ("" for the network)
    old_files: dict[str, bytes]
    new_files: dict[str, bytes]


def review_page(review_id: int) -> ReviewPage:
    review = db.session.get(CourseReview, review_id)
    if review is None:
        raise NotFound(_("No existe esa solicitud."))
    revision = db.session.get(CourseRevision, review.revision_id)
    files = revisions.revision_files(revision)
    course, _problems = get_store().load_files(review.course_slug, files, revision.version)
    ref = reference(review.course_slug)
    requester = db.session.get(User, review.requested_by_id) if review.requested_by_id else None
    return ReviewPage(
        review=review,
        revision=revision,
        requester=requester.full_name if requester else "",
        course=course,
        reference=ref,
        changes=changes(ref.course, course) if course is not None else [],
        issuer=issuing_team(review.course_slug),
        old_files=reference_files(review.course_slug, ref),
        new_files=files,
    )


def approve(actor: User, review_id: int) -> CourseReview:
    """Publish the revision of a waiting request (ADMIN only) and close it."""
    _admin_only(actor)
    slug = db.session.scalar(select(CourseReview.course_slug).where(CourseReview.id == review_id))
    if slug is None:
        raise NotFound(_("No existe esa solicitud."))
    # The draft first, as a publish from the workshop does: the two never wait on each other.
    revisions.lock_draft(slug)
    review = _decide(actor, review_id, "approved", "")
    revision = db.session.get(CourseRevision, review.revision_id)
    course, _problems = get_store().load_files(
        review.course_slug, revisions.revision_files(revision), revision.version
    )
    if course is None:
        raise DomainError(
            _(
                "Esa versión ya no pasa la revisión del curso: devuélvela con una nota para "
                "que el equipo la corrija."
            )
        )
    revisions.publish(revision, actor=actor, note=review.note or _("Aprobado"))
    revisions.drop_draft(review.course_slug, revision.id)
    record(
        "course_review_approved",
        actor=actor,
        target=revision,
        course=review.course_slug,
        number=revision.number,
        review=review.id,
    )
    return review


def send_back(actor: User, review_id: int, note: str) -> CourseReview:
    """Close a waiting request without publishing; NOTE tells the editors what to change."""
    note = " ".join((note or "").split())
    if not note:
        raise DomainError(_("Escribe qué debe cambiar el equipo del curso."), field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(
            _("La nota es muy larga (máximo %(n)s caracteres).", n=MAX_NOTE), field="note"
        )
    review = _decide(actor, review_id, "returned", note)
    record(
        "course_review_returned",
        actor=actor,
        target=review.course_slug,
        target_type="course",
        course=review.course_slug,
        review=review.id,
        note=note,
    )
    return review


def _admin_only(actor: User) -> None:
    if not actor.has_role("admin"):
        raise Forbidden(_("Solo el equipo administrador revisa los cursos."))


def _decide(actor: User, review_id: int, status: str, note: str) -> CourseReview:
    _admin_only(actor)
    # Conditional: of two admins deciding at once, only one changes the request.
    decided = db.session.execute(
        update(CourseReview)
        .where(CourseReview.id == review_id, CourseReview.status == "pending")
        .values(status=status, decided_by_id=actor.id, decided_at=utcnow(), decision_note=note)
        .execution_options(synchronize_session=False)
    )
    review = db.session.get(CourseReview, review_id, populate_existing=True)
    if review is None:
        raise NotFound(_("No existe esa solicitud."))
    if decided.rowcount != 1:
        raise DomainError(_("Esa solicitud ya fue revisada o reemplazada por otra."))
    return review
