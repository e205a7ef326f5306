"""Completion records, summaries and inclusion aggregates for a set of groups.

Every function takes the group ids in scope (computed from the acting user by the caller) and
runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.course_store import get_store
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Enrollment, LessonProgress
from app.orgs import services as orgs
from app.orgs.models import Group, Membership, Municipality
from app.quizzes.models import QuizAttempt

STATUSES = ("enrolled", "in_progress", "completed", "certified")
SUPPRESS_BELOW = 5

# What each record state is called on screens and in exports.
STATUS_NAMES = {
    "enrolled": _l("Inscrito, sin comenzar"),
    "in_progress": _l("En curso"),
    "completed": _l("Completado, sin certificado"),
    "certified": _l("Certificado"),
}


@dataclass(frozen=True)
class Filters:
    course: str | None = None
    group_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None

    def as_args(self) -> dict:
        out = {
            "curso": self.course,
            "grupo": self.group_id,
            "desde": self.date_from.isoformat() if self.date_from else None,
            "hasta": self.date_to.isoformat() if self.date_to else None,
            "estado": self.status,
        }
        return {k: v for k, v in out.items() if v not in (None, "")}


def _lessons_done():
    """The number of lessons done in the enrolment (a column of the records)."""
    return (
        select(func.count(LessonProgress.id))
        .where(LessonProgress.enrollment_id == Enrollment.id)
        .correlate(Enrollment)
        .scalar_subquery()
    )


def status_expression():
    """The record's state, on a query of Enrollment outer-joined to its live Certificate
    (`_certificate_join`).

    "Started" is two EXISTS probes of the enrolment-id indexes (covering: they select a
    constant), evaluated only for enrolments neither certified nor completed. Counting the
    lessons per row instead made PostgreSQL plan a per-row aggregate (and JIT-compile it), and
    pre-aggregated GROUP BY joins were slower on SQLite (measured in the summary's change)."""
    started = or_(
        exists(select(1).where(LessonProgress.enrollment_id == Enrollment.id)),
        exists(select(1).where(QuizAttempt.enrollment_id == Enrollment.id)),
    )
    return case(
        (Certificate.id.is_not(None), "certified"),
        (Enrollment.status == "completed", "completed"),
        (started, "in_progress"),
        else_="enrolled",
    )


def _certificate_join():
    return and_(
        Certificate.user_id == Enrollment.user_id,
        Certificate.course_slug == Enrollment.course_slug,
        Certificate.revoked_at.is_(None),
        Certificate.suspended_at.is_(None),  # a suspended certificate counts as not held
    )


def records_query(group_ids: set[int], filters: Filters = Filters()):
    """One SELECT of the completion records in GROUP_IDS matching FILTERS."""
    lessons_done = _lessons_done().label("lessons_done")
    status = status_expression().label("state")
    query = (
        select(
            Enrollment.id.label("enrollment_id"),
            User.id.label("user_id"),
            User.full_name,
            User.username,
            Municipality.name.label("municipality"),
            Group.id.label("group_id"),
            Group.name.label("group_name"),
            Enrollment.course_slug,
            Enrollment.enrolled_at,
            Enrollment.last_activity_at,
            Enrollment.completed_at,
            Certificate.issued_at.label("certified_at"),
            Certificate.code.label("certificate_code"),
            lessons_done,
            status,
        )
        .join(User, User.id == Enrollment.user_id)
        .join(Group, Group.id == Enrollment.group_id)
        .join(Municipality, Municipality.id == Group.municipality_id)
        .outerjoin(Certificate, _certificate_join())
        .where(Enrollment.group_id.in_(group_ids or {-1}))
    )
    if filters.course:
        query = query.where(Enrollment.course_slug == filters.course)
    if filters.group_id is not None:
        query = query.where(Enrollment.group_id == filters.group_id)
    if filters.date_from or filters.date_to:
        start = datetime.combine(filters.date_from or date(1900, 1, 1), datetime.min.time())
        end = datetime.combine(filters.date_to or date(9999, 12, 30), datetime.min.time())
        end += timedelta(days=1)
        query = query.where(
            or_(
                and_(Enrollment.enrolled_at >= start, Enrollment.enrolled_at < end),
                and_(Enrollment.completed_at >= start, Enrollment.completed_at < end),
            )
        )
    if filters.status:
        query = query.where(status_expression() == filters.status)
    return query.order_by(Group.name, Enrollment.course_slug, User.full_name, Enrollment.id)


def records(group_ids: set[int], filters: Filters = Filters(), *, limit=None, offset=0):
    query = records_query(group_ids, filters)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.execute(query))


