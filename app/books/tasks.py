"""The book jobs, the listener that enqueues them when a version is published, and the books
missing from versions published before (`enqueue_missing_books`, run by `make run`).

A publish enqueues `plan_version_books`, which runs at once (it has the narration's priority,
`app.jobs.NARRATION_PRIORITY`): it writes a pending row per book of the version, so the course
pages and the workshop can say the book is on its way, and enqueues `build_version_books`. That
one runs after the lessons' narration (the queue's default priority): a course's books take
minutes, a lesson's audio seconds. Nothing is planned without a worker, so no page promises a
book that nobody will make.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.books.models import CourseBook
from app.books.services import build_books, published_revisions, readings_of
from app.course_store import get_course, get_course_version
from app.events import version_published
from app.extensions import db
from app.jobs import NARRATION_PRIORITY, app_context, huey
from app.revisions.models import CourseRevision
from app.timeutil import utcnow

log = logging.getLogger("aula.books")
DONE = ("ready", "failed")  # a failed book waits for its job's retries or `flask courses books`


def connect() -> None:
    """Build the books of every version that is published (connected once, in create_app)."""
    version_published.connect(on_version_published)


def on_version_published(sender=None, *, course_slug: str, revision_id: int, **_kw) -> None:
    if current_app.config.get("BOOKS_ON_PUBLISH", True):
        plan_version_books(revision_id)


@huey.task(priority=NARRATION_PRIORITY)
def plan_version_books(revision_id: int) -> int:
    """Write a pending row for each book of REVISION_ID not made yet, then enqueue the job that
    makes them; how many rows it wrote."""
    with app_context():
        planned = plan_books(revision_id)
    build_version_books(revision_id)
    return planned


def plan_books(revision_id: int) -> int:
    """The pending rows of REVISION_ID's books that have none yet (committed); how many."""
    revision = db.session.get(CourseRevision, revision_id)
    if revision is None:
        return 0
    course = get_course_version(revision.course_slug, revision.version)
    offered = readings_of(course) if course is not None else ("completo",)
    have = set(
        db.session.scalars(select(CourseBook.reading).where(CourseBook.revision_id == revision_id))
    )
    missing = [reading for reading in offered if reading not in have]
    for reading in missing:
        db.session.add(CourseBook(revision_id=revision_id, reading=reading, status="pending"))
    try:
        db.session.commit()
    except IntegrityError:  # another host planned them a moment ago
        db.session.rollback()
        return 0
    return len(missing)


@huey.task(retries=2, retry_delay=60)
def build_version_books(revision_id: int) -> int:
    """Build and store the books of a published revision; how many are ready. A book that
    fails is stored as failed (with its error) and the job is tried again, up to its retries."""
    with app_context():
        books = build_books(revision_id)
        db.session.commit()
        failed = [book for book in books if book.status == "failed"]
        if failed:
            raise RuntimeError("; ".join(f"{book.reading}: {book.error}" for book in failed))
        return len(books)


def retry_failed_books(revision_id: int) -> int:
    """Make the failed books of REVISION_ID pending again and enqueue their jobs (the
    workshop's «Intentar de nuevo»); how many."""
    again = db.session.execute(
        update(CourseBook)
        .where(CourseBook.revision_id == revision_id, CourseBook.status == "failed")
        .values(status="pending", error="", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if again:
        plan_version_books(revision_id)
    return again


def enqueue_missing_books(slugs=()) -> tuple[list[str], int]:
    """Enqueue the book jobs of every published version (of SLUGS, when given) that lacks one
    of its books, never built (published before books existed, or while BOOKS_ON_PUBLISH was
    off) or left pending by a job that is gone (a worker stopped while it built), and has no job
    waiting for it; (the slugs enqueued, how many versions were left as they are). Idempotent:
    run again, it enqueues nothing. A failed book waits for its job's retries or `flask courses
    books`. Run it when no worker is building (as `make run` does, before it starts one): a
    book being built right now is pending with no job waiting, and would be built twice."""
    published = {
        slug: revision_id
        for slug, revision_id in published_revisions().items()
        if not slugs or slug in slugs
    }
    done: dict[int, set[str]] = {}
    rows = select(CourseBook.revision_id, CourseBook.reading).where(
        CourseBook.revision_id.in_(published.values()), CourseBook.status.in_(DONE)
    )
    for revision_id, reading in db.session.execute(rows):
        done.setdefault(revision_id, set()).add(reading)
    waiting = _waiting_revisions()
    enqueued = []
    for slug, revision_id in sorted(published.items()):
        course = get_course(slug)
        offered = set(readings_of(course)) if course is not None else {"completo"}
        if offered <= done.get(revision_id, set()) or revision_id in waiting:
            continue
        plan_version_books(revision_id)
        enqueued.append(slug)
    return enqueued, len(published) - len(enqueued)


def _waiting_revisions() -> set[int]:
    """The revisions whose book jobs wait in the queue (to run, or to be retried)."""
    jobs = (plan_version_books.task_class, build_version_books.task_class)
    queued = [*huey.pending(), *huey.scheduled()]
    return {task.args[0] for task in queued if isinstance(task, jobs) and task.args}
