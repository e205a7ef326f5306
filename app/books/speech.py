"""Speak a document's sentences one by one and join them into one MP3 with exact clip times.

Each sentence is synthesised on its own with espeak-ng (`app.content.narration.synthesize_wav`),
so where it starts and ends in the joined audio is a count of WAV frames, not a guess. The joined
WAV is encoded once with lame (`encode_mp3`); its LAME header records the encoder delay and
padding, which gapless decoders (browsers, the reading systems built on them) remove, so the
MP3 plays the WAV's exact timeline. `decoded_seconds` decodes it back to check that.

A speaker made with REUSE_BYTES keeps the pieces it made (up to that many bytes of WAV) for the
next documents, in its WORKDIR until its owner deletes that: the two books of a course share
many sentences (every lesson without an easy-read version is in both), and each sentence
costs a process start of espeak-ng (docs/performance.md, narration).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.books.xhtml import Sentence
from app.content.narration import MP3_SETTINGS, encode_mp3, synthesize_wav

# espeak-ng voices for passages marked in another language; anything else uses the book's voice.
VOICES = {"en": "en-us", "pt": "pt-br", "fr": "fr-fr", "de": "de", "it": "it"}
MIN_CLIP_FRAMES = 2205  # a clip of at least 0.1 s at espeak-ng's 22 050 Hz
# What a document's audio depends on besides its sentences and speed (in its narration key):
# the encoder's settings come from the encoder; bump the version when the joining changes,
# so that no book reuses audio made the old way.
AUDIO_FORMAT = f"joined WAV v1, min {MIN_CLIP_FRAMES} frames; lame {' '.join(MP3_SETTINGS)}"


@dataclass(frozen=True)
class Clip:
    """Where sentence ID is said in its document's audio, in seconds."""

    id: str
    begin: float
    end: float


@dataclass(frozen=True)
class Narration:
    """One document's audio (MP3 bytes), its length in seconds and the clip of each sentence."""

    mp3: bytes
    seconds: float
    clips: tuple[Clip, ...]

    def entry(self, document: str) -> dict:
        """How a book's narration index records this audio of DOCUMENT (all but the MP3)."""
        return {
            "doc": document,
            "seconds": self.seconds,
            "clips": [[c.id, c.begin, c.end] for c in self.clips],
        }

    @classmethod
    def from_entry(cls, entry: dict, mp3: bytes) -> Narration:
        clips = tuple(Clip(str(i), float(b), float(e)) for i, b, e in entry["clips"])
        return cls(mp3, float(entry["seconds"]), clips)


def voice_for(lang: str, default: str) -> str:
    primary = lang.split("-")[0].lower()
    return default if primary == "es" or primary not in VOICES else VOICES[primary]


class Speaker:
    """Synthesises the sentences of a document (each distinct text and voice once) and joins
    them; the pieces wait on disk, never all in memory (an hour of audio is 150 MB of WAV)."""

    def __init__(
        self,
        workdir: Path,
        *,
        voice: str = "es-419",
        wpm: int = 150,
        workers: int = 2,
        reuse_bytes: int = 0,
    ):
        self.workdir = workdir
        self.voice = voice
        self.wpm = wpm
        self.workers = workers
        self.reuse_bytes = reuse_bytes
        self._kept: dict[tuple[str, str], Path] = {}  # pieces kept for the next documents
        self._kept_bytes = 0

    def narration_key(self, sentences: Sequence[Sentence]) -> str:
        """The name of the audio this speaker makes of SENTENCES (their ids, texts and voices,
        the speed and the audio format): a document of a new version whose key an earlier
        book has is not spoken again."""
        said = [[s.id, s.text, voice_for(s.lang, self.voice)] for s in sentences]
        payload = json.dumps([AUDIO_FORMAT, self.wpm, said], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _speak(self, key: tuple[str, str]) -> Path:
        text, voice = key
        with tempfile.NamedTemporaryFile(dir=self.workdir, suffix=".wav", delete=False) as f:
            path = Path(f.name)
        synthesize_wav(text, path, voice=voice, wpm=self.wpm)
        return path

    def narrate(self, sentences: Sequence[Sentence], name: str) -> Narration:
        """The joined audio of SENTENCES, in order, encoded as MP3 (NAME: a file name stem)."""
        if not sentences:
            raise ValueError("nothing to narrate")
        keys = [(s.text, voice_for(s.lang, self.voice)) for s in sentences]
        new = [key for key in dict.fromkeys(keys) if key not in self._kept]
        pieces: dict[tuple[str, str], Path] = {}
        wav_path = self.workdir / f"{name}.wav"
        mp3_path = wav_path.with_suffix(".mp3")
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                pieces.update(zip(new, pool.map(self._speak, new), strict=True))
            paths = [self._kept.get(k) or pieces[k] for k in keys]
            clips, total, rate = self._join(sentences, paths, wav_path)
            if not encode_mp3(wav_path, mp3_path):
                raise RuntimeError("lame is not installed (run scripts/install-system-deps.sh)")
            self._keep(pieces)
            return Narration(mp3_path.read_bytes(), total / rate, tuple(clips))
        finally:
            for path in (*pieces.values(), wav_path, mp3_path):
                path.unlink(missing_ok=True)

    def _keep(self, pieces: dict[tuple[str, str], Path]) -> None:
        """Keep PIECES for the next documents while they fit in REUSE_BYTES (taken out of
        PIECES, which are deleted)."""
        for key, path in list(pieces.items()):
            size = path.stat().st_size
            if self._kept_bytes + size > self.reuse_bytes:
                return
            self._kept[key] = pieces.pop(key)
            self._kept_bytes += size

    @staticmethod
    def _join(sentences, paths, out_path: Path) -> tuple[list[Clip], int, int]:
        """Write the WAV files PATHS one after another into OUT_PATH; the clip of each
        sentence (from frame counts), the frames written and the frame rate."""
        clips: list[Clip] = []
        total = 0
        params = None
        with wave.open(str(out_path), "wb") as out:
            for sentence, path in zip(sentences, paths, strict=True):
                with wave.open(str(path), "rb") as piece:
                    these = (piece.getnchannels(), piece.getsampwidth(), piece.getframerate())
                    frames = piece.readframes(piece.getnframes())
                if params is None:
                    params = these
                    out.setnchannels(these[0])
                    out.setsampwidth(these[1])
                    out.setframerate(these[2])
                elif these != params:
                    raise RuntimeError(f"espeak-ng gave {these} for one sentence, {params} before")
                frame_size = these[0] * these[1]
                count = len(frames) // frame_size
                if count < MIN_CLIP_FRAMES:  # never a clip of no time
                    frames += b"\0" * ((MIN_CLIP_FRAMES - count) * frame_size)
                    count = MIN_CLIP_FRAMES
                out.writeframes(frames)
                clips.append(Clip(sentence.id, total / these[2], (total + count) / these[2]))
                total += count
        return clips, total, params[2]


def decoded_seconds(mp3: bytes) -> float:
    """How long MP3 plays when decoded by lame (which removes the delay its header records)."""
    lame = shutil.which("lame")
    if lame is None:
        raise RuntimeError("lame is not installed (run scripts/install-system-deps.sh)")
    with tempfile.TemporaryDirectory(prefix="aula-book-") as tmp:
        source, target = Path(tmp) / "a.mp3", Path(tmp) / "a.wav"
        source.write_bytes(mp3)
        subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
            [lame, "--quiet", "--decode", str(source), str(target)],
            check=True,
            capture_output=True,
            timeout=600,
        )
        with wave.open(str(target), "rb") as w:
            return w.getnframes() / float(w.getframerate())
