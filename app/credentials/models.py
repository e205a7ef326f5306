"""A certificate's Open Badges 3.0 credential: signed once, kept as issued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class CertificateCredential(db.Model):
    __tablename__ = "certificate_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), unique=True)
    # The certificate's place in the status lists: stable for the certificate's whole life.
    status_index: Mapped[int] = mapped_column(unique=True)
    credential_json: Mapped[str] = mapped_column(Text)
    verification_method: Mapped[str] = mapped_column(String(300))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CertificateCredential c{self.certificate_id} #{self.status_index}>"
