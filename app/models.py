"""Import every model so that metadata (and Alembic) sees all tables."""

from app.accounts.models import LoginFailure, User
from app.audit.models import AuditEvent
from app.authoring.models import KeptText
from app.books.models import CourseBook
from app.certificates.models import Certificate
from app.credentials.models import CertificateCredential
from app.learning.models import Enrollment, LessonProgress
from app.narration.models import LessonNarration
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
    "CertificateCredential",
    "CourseBook",
    "CourseBlob",
    "CourseDraft",
    "CourseEditor",
    "CoursePublishEvent",
    "CoursePublication",
    "CourseRevision",
    "CourseRevisionFile",
    "KeptText",
    "CourseReview",
    "ContentState",
    "Enrollment",
    "Group",
    "LessonNarration",
    "LessonProgress",
    "LoginFailure",
    "Membership",
    "Municipality",
    "QuizAttempt",
    "QuizTimeExtension",
    "StaffAssignment",
    "User",
]
