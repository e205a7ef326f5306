"""The narrations made by the job worker: one row per text and voice, its audio a course blob."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

NARRATION_STATUSES = ("pending", "done", "failed")


class LessonNarration(db.Model):
    """The synthetic narration of one text in one voice (whatever lessons and versions say it)."""

    __tablename__ = "lesson_narrations"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'done', 'failed')", name="narration_status_valid"),
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # content.narration.clip_key
    voice: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    # The audio, stored once among the course files' blobs (None until made).
    blob_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("course_blobs.sha256"), nullable=True, index=True
    )
    mimetype: Mapped[str] = mapped_column(String(40), default="")
    size: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")  # the last failure
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<LessonNarration {self.key[:12]} {self.status}>"
