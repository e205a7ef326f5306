"""Tables of the course workshop that are not course revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class KeptText(db.Model):
    """A file's text a trainer typed but did not save: kept by the autosave, or when a save
    was refused because the session had ended. Never a revision; offered back on the edit page
    until saved or discarded, and forgotten after KEPT_TEXT_DAYS."""

    __tablename__ = "kept_texts"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_slug: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    # The revision the edit form was opened on (no foreign key: pruning a revision must not
    # depend on a kept text); saving the recovered text checks it for conflicts.
    base_revision_id: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<KeptText {self.user_id} {self.course_slug}/{self.path}>"
