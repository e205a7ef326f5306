"""The course store as the web app sees it: loaded once per process, looked up per request.

Every process keeps its own store: the courses of `COURSES_DIR`, except those the database has
a publication for, which are served from their stored revision. A publish raises a generation number
kept in the database (`content_state`); each process reads that number at most once every
`COURSE_CHECK_SECONDS` (default 1 s, on its own short connection, never per request when
nothing changed) and reloads the courses that changed when it moved. The page caches are keyed
by the store's generation, so they drop a changed course at once.
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path

from flask import Flask, abort, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.content import CourseStore
from app.content.model import Course, Lesson
from app.events import courses_published
from app.extensions import db
from app.revisions.models import ContentState
from app.revisions.services import published_versions, revision_files_by_version

EXTENSION_KEY = "aula_courses"
EXPECT_SECONDS = 10
log = logging.getLogger("aula.courses")


def init_courses(app: Flask) -> None:
    """Create the store and load every course (parsed courses come from the pickle cache)."""
    store = CourseStore(
        Path(app.config["COURSES_DIR"]),
        cache_dir=Path(app.config["COURSE_CACHE_DIR"]),
        base_url="/cursos/",
        check_timeout=app.config["COURSE_CHECK_TIMEOUT"] or None,
    )
    store.load()
    with app.app_context():
        seen = _published_generation()
        _load_published(store)
    # The courses live as long as the process: keep the collector from walking them again and
    # again (a full collection over every parsed course took ~100 ms in a request).
    gc.freeze()
    app.extensions[EXTENSION_KEY] = {
        "store": store,
        "checked_at": time.monotonic(),
        "published_seen": seen,  # the database's generation this process has loaded
        "published_checked_at": float("-inf"),
        "expected": (0, float("-inf")),  # (generation, until when): a publish of this process
        "clock": time.monotonic,  # injectable: tests move time instead of sleeping
    }
    courses_published.connect(_expect_publish)


def _expect_publish(sender=None, *, generation: int, **_kw) -> None:
    """A publish in this process: read the counter on every request until it is committed
    (for at most EXPECT_SECONDS, in case the publish was rolled back)."""
    state = current_app.extensions[EXTENSION_KEY]
    state["expected"] = (generation, state["clock"]() + EXPECT_SECONDS)


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
    expected, until = state["expected"]
    # After a publish in this process: read the counter until this process has seen it (also
    # when the counter went back, e.g. after restoring a backup).
    if check_due or (expected != state["published_seen"] and now < until):
        state["published_checked_at"] = now
        published = _published_generation()
        if published is not None and published != state["published_seen"]:
            changed = state["store"].refresh() + _load_published(state["store"])
            log.info("courses published; reloaded %s", ", ".join(changed) or "-")
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


def _load_published(store: CourseStore) -> list[str]:
    """Serve every course the database has a publication for from its stored revision."""
    try:
        published = published_versions()
    except SQLAlchemyError:  # the tables may not exist yet (before `flask db upgrade`)
        log.info("course revisions unreadable (no tables yet?); serving the course folders")
        return []
    return store.apply_published(published)


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
    course = store.get_version(slug, version)
    if course is None:
        # Not in this host's cache (a new host, a deleted cache): the database has every
        # version that was ever recorded.
        files = revision_files_by_version(slug, version)
        if files is not None:
            course = store.remember_version(slug, version, files)
    return course


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