def count_records(group_ids: set[int], filters: Filters = Filters()) -> int:
    sub = records_query(group_ids, filters).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(sub))


@dataclass
class StatusCounts:
    enrolled: int = 0
    in_progress: int = 0
    completed: int = 0
    certified: int = 0

    @property
    def total(self) -> int:
        return self.enrolled + self.in_progress + self.completed + self.certified

    @property
    def finished(self) -> int:
        """Completed, with or without certificate."""
        return self.completed + self.certified

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0


def summary_counts(group_ids: set[int]) -> tuple[dict, dict]:
    """(per course slug, per group id) counts of records per status, from one aggregate query
    grouped by (course, group, status) and summed here."""
    state = status_expression().label("state")
    per_record = (
        select(Enrollment.course_slug, Enrollment.group_id, state)
        .outerjoin(Certificate, _certificate_join())
        .where(Enrollment.group_id.in_(group_ids or {-1}))
        .subquery()
    )
    rows = db.session.execute(
        select(
            per_record.c.course_slug, per_record.c.group_id, per_record.c.state, func.count()
        ).group_by(per_record.c.course_slug, per_record.c.group_id, per_record.c.state)
    )
    by_course: dict = defaultdict(StatusCounts)
    by_group: dict = defaultdict(StatusCounts)
    for slug, gid, state_name, n in rows:
        for counts in (by_course[slug], by_group[gid]):
            setattr(counts, state_name, getattr(counts, state_name) + n)
    return dict(by_course), dict(by_group)


def months_back(today: date, n: int = 12) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(n):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def completions_by_month(group_ids: set[int], today: date, n: int = 12) -> dict:
    """{"months": [date...], "total": Counter(month), "by_course": {slug: Counter},
    "by_group": {group_id: Counter}} for the last N months."""
    months = months_back(today, n)
    start = datetime.combine(months[0], datetime.min.time())
    rows = db.session.execute(
        select(Enrollment.course_slug, Enrollment.group_id, Enrollment.completed_at).where(
            Enrollment.group_id.in_(group_ids or {-1}),
            Enrollment.completed_at.is_not(None),
            Enrollment.completed_at >= start,
        )
    )
    total: Counter = Counter()
    by_course: dict = defaultdict(Counter)
    by_group: dict = defaultdict(Counter)
    for slug, gid, completed_at in rows:
        month = completed_at.date().replace(day=1)
        total[month] += 1
        by_course[slug][month] += 1
        by_group[gid][month] += 1
    return {"months": months, "total": total, "by_course": by_course, "by_group": by_group}


# --- Inclusion aggregates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count as shown: the number, or suppressed (fewer than five people)."""

    value: int
    suppressed: bool

    @property
    def shown(self) -> int | None:
        return None if self.suppressed else self.value


def suppress(counts: dict) -> dict:
    """Hide every count below 5; if only one cell of a set is hidden, hide the next smallest
    too, so it cannot be worked out from a total."""
    cells = {k: Cell(v, v < SUPPRESS_BELOW) for k, v in counts.items()}
    hidden = [k for k, c in cells.items() if c.suppressed]
    if len(hidden) == 1 and len(cells) > 1:
        shown = sorted((c.value, str(k), k) for k, c in cells.items() if not c.suppressed)
        if shown:
            k = shown[0][2]
            cells[k] = Cell(cells[k].value, True)
    return cells


def inclusion_counts(group_ids: set[int]) -> dict:
    """People who declared a disability (with consent), per course and per group; aggregates
    only, with small counts suppressed. Never returns who."""
    declared = and_(User.disability_declared.is_(True), User.disability_consent_at.is_not(None))
    base = (
        select(Enrollment.course_slug, Enrollment.group_id, Enrollment.user_id)
        .join(User, User.id == Enrollment.user_id)
        .where(Enrollment.group_id.in_(group_ids or {-1}), declared)
    )
    rows = list(db.session.execute(base))
    per_course: dict = defaultdict(set)
    per_group: dict = defaultdict(set)
    everyone: set = set()
    for slug, gid, uid in rows:
        per_course[slug].add(uid)
        per_group[gid].add(uid)
        everyone.add(uid)
    return {
        "by_course": suppress({k: len(v) for k, v in per_course.items()}),
        "by_group": suppress({k: len(v) for k, v in per_group.items()}),
        "total": Cell(len(everyone), len(everyone) < SUPPRESS_BELOW),
    }


