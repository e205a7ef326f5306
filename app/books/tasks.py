"""The book job, the listener that enqueues it when a version is published, and the books
missing from versions published before (`enqueue_missing_books`, run by `make run`).

Books run after the lessons' narration (their job has the queue's default priority, below
`app.jobs.NARRATION_PRIORITY`): a course's books take minutes, a lesson's audio seconds.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from app.books.models import CourseBook
from app.books.services import build_books, published_revisions, readings_of
from app.course_store import get_course
from app.events import version_published
from app.extensions import db
from app.jobs import app_context, huey

log = logging.getLogger("aula.books")


def connect() -> None:
    """Build the books of every version that is published (connected once, in create_app)."""
    version_published.connect(on_version_published)


def on_version_published(sender=None, *, course_slug: str, revision_id: int, **_kw) -> None:
    if current_app.config.get("BOOKS_ON_PUBLISH", True):
        build_version_books(revision_id)


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


def enqueue_missing_books(slugs=()) -> tuple[list[str], int]:
    """Enqueue the book job of every published version (of SLUGS, when given) that lacks one of
    its books, never built (published before books existed, or while BOOKS_ON_PUBLISH was off),
    and has no job waiting for it; (the slugs enqueued, how many versions were left as they
    are). Idempotent: run again, it enqueues nothing. A failed book waits for its job's retries
    or `flask courses books`."""
    published = {
        slug: revision_id
        for slug, revision_id in published_revisions().items()
        if not slugs or slug in slugs
    }
    built: dict[int, set[str]] = {}
    rows = select(CourseBook.revision_id, CourseBook.reading).where(
        CourseBook.revision_id.in_(published.values())
    )
    for revision_id, reading in db.session.execute(rows):
        built.setdefault(revision_id, set()).add(reading)
    waiting = _waiting_revisions()
    enqueued = []
    for slug, revision_id in sorted(published.items()):
        course = get_course(slug)
        offered = set(readings_of(course)) if course is not None else {"completo"}
        if offered <= built.get(revision_id, set()) or revision_id in waiting:
            continue
        build_version_books(revision_id)
        enqueued.append(slug)
    return enqueued, len(published) - len(enqueued)


def _waiting_revisions() -> set[int]:
    """The revisions whose book job waits in the queue (to run, or to be retried)."""
    job = build_version_books.task_class
    queued = [*huey.pending(), *huey.scheduled()]
    return {task.args[0] for task in queued if isinstance(task, job) and task.args}
