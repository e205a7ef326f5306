"""Speak a text into a WAV file with espeak-ng, through a speech server when one can run.

`speak_wav` gives the same samples as `espeak-ng -v VOICE -s WPM -b 1 -f TEXT -w OUT`. It asks
an idle speech server (app/content/espeak_server.py: libespeak-ng loaded once, a forked child
per text) for that voice and speed, and starts one when none is idle, so each thread of the job
worker has its own. Where the library cannot be loaded, or a server dies, the text is spoken by
the espeak-ng program as before. A book speaks each sentence on its own (about 16,000 for the
shipped courses): the server saves most of espeak-ng's start for each of them.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

log = logging.getLogger("aula.narration")
SERVER = Path(__file__).with_name("espeak_server.py")
TIME_LIMIT = 600  # seconds for one text, as for the espeak-ng program


class ServerUnavailable(OSError):
    """The speech server cannot start, or stopped answering."""


class SpeechServer:
    """One speech server process for VOICE at WPM words a minute; one text at a time."""

    def __init__(self, voice: str, wpm: int):
        self.proc = subprocess.Popen(  # noqa: S603 - this interpreter and our own script
            [sys.executable, str(SERVER), voice, str(wpm)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            close_fds=True,
        )
        first = self.proc.stdout.readline().strip()
        if not first.startswith("ready "):
            self.close()
            raise ServerUnavailable(first or "the speech server did not start")

    def speak(self, text: str, out: Path) -> None:
        """Speak TEXT into OUT; RuntimeError if espeak-ng refused it, ServerUnavailable if the
        server is gone."""
        try:
            self.proc.stdin.write(json.dumps({"text": text, "out": str(out)}) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (OSError, ValueError) as exc:
            raise ServerUnavailable(str(exc)) from exc
        if not line:
            raise ServerUnavailable(f"the speech server stopped ({self.proc.poll()})")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise RuntimeError(f"espeak-ng: {answer.get('error')}")

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        if self.proc.stdout:
            self.proc.stdout.close()


class _Pool:
    """Idle servers by (voice, wpm), shared by the threads of a process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.idle: dict[tuple[str, int], list[SpeechServer]] = {}
        self.unavailable: set[tuple[str, int]] = set()
        self.pid = os.getpid()

    def _mine(self) -> None:
        """A forked process does not use its parent's servers (their pipes are shared)."""
        if self.pid != os.getpid():
            self.idle, self.unavailable, self.pid = {}, set(), os.getpid()

    def take(self, key: tuple[str, int]) -> SpeechServer | None:
        with self.lock:
            self._mine()
            if key in self.unavailable:
                return None
            if self.idle.get(key):
                return self.idle[key].pop()
        try:
            return SpeechServer(*key)
        except (OSError, ServerUnavailable) as exc:
            log.warning("no speech server for %s (%s): espeak-ng runs once per text", key, exc)
            with self.lock:
                self.unavailable.add(key)
            return None

    def give_back(self, key: tuple[str, int], server: SpeechServer) -> None:
        with self.lock:
            if self.pid == os.getpid():
                self.idle.setdefault(key, []).append(server)
                return
        server.close()

    def close_all(self) -> None:
        with self.lock:
            servers = [s for idle in self.idle.values() for s in idle]
            self.idle = {}
        for server in servers:
            server.close()


_pool = _Pool()
atexit.register(_pool.close_all)


def speak_wav(text: str, out: Path, *, voice: str, wpm: int) -> None:
    """Speak TEXT into the WAV file OUT (the same samples as the espeak-ng program)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (run scripts/install-system-deps.sh)")
    key = (voice, int(wpm))
    server = _pool.take(key)
    if server is not None:
        try:
            server.speak(text, out)
        except ServerUnavailable as exc:
            log.warning("speech server for %s stopped (%s); espeak-ng speaks this text", key, exc)
            server.close()
        except Exception:
            _pool.give_back(key, server)  # it answered: it still works
            raise
        else:
            _pool.give_back(key, server)
            return
    _program(espeak, text, out, voice=voice, wpm=wpm)


def _program(espeak: str, text: str, out: Path, *, voice: str, wpm: int) -> None:
    """Speak TEXT with the espeak-ng program (the text passed as a file: no length cap)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(text)
        text_path = f.name
    try:
        subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
            [espeak, "-v", voice, "-s", str(wpm), "-b", "1", "-f", text_path, "-w", str(out)],
            check=True,
            capture_output=True,
            timeout=TIME_LIMIT,
        )
    finally:
        os.unlink(text_path)
