"""Tables of course revisions: blobs, revisions, their files, and what is published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class CourseBlob(db.Model):
    """The bytes of one file, named by their SHA-256 (stored once, whatever revisions use it)."""

    __tablename__ = "course_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)

    def __repr__(self) -> str:
        return f"<CourseBlob {self.sha256[:12]} {self.size} B>"


class CourseRevision(db.Model):
    """One immutable version of a course: its files, who made it, when and why."""

    __tablename__ = "course_revisions"
    __table_args__ = (
        UniqueConstraint("course_slug", "number"),
        Index("ix_course_revisions_course_slug_version", "course_slug", "version"),
        # Not unique: a PostgreSQL UPDATE of a column in a unique index takes the strongest row
        # lock, which deadlocked with a save inserting a revision whose parent is the one being
        # published. Numbers stay unique because publishes of a course queue on its
        # course_publications row before they read the highest number (number_publication).
        Index(
            "ix_course_revisions_course_slug_publication_number",
            "course_slug",
            "publication_number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column()  # 1, 2, 3... per course, every save (a draft's too)
    # The version people see: 1, 2, 3... per course, given at its first publication (None:
    # never published; a draft is named by its time).
    publication_number: Mapped[int | None] = mapped_column(nullable=True)
    version: Mapped[str] = mapped_column(String(12))  # the content hash the records store
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    author_label: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The revision this one was saved from (a draft's previous save), if any.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("course_revisions.id"), nullable=True)

    def __repr__(self) -> str:
        return f"<CourseRevision {self.course_slug} #{self.number} {self.version}>"


class CourseRevisionFile(db.Model):
    """A file of a revision: its path in the course folder and its blob."""

    __tablename__ = "course_revision_files"

    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(300), primary_key=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("course_blobs.sha256"), index=True)

    def __repr__(self) -> str:
        return f"<CourseRevisionFile {self.revision_id} {self.path}>"


class CoursePublication(db.Model):
    """Which revision of a course is published (none: withdrawn)."""

    __tablename__ = "course_publications"

    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_revisions.id"), nullable=True
    )
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CoursePublication {self.course_slug} -> {self.revision_id}>"


class ContentState(db.Model):
    """One row: how many times the courses were published (every process watches it)."""

    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ContentState {self.generation}>"


class CourseDraft(db.Model):
    """The draft of a course: its latest saved revision, and the published one it started from."""

    __tablename__ = "course_drafts"

    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id"))
    base_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_revisions.id"), nullable=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    def __repr__(self) -> str:
        return f"<CourseDraft {self.course_slug} -> {self.revision_id}>"


class CourseEditor(db.Model):
    """A person who may see a course's drafts, edit and publish it."""

    __tablename__ = "course_editors"

    course_slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseEditor {self.course_slug} {self.user_id}>"


class CourseTester(db.Model):
    """A person an editor invited to try a course: reads its draft in the workshop preview
    (nothing else of the workshop; no enrolment, progress or certificate from it)."""

    __tablename__ = "course_testers"
    __table_args__ = (UniqueConstraint("course_slug", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseTester {self.course_slug} {self.user_id}>"


class CoursePublishEvent(db.Model):
    """One line of a course's history: a publish, a return to an old revision, a withdrawal."""

    __tablename__ = "course_publish_events"
    __table_args__ = (
        CheckConstraint(
            "action IN ('publish', 'rollback', 'withdraw')", name="publish_action_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(20))
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_revisions.id"), nullable=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CoursePublishEvent {self.course_slug} {self.action} {self.revision_id}>"


REVIEW_STATUSES = ("pending", "approved", "returned", "superseded")


class CourseReview(db.Model):
    """A request to publish a revision that needs an admin's approval: a course's first
    publication from the workshop, or a change of its title, hours or certificate settings.
    Until an admin approves it, the previously published revision (if any) keeps being served."""

    __tablename__ = "course_reviews"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'returned', 'superseded')",
            name="review_status_valid",
        ),
        Index("ix_course_reviews_status_course_slug", "status", "course_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id"))
    # What the request is compared with: the revision published when it was made (None: the
    # course's first publication).
    base_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_revisions.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(12), default="pending")
    note: Mapped[str] = mapped_column(String(500), default="")  # the editor's change note
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    decision_note: Mapped[str] = mapped_column(String(500), default="")  # shown to the editors

    def __repr__(self) -> str:
        return f"<CourseReview {self.id} {self.course_slug} r{self.revision_id} {self.status}>"
