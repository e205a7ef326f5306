"""The narration jobs, and the listener that enqueues them when a version is published.

`narrate_version(slug, revision_id)` plans the narrations of every lesson of that version (a
pending row per text not narrated yet) and enqueues one `narrate_clip` per text planned now: a
second publish of the same text enqueues nothing. `narrate_clip` is keyed by the text's hash and
voice; run twice, it makes the audio once. A failed clip is retried (Huey's RetryTask) until
NARRATION_ATTEMPTS attempts, then marked failed (the workshop names it) and logged.

Both run before the books (`app.jobs.NARRATION_PRIORITY`): a lesson's audio takes seconds, a
course's books minutes, and the pages offer the audio as soon as it is made.
"""

from __future__ import annotations

import logging

from flask import current_app
from huey.exceptions import RetryTask

from app.content.model import Course
from app.content.narration import Reading, all_readings
from app.course_store import get_course_version
from app.events import version_published
from app.extensions import db
from app.jobs import NARRATION_PRIORITY, app_context, huey
from app.narration import services
from app.revisions.models import CourseRevision

log = logging.getLogger("aula.narration")


def connect() -> None:
    """Narrate every version that is published (connected once, in create_app)."""
    version_published.connect(on_version_published)


def on_version_published(sender=None, *, course_slug: str, revision_id: int, **_kw) -> None:
    if current_app.config.get("NARRATION_ON_PUBLISH", True):
        narrate_version(course_slug, revision_id)


@huey.task(priority=NARRATION_PRIORITY)
def narrate_version(course_slug: str, revision_id: int) -> int:
    """Plan and enqueue the narration of every lesson of a published revision; how many."""
    with app_context():
        revision = db.session.get(CourseRevision, revision_id)
        if revision is None or revision.course_slug != course_slug:
            log.warning("narration: no revision %s of %s", revision_id, course_slug)
            return 0
        course = get_course_version(course_slug, revision.version)
        if course is None:
            log.warning("narration: %s version %s does not load", course_slug, revision.version)
            return 0
        readings = all_readings(course, services.voice(), services.words_per_minute())
        return enqueue_readings(readings)


def enqueue_readings(readings: list[Reading], *, retry_failed: bool = False) -> int:
    """Plan READINGS (services.plan) and enqueue a job for each one that needs it; how many."""
    todo = services.plan(readings, retry_failed=retry_failed)
    voice, wpm = services.voice(), services.words_per_minute()
    for found in todo:
        narrate_clip(found.key, found.text, voice, wpm)
    return len(todo)


def retry_failed_narrations(course: Course) -> int:
    """Plan again and enqueue the narrations of COURSE that failed for good (the workshop's
    «Intentar de nuevo»); how many. Those made or on their way are left as they are."""
    readings = all_readings(course, services.voice(), services.words_per_minute())
    failed = services.failed_keys({r.key for r in readings if r.key})
    return enqueue_readings([r for r in readings if r.key in failed], retry_failed=True)


@huey.task(priority=NARRATION_PRIORITY)
def narrate_clip(key: str, text: str, voice: str, wpm: int) -> bool:
    """Make narration KEY of TEXT (nothing if it is made); retried, then reported."""
    with app_context():
        allowed = int(current_app.config.get("NARRATION_ATTEMPTS") or 1)
        try:
            return services.make_clip(key, text, voice_name=voice, wpm=wpm)
        except Exception as exc:
            log.warning("narration %s failed: %s", key[:12], exc)
            if services.record_failure(key, voice, exc, allowed=allowed):
                return False
            # Huey runs it again (after NARRATION_RETRY_SECONDS; at once when 0).
            raise RetryTask(
                delay=current_app.config.get("NARRATION_RETRY_SECONDS") or None
            ) from exc
