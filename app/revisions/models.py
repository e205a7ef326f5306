"""Tables of course revisions: blobs, revisions, their files, and what is published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column()  # 1, 2, 3... per course
    version: Mapped[str] = mapped_column(String(12))  # the content hash the records store
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    author_label: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

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
