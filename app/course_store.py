"""The course store as the web app sees it: loaded once per process, looked up per request.

Every process keeps its own store. A publish (`flask courses sync`) raises a generation number
kept in the database (`content_state`); each process reads that number at most once every
`COURSE_CHECK_SECONDS` (default 1 s, on its own short connection, never per request when
nothing changed) and reloads the courses that changed when it moved. The page caches are keyed
by the store's generation, so they drop a changed course at once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

from flask import Flask, abort, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.content import CourseStore
from app.content.model import Course, Lesson
from app.extensions import db
from app.timeutil import utcnow

EXTENSION_KEY = "aula_courses"
log = logging.getLogger("aula.courses")


class ContentState(db.Model):
    """One row: how many times the courses were published (every process watches it)."""

    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ContentState {self.generation}>"


def init_courses(app: Flask) -> None:
    """Create the store and load every course (parsed courses come from the pickle cache)."""
    store = CourseStore(
        Path(app.config["COURSES_DIR"]),
        cache_dir=Path(app.config["COURSE_CACHE_DIR"]),
        base_url="/cursos/",
    )
    store.load()
    app.extensions[EXTENSION_KEY] = {
        "store": store,
        "checked_at": time.monotonic(),
        "published_seen": None,  # the database's generation this process has loaded
        "published_checked_at": float("-inf"),
        "clock": time.monotonic,  # injectable: tests move time instead of sleeping
    }


def get_store() -> CourseStore:
    """The process's store, brought up to date with a publish by any process."""
    return _fresh_store(current_app._get_current_object())


def _fresh_store(app: Flask) -> CourseStore:
    state = app.extensions[EXTENSION_KEY]
    now = state["clock"]()
    reload_due, check_due = _due(app, state, now)
    if reload_due:
        state["checked_at"] = now
        state["store"].refresh()
    if check_due:
        state["published_checked_at"] = now
        published = _published_generation()
        if published is not None and published != state["published_seen"]:
            if state["published_seen"] is not None:
                changed = state["store"].refresh()
                log.info("courses published elsewhere; reloaded %s", ", ".join(changed) or "-")
            state["published_seen"] = published
    return state["store"]


def _due(app: Flask, state: dict, now: float) -> tuple[bool, bool]:
    """Whether the folder re-check (development) and the publish check are due now."""
    interval = app.config.get("COURSE_RELOAD_SECONDS") or 0
    check_every = app.config.get("COURSE_CHECK_SECONDS") or 0
    return (
        bool(interval) and now - state["checked_at"] > interval,
        bool(check_every) and now - state["published_checked_at"] >= check_every,
    )


def _published_generation() -> int | None:
    """The database's publish counter, on a connection of its own (None when unreadable)."""
    try:
        with db.engine.connect() as connection:
            return connection.execute(select(ContentState.generation)).scalar() or 0
    except SQLAlchemyError:  # the table may not exist yet (before `flask db upgrade`)
        return None


def announce_publish() -> int:
    """Tell every process that courses changed (called after a publish); the new generation."""
    changed = db.session.execute(
        update(ContentState)
        .where(ContentState.id == 1)
        .values(generation=ContentState.generation + 1, changed_at=utcnow())
    )
    if changed.rowcount == 0:
        db.session.add(ContentState(id=1, generation=1))
    db.session.flush()
    return db.session.scalar(select(ContentState.generation).where(ContentState.id == 1))


def course_store_generation(app: Flask) -> int:
    """APP's course store generation, checked against publishes (for the visitor page cache,
    which answers before any view runs)."""
    state = app.extensions[EXTENSION_KEY]
    # An app context (for the database) only when a check is due: at most once a second.
    if any(_due(app, state, state["clock"]())):
        with app.app_context():
            _fresh_store(app)
    return state["store"].generation


def content_generation() -> int:
    """Grows whenever the course files change (keys of the page caches)."""
    return current_app.extensions[EXTENSION_KEY]["store"].generation


def get_course(slug: str, *, include_drafts: bool = False) -> Course | None:
    course = get_store().get(slug)
    if course is None or (course.status != "published" and not include_drafts):
        return None
    return course


def get_course_version(slug: str, version: str) -> Course | None:
    """The course as it was at VERSION (records are graded against the version they began)."""
    store = get_store()
    current = store.get(slug)
    if current is not None and current.version == version:
        return current
    return store.get_version(slug, version)


def course_or_404(slug: str, *, include_drafts: bool = False) -> Course:
    course = get_course(slug, include_drafts=include_drafts)
    if course is None:
        abort(404)
    return course


def lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    lesson = course.lesson(lesson_slug)
    if lesson is None:
        abort(404)
    return lesson
