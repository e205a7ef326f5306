"""Import every model so that metadata (and Alembic) sees all tables."""

from app.accounts.models import LoginFailure, User
from app.audit.models import AuditEvent
from app.certificates.models import Certificate
from app.learning.models import Enrollment, LessonProgress
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.quizzes.models import QuizAttempt, QuizTimeExtension
from app.revisions.models import (
    ContentState,
    CourseBlob,
    CourseDraft,
    CourseEditor,
    CoursePublication,
    CoursePublishEvent,
    CourseReview,
    CourseRevision,
    CourseRevisionFile,
)

__all__ = [
    "AuditEvent",
    "Certificate",
    "CourseBlob",
    "CourseDraft",
    "CourseEditor",
    "CoursePublishEvent",
    "CoursePublication",
    "CourseRevision",
    "CourseRevisionFile",
    "CourseReview",
    "ContentState",
    "Enrollment",
    "Group",
    "LessonProgress",
    "LoginFailure",
    "Membership",
    "Municipality",
    "QuizAttempt",
    "QuizTimeExtension",
    "StaffAssignment",
    "User",
]
