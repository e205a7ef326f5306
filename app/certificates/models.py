"""Certificates: what they state is a snapshot taken at issue time."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "course_slug"),
        # Revocation is final and wins: a revoked certificate is never also suspended.
        CheckConstraint("revoked_at IS NULL OR suspended_at IS NULL", name="revoked_not_suspended"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id"), nullable=True, unique=True
    )
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    course_version: Mapped[str] = mapped_column(String(20))
    holder_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float] = mapped_column()
    completed_on: Mapped[date] = mapped_column()
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id"), nullable=True, index=True
    )
    municipality_name: Mapped[str] = mapped_column(String(120), default="")
    group_name: Mapped[str] = mapped_column(String(160), default="")
    # The team whose trainers made the course ("": a course of the network itself).
    issuer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # A reversible withdrawal (W3C status purpose `suspension`); lifting it clears these.
    suspended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    suspended_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    @property
    def state(self) -> str:
        """'revoked' (final), 'suspended' (until lifted) or 'valid'."""
        if self.revoked_at is not None:
            return "revoked"
        if self.suspended_at is not None:
            return "suspended"
        return "valid"

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.course_slug} u{self.user_id}>"
