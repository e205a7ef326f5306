"""The talking books built for each published version: one row per revision and reading
version, the EPUB itself a course blob (content-addressed, kept while this row refers to it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

BOOK_STATUSES = ("pending", "ready", "failed")
READINGS = ("completo", "facil")


class CourseBook(db.Model):
    """The EPUB 3 book with audio of one reading version of one revision of a course."""

    __tablename__ = "course_books"
    __table_args__ = (
        UniqueConstraint("revision_id", "reading"),
        CheckConstraint("status IN ('pending', 'ready', 'failed')", name="book_status_valid"),
        CheckConstraint("reading IN ('completo', 'facil')", name="book_reading_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id"), index=True)
    reading: Mapped[str] = mapped_column(String(10))  # "completo" or "facil" (easy read)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    blob_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("course_blobs.sha256"), nullable=True, index=True
    )
    size: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[int] = mapped_column(default=0)  # how long the narration lasts
    error: Mapped[str] = mapped_column(String(500), default="")
    # JSON: for each narrated document, by `Speaker.narration_key` of its sentences, the
    # document's name, seconds and clips, so a later version's book reuses its audio.
    narration_index: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CourseBook r{self.revision_id} {self.reading} {self.status}>"
