"""User accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.timeutil import utcnow

ROLES = ("participant", "trainer", "coordinator", "admin")
# The roles that train and write courses: the trainer workspace, the workshop, course previews.
STAFF = ("trainer", "admin")


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('participant', 'trainer', 'coordinator', 'admin')", name="role_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)
    # True when staff (a trainer, an admin, an import) wrote the address; False when the person
    # typed it in their profile. Only staff-written addresses find a person (import, "add
    # member"): nobody is verified by mail, so a self-typed address could be someone else's.
    email_by_staff: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Chilean RUT/RUN, normalised "12345678-5" (app.orgs.rut); matches people on CSV import.
    rut: Mapped[str | None] = mapped_column(String(12), unique=True, nullable=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="participant", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Rotated on logout, password change and deactivation: old cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    preferences: Mapped[dict | None] = mapped_column(db.JSON, nullable=True)
    # Sensitive (Ley 21.719): optional, self-declared, with recorded consent.
    disability_declared: Mapped[bool | None] = mapped_column(nullable=True)
    disability_consent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(nullable=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(nullable=True)
    deletion_requested_at: Mapped[datetime | None] = mapped_column(nullable=True)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r} {self.role}>"

    # Flask-Login: the id in the session carries the token, so rotating it logs out everywhere.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session(self) -> None:
        self.session_token = new_session_token()

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class LoginFailure(db.Model):
    """One failed login for one key (a keyed hash of the account name or of the address)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_created_at", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.key[:8]} {self.created_at}>"
