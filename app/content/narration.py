"""Lesson narration: what each lesson reading says, its key, and speech synthesis.

Pure Python plus two Debian programs: espeak-ng (speech to WAV) and, when installed, lame
(WAV to MP3, about ten times smaller for a phone on a slow connection). Nothing here runs at
request time: the job worker (app.narration.tasks) calls `synthesize`; pages only look keys up.
A narration is named by `clip_key` (a hash of its text, voice and speed), so an unchanged
lesson is never narrated twice, whatever version of whatever course it belongs to.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.content.espeak import speak_wav
from app.content.model import Course, Lesson

AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
}
GENERATED_TYPES = {"audio/mpeg": ".mp3", "audio/wav": ".wav"}
# lame's settings for every MP3 made here (lessons and books); see `encode_mp3`.
MP3_SETTINGS = ("--noreplaygain", "-m", "m", "-b", "32", "-q", "7")


def audio_type(filename: str) -> str:
    return AUDIO_TYPES.get(os.path.splitext(filename)[1].lower(), "audio/mpeg")


# The one rule for the file names of a lesson's audio, recorded or made: `01-slug.mp3` says its
# full text, `01-slug.lf.mp3` its easy-read version (as `01-slug.lf.md` is its text).
EASY_READ_MARK = ".lf"


def narration_filename(lesson_slug: str, easy_read: bool, extension: str) -> str:
    """`01-slug.mp3` for the full text, `01-slug.lf.mp3` for the easy-read version."""
    return f"{lesson_slug}{EASY_READ_MARK if easy_read else ''}{extension}"


def parse_narration_filename(filename: str) -> tuple[str, bool, str] | None:
    """(lesson slug, easy-read version?, extension) that FILENAME names by that rule, e.g.
    `01-slug.lf.mp3` -> ("01-slug", True, ".mp3"); None without an extension."""
    stem, dot, ext = filename.rpartition(".")
    if not dot or not stem:
        return None
    easy = stem.endswith(EASY_READ_MARK)
    return (stem.removesuffix(EASY_READ_MARK) if easy else stem), easy, f".{ext}"


def trainer_recording(lesson: Lesson, easy_read: bool):
    """A trainer's own recording of this version of the lesson (Media), if the course has one."""
    for item in lesson.media:
        if item.kind == "audio" and item.easy_read == easy_read:
            return item
    return None


def narration_text(lesson: Lesson, easy_read: bool) -> str:
    if easy_read:
        return lesson.easy_read_text.strip() if lesson.easy_read is not None else ""
    return lesson.plain_text.strip()


def synthesize_wav(text: str, out: Path, *, voice: str = "es-419", wpm: int = 150) -> None:
    """Speak TEXT into the WAV file OUT with espeak-ng (through a speech server when one can
    run: the same samples as the program, without its start for each text; app.content.espeak)."""
    speak_wav(text, out, voice=voice, wpm=wpm)


def encode_mp3(wav: Path, out: Path) -> bool:
    """Encode WAV as mono 32 kbit/s MP3 with lame; False when lame is not installed.

    Without ReplayGain analysis: on by default, it took three quarters of lame's time and only
    writes a loudness hint that browsers ignore (docs/performance.md, narration). 32 kbit/s
    keeps espeak-ng's 22 050 Hz; 24 would resample to 16 kHz, which costs more than it saves.
    """
    lame = shutil.which("lame")
    if lame is None:
        return False
    subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
        [lame, "--quiet", *MP3_SETTINGS, str(wav), str(out)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return True


def clip_key(text: str, voice: str, wpm: int) -> str:
    """The name of the narration of TEXT spoken by VOICE at WPM words a minute (SHA-256)."""
    return hashlib.sha256(f"{voice}\n{wpm}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class Reading:
    """One lesson as one reading version offers it to the ear: a trainer's recording, or TEXT
    to synthesise under KEY (text "" and key "": nothing to narrate)."""

    lesson: Lesson
    easy_read: bool  # the lesson's own easy-read version (False: its full text)
    text: str
    key: str
    recording: object | None  # the trainer's recording (Media), which comes first


def reading(lesson: Lesson, easy_read: bool, voice: str, wpm: int) -> Reading:
    """LESSON's full text, or its easy-read version, as a narration would say it."""
    recording = trainer_recording(lesson, easy_read)
    text = "" if recording is not None else narration_text(lesson, easy_read)
    return Reading(lesson, easy_read, text, clip_key(text, voice, wpm) if text else "", recording)


def course_readings(course: Course, easy: bool, voice: str, wpm: int) -> list[Reading]:
    """What each lesson of COURSE says in one reading version (EASY: the easy-read version
    where a lesson has one, its full text where it has not, as the pages show it)."""
    return [
        reading(lesson, easy and lesson.easy_read is not None, voice, wpm)
        for lesson in course.lessons
    ]


def all_readings(course: Course, voice: str, wpm: int) -> list[Reading]:
    """Every distinct reading of COURSE: each lesson's full text and its easy-read version."""
    return [
        reading(lesson, easy, voice, wpm)
        for lesson in course.lessons
        for easy in ((False, True) if lesson.easy_read is not None else (False,))
    ]


def synthesize(text: str, *, voice: str = "es-419", wpm: int = 150, mp3: bool = True):
    """Speak TEXT: (bytes, media type), MP3 when lame is installed and MP3 wanted, else WAV."""
    with tempfile.TemporaryDirectory(prefix="aula-narration-") as tmp:
        wav = Path(tmp) / "speech.wav"
        synthesize_wav(text, wav, voice=voice, wpm=wpm)
        if mp3:
            out = wav.with_suffix(".mp3")
            if encode_mp3(wav, out):
                return out.read_bytes(), "audio/mpeg"
        return wav.read_bytes(), "audio/wav"
