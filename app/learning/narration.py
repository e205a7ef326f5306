"""Which audio a lesson page offers: the trainer's recording first, else the narration made by
the job worker (app.narration), found in this process's index without a query; the files the
narration route serves; every lesson's audio as one .zip per reading version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.content.model import Course, Lesson
from app.content.narration import audio_type, parse_narration_filename, trainer_recording
from app.course_store import get_store
from app.narration.services import (
    Download,
    clip_file,
    clip_filename,
    lesson_clip,
    reading_download,
    reading_download_on_its_way,
    served_clip,
    zip_file,
)


@dataclass(frozen=True)
class LessonAudio:
    url: str
    type: str
    generated: bool  # True: synthetic voice (espeak-ng); False: a person's recording
    size: int | None = None  # bytes, when known (generated files)


def lesson_audio(course: Course, lesson: Lesson, easy_read: bool) -> LessonAudio | None:
    """The player's source for this version of LESSON, or None (no player at all)."""
    recording = trainer_recording(lesson, easy_read)
    if recording is not None and recording.src in course.media_files:
        return LessonAudio(
            url=url_for(
                "catalog.media",
                slug=course.slug,
                filename=recording.src,
                v=course.media_hashes[recording.src][:12],  # a new recording, a new URL
            ),
            type=audio_type(recording.src),
            generated=False,
        )
    clip = lesson_clip(lesson, easy_read)
    if clip is None:
        return None
    return LessonAudio(
        url=url_for(
            "catalog.narration",
            slug=course.slug,
            filename=clip_filename(lesson, easy_read, clip),
            v=clip.sha256[:12],  # these exact bytes: cached for a year
        ),
        type=clip.mimetype,
        generated=True,
        size=clip.size,
    )


def narration_file(course: Course, filename: str):
    """The file and narration (Clip) that FILENAME ('01-slug.mp3', '01-slug.lf.mp3') names in
    COURSE's current version, or None."""
    named = parse_narration_filename(filename)
    if named is None:
        return None
    slug, easy, ext = named
    lesson = course.lesson(slug)
    if lesson is None or (easy and lesson.easy_read is None):
        return None
    clip = served_clip(lesson, easy)
    if clip is None or clip.extension != ext:
        return None
    path = clip_file(clip.sha256)
    return (path, clip) if path is not None else None


@dataclass(frozen=True)
class AudioDownload:
    """Every lesson's audio of one reading version as one .zip."""

    easy: bool
    url: str
    size: int


READINGS = {False: "completo", True: "facil"}


def course_download(course: Course, easy: bool) -> Download | None:
    """What the .zip of one reading version holds (None unless every lesson has audio)."""
    store = get_store()

    def media_size(rel: str) -> int | None:
        path = store.media_path(course, rel)
        return path.stat().st_size if path is not None else None

    return reading_download(course, easy, media_size)


def course_downloads(course: Course) -> list[AudioDownload]:
    """The .zip downloads a course page offers: the full text's, and the easy-read version's
    when some lesson has one; only those where every lesson has its audio."""
    found = []
    for easy in _versions(course):
        download = course_download(course, easy)
        if download is not None:
            url = url_for(
                "catalog.narration_zip",
                slug=course.slug,
                reading=READINGS[easy],
                v=download.digest[:12],
            )
            found.append(AudioDownload(easy, url, download.size))
    return found


def downloads_on_their_way(course: Course, offered: list[AudioDownload]) -> bool:
    """True when a reading version's .zip is not OFFERED (`course_downloads`) only because
    its narrations are being made (the course pages say it will be there in minutes)."""
    ready = {download.easy for download in offered}
    return any(
        reading_download_on_its_way(course, easy) for easy in _versions(course) if easy not in ready
    )


def _versions(course: Course) -> tuple[bool, ...]:
    """The reading versions with a .zip: the full text, and the easy read when some lesson
    has one (easy=True)."""
    return (False, True) if any(lesson.easy_read for lesson in course.lessons) else (False,)


def download_zip(course: Course, easy: bool):
    """(the .zip file, its Download) of one reading version of COURSE, or None."""
    download = course_download(course, easy)
    if download is None:
        return None
    store = get_store()

    def read_media(rel: str) -> bytes:
        return store.media_path(course, rel).read_bytes()

    return zip_file(download, read_media), download
