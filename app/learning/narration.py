"""Which audio a lesson page offers: the trainer's recording first, else the generated one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for

from app.content.model import Course, Lesson
from app.content.narration import audio_type, find_generated, trainer_recording


@dataclass(frozen=True)
class LessonAudio:
    url: str
    type: str
    generated: bool  # True: synthetic voice (espeak-ng); False: a person's recording
    size: int | None = None  # bytes, when known (generated files)


def narration_root() -> Path:
    return Path(current_app.config["NARRATION_DIR"])


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
    path = find_generated(narration_root(), course, lesson, easy_read)
    if path is None:
        return None
    return LessonAudio(
        url=url_for("catalog.narration", slug=course.slug, filename=path.name),
        type=audio_type(path.name),
        generated=True,
        size=path.stat().st_size,
    )
