"""Narrations: which are made, what a course's lessons have, the audio's bytes and downloads.

Each process keeps an index of the narrations made ({key: Clip}), read in one query at start
and again at most every NARRATION_CHECK_SECONDS (on a connection of its own), so a lesson page
needs no query to offer its audio. The audio's bytes live in the database (`course_blobs`);
NARRATION_DIR is only a cache of them on this host's disk (and of the .zip downloads).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.content.model import Course, Lesson
from app.content.narration import (
    GENERATED_TYPES,
    Reading,
    all_readings,
    course_readings,
    narration_filename,
    reading,
    synthesize,
)
from app.course_store import get_course
from app.extensions import db
from app.narration.models import LessonNarration
from app.revisions.models import CourseBlob
from app.timeutil import utcnow

EXTENSION_KEY = "aula_narration"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed: the same files make the same .zip, byte for byte
log = logging.getLogger("aula.narration")


@dataclass(frozen=True)
class Clip:
    """A narration that is made: its audio blob, size and media type."""

    sha256: str
    size: int
    mimetype: str

    @property
    def extension(self) -> str:
        return GENERATED_TYPES.get(self.mimetype, ".mp3")


# --- settings -----------------------------------------------------------------------------------
def voice() -> str:
    return current_app.config.get("NARRATION_VOICE") or "es-419"


def words_per_minute() -> int:
    return int(current_app.config.get("NARRATION_WORDS_PER_MINUTE") or 150)


def lesson_reading(lesson: Lesson, easy_read: bool) -> Reading:
    return reading(lesson, easy_read, voice(), words_per_minute())


# --- the per-process index ----------------------------------------------------------------------
def init_narration(app: Flask) -> None:
    """Read the narrations made so far (none when the tables do not exist yet)."""
    app.extensions[EXTENSION_KEY] = {"clips": {}, "pending": set(), "checked_at": float("-inf")}
    with app.app_context():
        refresh_index()


def refresh_index() -> dict[str, Clip]:
    """Read every narration made, on a connection of its own (the request's stays untouched)."""
    state = current_app.extensions[EXTENSION_KEY]
    state["checked_at"] = time.monotonic()
    query = select(
        LessonNarration.key,
        LessonNarration.status,
        LessonNarration.blob_sha256,
        LessonNarration.size,
        LessonNarration.mimetype,
    ).where(LessonNarration.status.in_(("done", "pending")))
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError:  # before `flask db upgrade`
        return state["clips"]
    state["clips"] = {
        key: Clip(sha, size, mimetype)
        for key, status, sha, size, mimetype in rows
        if status == "done"
    }
    state["pending"] = {key for key, status, *_ in rows if status == "pending"}
    return state["clips"]


def made_clips() -> dict[str, Clip]:
    """The narrations made ({key: Clip}), read again when NARRATION_CHECK_SECONDS passed."""
    state = current_app.extensions[EXTENSION_KEY]
    every = current_app.config.get("NARRATION_CHECK_SECONDS") or 0
    if every and time.monotonic() - state["checked_at"] >= every:
        return refresh_index()
    return state["clips"]


def lesson_clip(lesson: Lesson, easy_read: bool) -> Clip | None:
    """The synthetic narration of this reading of LESSON, if it is made (no query)."""
    found = lesson_reading(lesson, easy_read)
    return made_clips().get(found.key) if found.key else None


def on_its_way(key: str) -> bool:
    """True when narration KEY is planned and not made yet (a job will make it; failed for
    good: False), as this process last read (no query)."""
    clips = made_clips()  # reads the index again when it is due, pending keys included
    return (
        bool(key) and key not in clips and key in current_app.extensions[EXTENSION_KEY]["pending"]
    )


def narration_on_its_way(lesson: Lesson, easy_read: bool) -> bool:
    """True when the synthetic narration of this reading of LESSON is on its way."""
    return on_its_way(lesson_reading(lesson, easy_read).key)


# --- planning and making ------------------------------------------------------------------------
def plan(readings: list[Reading], *, retry_failed: bool = False) -> list[Reading]:
    """Record a pending narration for each text of READINGS not narrated or planned yet (and,
    with RETRY_FAILED, plan the failed ones again); the readings that need a job. Commits."""
    wanted = {r.key: r for r in readings if r.key}
    if not wanted:
        return []
    query = select(LessonNarration.key, LessonNarration.status)
    known = dict(db.session.execute(query.where(LessonNarration.key.in_(wanted))).tuples().all())
    todo = []
    for key, found in wanted.items():
        status = known.get(key)
        if status is None:
            try:
                with db.session.begin_nested():
                    db.session.add(LessonNarration(key=key, voice=voice()))
            except IntegrityError:  # another job planned it meanwhile: that one makes it
                continue
            todo.append(found)
        elif status == "failed" and retry_failed:
            row = db.session.get(LessonNarration, key)
            row.status, row.attempts, row.updated_at = "pending", 0, utcnow()
            todo.append(found)
        elif status == "pending" and retry_failed:
            todo.append(found)  # its job may have been lost: running it twice makes it once
    db.session.commit()
    _expect({found.key for found in todo})
    return todo


def failed_keys(keys: set[str]) -> set[str]:
    """Those of KEYS whose narration failed for good."""
    if not keys:
        return set()
    query = select(LessonNarration.key).where(
        LessonNarration.key.in_(keys), LessonNarration.status == "failed"
    )
    return set(db.session.scalars(query))


def make_clip(key: str, text: str, *, voice_name: str, wpm: int) -> bool:
    """Synthesise TEXT and store it as narration KEY, unless it is made; True if made now."""
    if _status(key) == "done":
        return False
    db.session.rollback()  # no transaction stays open while synthesising (minutes, at worst)
    data, mimetype = synthesize(
        text, voice=voice_name, wpm=wpm, mp3=bool(current_app.config.get("NARRATION_MP3", True))
    )
    digest = hashlib.sha256(data).hexdigest()
    try:
        if db.session.get(CourseBlob, digest) is None:
            db.session.add(CourseBlob(sha256=digest, size=len(data), data=data))
            db.session.flush()  # the blob before the row that refers to it
        row = db.session.get(LessonNarration, key)
        if row is None:
            row = LessonNarration(key=key, voice=voice_name, attempts=0)
            db.session.add(row)
        elif row.status == "done":  # made by another worker meanwhile
            db.session.rollback()
            return False
        row.status, row.blob_sha256, row.mimetype, row.size = "done", digest, mimetype, len(data)
        row.attempts += 1
        row.error, row.updated_at = "", utcnow()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker stored the same bytes first
        if _status(key) == "done":
            return False
        raise
    _remember(key, Clip(digest, len(data), mimetype))
    return True


def _status(key: str) -> str | None:
    return db.session.scalar(select(LessonNarration.status).where(LessonNarration.key == key))


def record_failure(key: str, voice_name: str, exc: BaseException, *, allowed: int) -> bool:
    """Write down a failed attempt at narration KEY; True when that was the last of ALLOWED
    attempts (then it is failed for good, and logged as an error)."""
    db.session.rollback()
    row = db.session.get(LessonNarration, key)
    if row is None:
        row = LessonNarration(key=key, voice=voice_name, attempts=0)
        db.session.add(row)
    row.attempts = (row.attempts or 0) + 1
    row.error = f"{type(exc).__name__}: {exc}"[:500]
    final = row.attempts >= allowed
    row.status = "failed" if final else "pending"
    row.updated_at = utcnow()
    db.session.commit()
    if final:
        log.error("narration %s failed after %s attempts: %s", key[:12], row.attempts, row.error)
        _expect(set(), done=key)
    return final


def _remember(key: str, clip: Clip) -> None:
    state = current_app.extensions.get(EXTENSION_KEY)
    if state is not None:
        state["clips"] = {**state["clips"], key: clip}
        _expect(set(), done=key)


def _expect(keys: set[str], *, done: str | None = None) -> None:
    """This process's own planning (KEYS now pending) and endings (DONE: made or failed), so
    its pages know without waiting for NARRATION_CHECK_SECONDS."""
    state = current_app.extensions.get(EXTENSION_KEY)
    if state is not None:
        state["pending"] = (state["pending"] | keys) - {done}


# --- progress (the workshop) --------------------------------------------------------------------
@dataclass(frozen=True)
class Failure:
    lesson: Lesson
    easy_read: bool
    error: str


@dataclass(frozen=True)
class Progress:
    """How many lessons of a version have all their audio, and which narrations failed."""

    ready: int
    total: int
    failures: tuple[Failure, ...]


def course_progress(course: Course) -> Progress:
    """Narration progress of COURSE's lessons, from the database (one query)."""
    readings = all_readings(course, voice(), words_per_minute())
    keys = {r.key for r in readings if r.key}
    rows = {}
    if keys:
        rows = {
            row.key: row
            for row in db.session.scalars(
                select(LessonNarration).where(LessonNarration.key.in_(keys))
            )
        }
    missing: set[str] = set()
    failures = []
    for r in readings:
        if not r.key:
            continue  # a trainer's recording, or nothing to say
        row = rows.get(r.key)
        if row is None or row.status != "done":
            missing.add(r.lesson.slug)
        if row is not None and row.status == "failed":
            failures.append(Failure(r.lesson, r.easy_read, row.error))
    total = len(course.lessons)
    return Progress(total - len(missing), total, tuple(failures))


# --- serving ------------------------------------------------------------------------------------
def cache_dir() -> Path:
    return Path(current_app.config["NARRATION_DIR"])


def clip_file(sha256: str) -> Path | None:
    """The audio blob SHA256 as a file of this host's cache (read from the database once)."""
    path = cache_dir() / sha256[:2] / sha256
    if path.is_file():
        return path
    data = db.session.scalar(select(CourseBlob.data).where(CourseBlob.sha256 == sha256))
    if data is None:
        return None
    _atomic_write(path, bytes(data))
    return path


def served_clip(lesson: Lesson, easy_read: bool) -> Clip | None:
    """The narration of this reading, from the index or else the database (a new one)."""
    found = lesson_reading(lesson, easy_read)
    if not found.key:
        return None
    clip = made_clips().get(found.key)
    if clip is None:
        row = db.session.get(LessonNarration, found.key)
        if row is None or row.status != "done":
            return None
        clip = Clip(row.blob_sha256, row.size, row.mimetype)
        _remember(found.key, clip)
    return clip


def clip_filename(lesson: Lesson, easy_read: bool, clip: Clip) -> str:
    return narration_filename(lesson.slug, easy_read, clip.extension)


# --- every lesson's audio in one .zip -----------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """One file of the download: its name and where its bytes are."""

    name: str
    size: int
    sha256: str = ""  # a narration's blob
    media: str = ""  # or a trainer's recording, a media file of the course


@dataclass(frozen=True)
class Download:
    entries: tuple[Entry, ...]

    @property
    def size(self) -> int:
        return zip_size(self.entries)

    @property
    def digest(self) -> str:
        manifest = "\n".join(f"{e.name} {e.sha256 or e.media} {e.size}" for e in self.entries)
        return hashlib.sha256(manifest.encode()).hexdigest()


def reading_download(course: Course, easy: bool, media_size) -> Download | None:
    """Every lesson's audio of one reading version (EASY: the easy-read version, lessons that
    have none in their full text), or None unless every lesson has its audio. MEDIA_SIZE(rel)
    gives the bytes of a trainer's recording (None when missing). No query."""
    clips = made_clips()
    entries = []
    for r in course_readings(course, easy, voice(), words_per_minute()):
        if r.recording is not None:
            size = media_size(r.recording.src)
            if size is None:
                return None
            ext = os.path.splitext(r.recording.src)[1].lower()
            name = narration_filename(r.lesson.slug, r.easy_read, ext)
            entries.append(Entry(name, size, media=r.recording.src))
        elif r.key:
            clip = clips.get(r.key)
            if clip is None:
                return None
            name = narration_filename(r.lesson.slug, r.easy_read, clip.extension)
            entries.append(Entry(name, clip.size, sha256=clip.sha256))
    return Download(tuple(entries)) if entries else None


def reading_download_on_its_way(course: Course, easy: bool) -> bool:
    """True while the .zip of one reading version waits only for narrations that are planned
    and not made yet (a job will make them): none failed for good, none unplanned. No query."""
    clips = made_clips()
    missing = [
        r.key
        for r in course_readings(course, easy, voice(), words_per_minute())
        if r.key and r.key not in clips
    ]
    return bool(missing) and all(on_its_way(key) for key in missing)


def zip_size(entries) -> int:
    """The bytes of the stored (uncompressed) .zip of ENTRIES, without building it: a local
    header (30 bytes and the name) and a central record (46 and the name) each, and the end."""
    return 22 + sum(76 + 2 * len(e.name.encode()) + e.size for e in entries)


def zip_file(download: Download, read_media) -> Path:
    """The .zip of DOWNLOAD in this host's cache (built once per content); READ_MEDIA(rel)
    gives a recording's bytes."""
    path = cache_dir() / "zip" / f"{download.digest}.zip"
    if path.is_file():
        return path
    buffer = io.BytesIO()
    # MP3 does not compress: stored, so the size is known before building (zip_size).
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in download.entries:
            data = clip_file(entry.sha256).read_bytes() if entry.sha256 else read_media(entry.media)
            archive.writestr(zipfile.ZipInfo(entry.name, ZIP_DATE), data)
    _atomic_write(path, buffer.getvalue())
    return path


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def published_progress(slug: str) -> Progress | None:
    """Narration progress of the version of SLUG that is published now (None: none is)."""
    course = get_course(slug)
    return course_progress(course) if course is not None else None
