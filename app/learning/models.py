"""Enrolments and lesson progress: the learner's facts, tied to a course version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_slug"),
        CheckConstraint("status IN ('active', 'completed')", name="status_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    course_version: Mapped[str] = mapped_column(String(20))  # version at enrolment
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_lesson_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    last_activity_at: Mapped[datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    completed_version: Mapped[str | None] = mapped_column(String(20), nullable=True)

    user: Mapped[User] = relationship()  # noqa: F821
    progress: Mapped[list[LessonProgress]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Enrollment u{self.user_id} {self.course_slug} {self.status}>"


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(120))
    course_version: Mapped[str] = mapped_column(String(20))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrollment: Mapped[Enrollment] = relationship(back_populates="progress")

    def __repr__(self) -> str:
        return f"<LessonProgress e{self.enrollment_id} {self.lesson_slug}>"
