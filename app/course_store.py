"""The course store as the web app sees it: loaded once per process, looked up per request."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask, abort, current_app

from app.content import CourseStore
from app.content.model import Course, Lesson

EXTENSION_KEY = "aula_courses"


def init_courses(app: Flask) -> None:
    """Create the store and load every course (parsed courses come from the pickle cache)."""
    store = CourseStore(
        Path(app.config["COURSES_DIR"]),
        cache_dir=Path(app.config["COURSE_CACHE_DIR"]),
        base_url="/cursos/",
    )
    store.load()
    app.extensions[EXTENSION_KEY] = {"store": store, "checked_at": time.monotonic()}


def get_store() -> CourseStore:
    state = current_app.extensions[EXTENSION_KEY]
    interval = current_app.config.get("COURSE_RELOAD_SECONDS") or 0
    if interval and time.monotonic() - state["checked_at"] > interval:
        state["checked_at"] = time.monotonic()
        state["store"].refresh()
    return state["store"]


def course_store_generation(app: Flask) -> int:
    """APP's course store generation (outside a request: for the visitor page cache)."""
    return app.extensions[EXTENSION_KEY]["store"].generation


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
