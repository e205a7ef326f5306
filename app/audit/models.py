"""Audit trail: who did what to whom, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict | None] = mapped_column(db.JSON, nullable=True)
    request_id: Mapped[str] = mapped_column(String(40), default="")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.target_type}:{self.target_id}>"
