"""The book job, and the listener that enqueues it when a version is published."""

from __future__ import annotations

import logging

from flask import current_app

from app.books.services import build_books
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
