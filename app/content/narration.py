"""Lesson narration made offline: file names, and speech synthesis with espeak-ng.

Pure Python plus two Debian programs: espeak-ng (speech to WAV) and, when installed, lame
(WAV to MP3, about ten times smaller for a phone on a slow connection). Nothing here runs at
request time: `flask courses narrate` calls it, the web app only looks for the files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from app.content.model import Course, Lesson

AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
}
GENERATED_EXTENSIONS = (".mp3", ".wav")


def audio_type(filename: str) -> str:
    return AUDIO_TYPES.get(os.path.splitext(filename)[1].lower(), "audio/mpeg")


def narration_stem(lesson: Lesson, easy_read: bool) -> str:
    """`01-slug` for the full text, `01-slug.lf` for the easy-read version."""
    return f"{lesson.slug}.lf" if easy_read else lesson.slug


def version_dir(root: Path, course: Course) -> Path:
    """Files of one content version: editing a course never serves an outdated narration."""
    return root / course.slug / course.version


def find_generated(root: Path, course: Course, lesson: Lesson, easy_read: bool) -> Path | None:
    folder = version_dir(root, course)
    stem = narration_stem(lesson, easy_read)
    for ext in GENERATED_EXTENSIONS:
        path = folder / (stem + ext)
        if path.is_file() and path.stat().st_size > 0:
            return path
    return None


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
    """Speak TEXT into the WAV file OUT with espeak-ng (text passed as a file: no length cap)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (run scripts/install-system-deps.sh)")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(text)
        text_path = f.name
    try:
        subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
            [espeak, "-v", voice, "-s", str(wpm), "-b", "1", "-f", text_path, "-w", str(out)],
            check=True,
            capture_output=True,
            timeout=600,
        )
    finally:
        os.unlink(text_path)


def encode_mp3(wav: Path, out: Path) -> bool:
    """Encode WAV as mono 32 kbit/s MP3 with lame; False when lame is not installed."""
    lame = shutil.which("lame")
    if lame is None:
        return False
    subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
        [lame, "--quiet", "-m", "m", "-b", "32", str(wav), str(out)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return True


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def narrate_lesson(
    root: Path,
    course: Course,
    lesson: Lesson,
    easy_read: bool,
    *,
    voice: str = "es-419",
    wpm: int = 150,
    mp3: bool = True,
) -> tuple[str, Path | None]:
    """Make the narration of one version of LESSON unless it exists or is not needed.

    Returns (what happened, path): "exists", "recorded" (a trainer's recording comes first),
    "empty" (no text or no easy-read version), or "made".
    """
    if trainer_recording(lesson, easy_read) is not None:
        return "recorded", None
    text = narration_text(lesson, easy_read)
    if not text:
        return "empty", None
    existing = find_generated(root, course, lesson, easy_read)
    if existing is not None:
        return "exists", existing
    folder = version_dir(root, course)
    folder.mkdir(parents=True, exist_ok=True)
    stem = narration_stem(lesson, easy_read)
    # Work in temporary names and rename at the end: a reader never sees half a file.
    tmp_wav = folder / f".{stem}.{os.getpid()}.wav"
    try:
        synthesize_wav(text, tmp_wav, voice=voice, wpm=wpm)
        if mp3:
            tmp_mp3 = tmp_wav.with_suffix(".mp3")
            if encode_mp3(tmp_wav, tmp_mp3):
                final = folder / f"{stem}.mp3"
                os.replace(tmp_mp3, final)
                return "made", final
        final = folder / f"{stem}.wav"
        os.replace(tmp_wav, final)
        return "made", final
    finally:
        for leftover in (tmp_wav, tmp_wav.with_suffix(".mp3")):
            if leftover.exists():
                leftover.unlink()