# --- One participant ------------------------------------------------------------------------------


def quiz_summary(user_ids: list[int]) -> dict:
    """{(user_id, course_slug, quiz_id): (attempts, best percent, passed)} in one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.course_slug,
            QuizAttempt.quiz_id,
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.percent),
            func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)),
        )
        .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.state == "submitted")
        .group_by(QuizAttempt.user_id, QuizAttempt.course_slug, QuizAttempt.quiz_id)
    )
    return {(u, c, q): (n, best, bool(passed)) for u, c, q, n, best, passed in rows}


@dataclass(frozen=True)
class ParticipantRecord:
    """A person's records as one member of staff may see them."""

    rows: list  # rows of records_query: one per enrolment through a group in scope
    quizzes: dict  # quiz_summary of those courses only
    groups: list  # the person's groups that the staff member sees
    titles: dict[str, str]  # course slug -> title
    lesson_totals: dict[str, int]  # course slug -> number of lessons now
    quiz_titles: dict[tuple[str, str], str]  # (course slug, quiz id) -> title


def participant_record(actor: User, person: User) -> ParticipantRecord:
    """PERSON's records through the groups ACTOR sees (trainer, coordinator or admin).

    One rule for every role: a member of staff sees a person's enrolments, quizzes and
    certificates only where they came through a group in the staff member's own scope, never
    what the person did elsewhere (Ley 21.719: no more than the task needs).
    """
    groups = orgs.visible_groups(actor)
    group_ids = {g.id for g in groups}
    rows = list(db.session.execute(records_query(group_ids).where(Enrollment.user_id == person.id)))
    in_scope = {r.course_slug for r in rows}
    quizzes = {k: v for k, v in quiz_summary([person.id]).items() if k[1] in in_scope}
    member_of = set(
        db.session.scalars(select(Membership.group_id).where(Membership.user_id == person.id))
    )
    courses = {c.slug: c for c in get_store().all()}
    return ParticipantRecord(
        rows,
        quizzes,
        [g for g in groups if g.id in member_of],
        titles={slug: c.title for slug, c in courses.items()},
        lesson_totals={slug: len(c.lessons) for slug, c in courses.items()},
        quiz_titles={
            (slug, qid): quiz.title
            for slug, c in courses.items()
            for qid, quiz in c.quizzes.items()
        },
    )


def member_counts(groups) -> dict[int, int]:
    """{group id: number of members (not trainers)} for GROUPS, in one query."""
    return dict(
        db.session.execute(
            select(Membership.group_id, func.count(Membership.id))
            .where(
                Membership.group_id.in_([g.id for g in groups] or [-1]),
                Membership.role == "member",
            )
            .group_by(Membership.group_id)
        ).all()
    )


def group_course_counts(group: Group) -> list[tuple[str, int]]:
    """(course slug, enrolments through GROUP) for every course the group was enrolled in."""
    return list(
        db.session.execute(
            select(Enrollment.course_slug, func.count(Enrollment.id))
            .where(Enrollment.group_id == group.id)
            .group_by(Enrollment.course_slug)
        ).tuples()
    )


def group_progress_rows(members: list[User], course) -> list[tuple]:
    """(member, enrolment, progress, certificate) for each of MEMBERS in COURSE."""

    ids = [m.id for m in members]
    enrollments = {
        e.user_id: e
        for e in db.session.scalars(
            select(Enrollment).where(
                Enrollment.user_id.in_(ids or [-1]), Enrollment.course_slug == course.slug
            )
        )
    }
    done = learning.done_by_enrollment([e.id for e in enrollments.values()])
    certificates = {
        c.user_id: c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.user_id.in_(ids or [-1]), Certificate.course_slug == course.slug
            )
        )
    }
    rows = []
    for m in members:
        e = enrollments.get(m.id)
        progress = (
            learning.progress_for(course, frozenset(done[e.id]), e.status == "completed")
            if e
            else None
        )
        rows.append((m, e, progress, certificates.get(m.id)))
    return rows


def export_rows(groups, filters: Filters):
    """The records of GROUPS matching FILTERS, fetched in batches (for streamed exports)."""
    query = records_query({g.id for g in groups}, filters)
    return db.session.execute(query.execution_options(yield_per=500))
