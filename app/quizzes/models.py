"""Quiz attempts: answers, state and grade, graded against the version they started with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "course_slug", "quiz_id", "number"),
        CheckConstraint("state IN ('in_progress', 'submitted')", name="state_valid"),
        # One open attempt per participant and quiz, enforced by the database.
        Index(
            "uq_quiz_attempts_one_open",
            "user_id",
            "course_slug",
            "quiz_id",
            unique=True,
            sqlite_where=text("state = 'in_progress'"),
            postgresql_where=text("state = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))
    course_version: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column()
    state: Mapped[str] = mapped_column(String(12), default="in_progress")
    answers: Mapped[dict] = mapped_column(db.JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    score: Mapped[int | None] = mapped_column(nullable=True)
    max_score: Mapped[int | None] = mapped_column(nullable=True)
    percent: Mapped[int | None] = mapped_column(nullable=True)
    passed: Mapped[bool | None] = mapped_column(nullable=True)
    results: Mapped[dict | None] = mapped_column(db.JSON, nullable=True)

    def __repr__(self) -> str:
        return f"<QuizAttempt {self.id} u{self.user_id} {self.quiz_id} #{self.number} {self.state}>"


class QuizTimeExtension(db.Model):
    """Extra minutes a trainer grants one participant on a timed quiz."""

    __tablename__ = "quiz_time_extensions"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100))
    quiz_id: Mapped[str] = mapped_column(String(100))
    extra_minutes: Mapped[int] = mapped_column()
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<QuizTimeExtension u{self.user_id} {self.quiz_id} +{self.extra_minutes}>"
