"""Build, store and find the talking books (EPUB 3 with Media Overlays) of published versions.

`build_books(revision_id)` builds every reading version's book of one revision and stores it
(the EPUB among the course blobs, a `CourseBook` row per reading version with its status, size
and error); it adds and flushes, the caller commits. The job queue runs it after a publish
(app.books.tasks); `flask courses books` and the tests call it directly.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select

from app.books.epub import BookBuilder
from app.books.models import READINGS, CourseBook
from app.books.speech import Narration, Speaker
from app.content.loader import load_course_files
from app.content.model import Course
from app.course_store import get_course
from app.errors import DomainError
from app.extensions import db
from app.jobs import processors
from app.revisions.models import CourseBlob, CoursePublication, CourseRevision
from app.revisions.services import revision_files
from app.timeutil import utcnow

log = logging.getLogger("aula.books")
MEDIA_TYPE = "application/epub+zip"
# WAV of the sentences a revision's first book spoke, kept for its second (the same sentences
# are not synthesised twice): 256 MB is about 100 minutes of espeak-ng's 22 050 Hz mono.
REUSE_BYTES = 256 * 1024 * 1024


def readings_of(course: Course) -> tuple[str, ...]:
    """The reading versions COURSE has a book for: the full text, and the easy-read version
    when some lesson has one (lessons without it keep their full text, as the pages do)."""
    if any(lesson.easy_read is not None for lesson in course.lessons):
        return ("completo", "facil")
    return ("completo",)


def _speaker(workdir: Path) -> Speaker:
    cfg = current_app.config
    return Speaker(
        workdir,
        voice=cfg.get("NARRATION_VOICE") or "es-419",
        wpm=int(cfg.get("NARRATION_WORDS_PER_MINUTE") or 150),
        workers=processors(),
        reuse_bytes=REUSE_BYTES,
    )


def book_bytes(
    course: Course,
    files,
    reading: str,
    *,
    modified,
    speaker: Speaker,
    earlier=None,
) -> tuple[bytes, float, dict]:
    """The EPUB of one reading version of COURSE, how many seconds its narration lasts, and
    its narration index (`BookBuilder.narration_index`). EARLIER: the audio earlier books of
    the course have (`EarlierAudio`), reused where a document says the same."""
    builder = BookBuilder(
        course,
        files,
        reading == "facil",
        modified=modified,
        speaker=speaker,
        public_base_url=current_app.config.get("PUBLIC_BASE_URL"),
        earlier=earlier,
    )
    data = builder.build()
    if builder.reused:
        log.info("book %s %s: %d documents' audio reused", course.slug, reading, builder.reused)
    return data, builder.seconds, builder.narration_index


class EarlierAudio:
    """The audio of the documents that the newest ready books of a course said, one per reading
    version (other revisions than EXCLUDE), found by narration key and read from the book's
    EPUB when asked; `add` makes a book just built count too (the other reading version of the
    same revision shares every lesson that has no easy-read version)."""

    def __init__(self, course_slug: str, exclude: int | None = None):
        self._entries: dict[str, tuple[str, dict]] = {}
        self._zips: dict[str, zipfile.ZipFile | None] = {}
        for reading in READINGS:
            row = db.session.execute(
                select(CourseBook.blob_sha256, CourseBook.narration_index)
                .join(CourseRevision, CourseRevision.id == CourseBook.revision_id)
                .where(
                    CourseRevision.course_slug == course_slug,
                    CourseBook.revision_id != (exclude if exclude is not None else -1),
                    CourseBook.reading == reading,
                    CourseBook.status == "ready",
                    CourseBook.narration_index != "",
                )
                .order_by(CourseBook.revision_id.desc())
                .limit(1)
            ).first()
            if row is not None:
                self.add(row.blob_sha256, row.narration_index)

    def add(self, blob_sha256: str, index: str | dict) -> None:
        try:
            entries = json.loads(index) if isinstance(index, str) else index
        except ValueError:
            return
        for key, entry in entries.items():
            self._entries.setdefault(key, (blob_sha256, entry))

    def _zip(self, blob_sha256: str) -> zipfile.ZipFile | None:
        if blob_sha256 not in self._zips:
            blob = db.session.get(CourseBlob, blob_sha256)
            try:
                self._zips[blob_sha256] = zipfile.ZipFile(io.BytesIO(bytes(blob.data)))
            except (AttributeError, zipfile.BadZipFile):
                self._zips[blob_sha256] = None
        return self._zips[blob_sha256]

    def __call__(self, key: str) -> Narration | None:
        found = self._entries.get(key)
        if found is None:
            return None
        blob_sha256, entry = found
        book = self._zip(blob_sha256)
        try:
            mp3 = book.read(f"EPUB/audio/{entry['doc']}.mp3") if book else None
            return Narration.from_entry(entry, mp3) if mp3 else None
        except (KeyError, TypeError, ValueError, zipfile.BadZipFile):
            return None


def build_books(
    revision_id: int, *, rebuild: bool = False, readings: tuple[str, ...] | None = None
) -> list[CourseBook]:
    """Build and store the books of revision REVISION_ID (those not built yet, or every one
    with REBUILD; only READINGS when given); a book that cannot be built is stored as failed
    with its error."""
    revision = db.session.get(CourseRevision, revision_id)
    if revision is None:
        raise DomainError(f"No existe la revisión {revision_id}.")
    files = revision_files(revision)
    course, problems = load_course_files(revision.course_slug, files)
    existing = {
        book.reading: book
        for book in db.session.scalars(
            select(CourseBook).where(CourseBook.revision_id == revision_id)
        )
    }
    offered = readings_of(course) if course is not None else ("completo",)
    wanted = [reading for reading in offered if readings is None or reading in readings]
    books = []
    earlier = None if rebuild else EarlierAudio(revision.course_slug, exclude=revision_id)
    with tempfile.TemporaryDirectory(prefix="aula-book-") as tmp:
        speaker = _speaker(Path(tmp))
        for reading in wanted:
            book = existing.get(reading)
            if book is None:
                book = CourseBook(revision_id=revision_id, reading=reading, status="pending")
                db.session.add(book)
            books.append(book)
            if book.status == "ready" and not rebuild:
                continue
            try:
                if course is None:
                    errors = [p.format() for p in problems if p.severity == "error"]
                    raise ValueError("el curso tiene errores: " + "; ".join(errors[:3]))
                data, seconds, index = book_bytes(
                    course,
                    files,
                    reading,
                    modified=revision.created_at,
                    speaker=speaker,
                    earlier=earlier,
                )
            except Exception as exc:  # noqa: BLE001 - stored and logged, the trainer sees it
                log.warning(
                    "book %s r%s %s failed: %s", revision.course_slug, revision_id, reading, exc
                )
                book.status, book.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
                book.updated_at = utcnow()
                db.session.flush()
                continue
            digest = store_blob(data)
            book.narration_index = json.dumps(index, ensure_ascii=False)
            if earlier is not None:
                earlier.add(digest, index)
            book.status, book.error = "ready", ""
            book.blob_sha256, book.size, book.seconds = digest, len(data), round(seconds)
            book.updated_at = utcnow()
            db.session.flush()
            log.info(
                "book %s r%s %s: %d bytes", revision.course_slug, revision_id, reading, len(data)
            )
    return books


def store_blob(data: bytes) -> str:
    """Keep DATA among the course blobs (once, by its SHA-256); its name."""
    digest = hashlib.sha256(data).hexdigest()
    if db.session.get(CourseBlob, digest) is None:
        db.session.add(CourseBlob(sha256=digest, size=len(data), data=data))
        db.session.flush()
    return digest


def _revision_of(course: Course) -> int | None:
    """The stored revision whose content is the version of COURSE served now."""
    return db.session.scalar(
        select(CourseRevision.id)
        .where(CourseRevision.course_slug == course.slug, CourseRevision.version == course.version)
        .order_by(CourseRevision.number.desc())
        .limit(1)
    )


def ready_book(course: Course, reading: str) -> CourseBook | None:
    """The built book of the version of COURSE served now, in READING, or None."""
    revision_id = _revision_of(course)
    if revision_id is None:
        return None
    return db.session.scalar(
        select(CourseBook).where(
            CourseBook.revision_id == revision_id,
            CourseBook.reading == reading,
            CourseBook.status == "ready",
        )
    )


def book_data(book: CourseBook) -> bytes:
    return bytes(db.session.get(CourseBlob, book.blob_sha256).data)


@dataclass(frozen=True)
class BookState:
    """A book of the version of a course served now: its reading version, its status
    ("ready", "pending": on its way, or "failed"), whether readers validated the course's easy
    read (else it is a "simplified version"), and once ready its address and size."""

    reading: str
    status: str
    validated: bool
    url: str = ""
    size: int = 0

    @property
    def easy(self) -> bool:
        return self.reading == "facil"


def book_states(course: Course) -> list[BookState]:
    """The books of the version of COURSE served now that are built or planned, full text
    first (none before a job planned them: the course pages then say nothing)."""
    revision_id = _revision_of(course)
    if revision_id is None:
        return []
    found = {
        book.reading: book
        for book in db.session.scalars(
            select(CourseBook).where(CourseBook.revision_id == revision_id)
        )
    }
    states = []
    validated = course.easy_read_validation is not None
    for reading in readings_of(course):
        book = found.get(reading)
        if book is None:
            continue
        if book.status != "ready":
            states.append(BookState(reading, book.status, validated))
            continue
        url = url_for("books.download", slug=course.slug, reading=reading, v=book.blob_sha256[:12])
        states.append(BookState(reading, "ready", validated, url, book.size))
    return states


def published_book_states(slug: str) -> list[BookState]:
    """The books of the version of SLUG published now (none when none is), for the workshop."""
    course = get_course(slug)
    return book_states(course) if course is not None else []


def download_name(course: Course, reading: str) -> str:
    """The file name a reader's device saves the book under."""
    easy = f"-{course.easy_reading_file_part}" if reading == "facil" else ""
    return f"{course.slug}{easy}-libro-con-audio.epub"


def published_revisions() -> dict[str, int]:
    """{course slug: the id of its published revision} of every course published now."""
    rows = db.session.execute(
        select(CoursePublication.course_slug, CoursePublication.revision_id).where(
            CoursePublication.revision_id.is_not(None)
        )
    )
    return {slug: revision_id for slug, revision_id in rows}
