"""Speech through a speech server: the same samples as the espeak-ng program, text after text,
from several threads, and the program again when the server cannot run or stops."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import wave
from pathlib import Path

import pytest

from app.content import espeak
from app.content.espeak import SpeechServer, speak_wav

pytestmark = [
    pytest.mark.nodb,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing"),
]

ESPEAK = shutil.which("espeak-ng") or "espeak-ng"
TEXTS = [
    ("Una cooperativa es una empresa de personas.", "es-419"),
    (
        "La multa va del 50 % al 500 % del monto (mínimo 2 UTM), según el artículo 97 N° 10.",
        "es-419",
    ),
    ("Línea uno.\nLínea dos: «comillas», ¿preguntas? ¡Exclamaciones!", "es-419"),
    ("Cada persona tiene un voto. Cada voto vale lo mismo; nadie manda sola.", "es-419"),
    ("Cooperatives are enterprises owned by their members.", "en-us"),
    ("a", "es-419"),
]


def frames(path: Path) -> tuple[tuple, bytes]:
    with wave.open(str(path), "rb") as w:
        return (w.getnchannels(), w.getsampwidth(), w.getframerate()), w.readframes(w.getnframes())


def program(text: str, out: Path, voice: str = "es-419", wpm: int = 150) -> Path:
    espeak._program(ESPEAK, text, out, voice=voice, wpm=wpm)
    return out


@pytest.fixture
def pool(monkeypatch):
    """A pool of this test's own (closed afterwards)."""
    fresh = espeak._Pool()
    monkeypatch.setattr(espeak, "_pool", fresh)
    yield fresh
    fresh.close_all()


def test_every_text_comes_out_as_the_program_says_it_alone(tmp_path, pool):
    # One server says them all in a row, and each is what the program says for it alone: the
    # library's state from one text does not leak into the next.
    for i, (text, voice) in enumerate(TEXTS):
        speak_wav(text, tmp_path / f"server-{i}.wav", voice=voice, wpm=150)
        expected = frames(program(text, tmp_path / f"program-{i}.wav", voice))
        assert frames(tmp_path / f"server-{i}.wav") == expected, text
    assert len(pool.idle[("es-419", 150)]) == 1  # one server, reused
    assert len(pool.idle[("en-us", 150)]) == 1
    assert not pool.unavailable


def test_the_speed_reaches_the_server(tmp_path, pool):
    text = "Cada persona tiene un voto."
    speak_wav(text, tmp_path / "slow.wav", voice="es-419", wpm=110)
    speak_wav(text, tmp_path / "fast.wav", voice="es-419", wpm=190)
    slow, fast = frames(tmp_path / "slow.wav"), frames(tmp_path / "fast.wav")
    assert len(slow[1]) > len(fast[1])
    assert slow == frames(program(text, tmp_path / "p.wav", wpm=110))


def test_threads_each_get_a_server_and_their_own_text(tmp_path, pool):
    texts = [f"Esta es la frase número {n} de la lección." for n in range(12)]
    errors = []

    def say(start):
        try:
            for n in range(start, len(texts), 3):
                speak_wav(texts[n], tmp_path / f"t{n}.wav", voice="es-419", wpm=150)
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=say, args=(start,)) for start in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n in (0, 7, 11):
        assert frames(tmp_path / f"t{n}.wav") == frames(program(texts[n], tmp_path / "p.wav"))
    assert 1 <= len(pool.idle[("es-419", 150)]) <= 3


def test_a_server_that_dies_is_replaced_and_the_text_is_still_spoken(tmp_path, pool, caplog):
    text = "Cada persona tiene un voto."
    speak_wav(text, tmp_path / "one.wav", voice="es-419", wpm=150)
    (server,) = pool.idle[("es-419", 150)]
    os.kill(server.proc.pid, signal.SIGKILL)
    server.proc.wait()
    with caplog.at_level(logging.WARNING, logger="aula.narration"):
        speak_wav(text, tmp_path / "two.wav", voice="es-419", wpm=150)
    assert "stopped" in caplog.text
    assert frames(tmp_path / "two.wav") == frames(tmp_path / "one.wav")
    assert pool.idle.get(("es-419", 150), []) == []  # the dead one is not given back
    speak_wav(text, tmp_path / "three.wav", voice="es-419", wpm=150)
    (new,) = pool.idle[("es-419", 150)]
    assert new is not server and new.proc.poll() is None
    assert frames(tmp_path / "three.wav") == frames(tmp_path / "one.wav")


def test_without_the_library_the_program_speaks(tmp_path, pool, monkeypatch, caplog):
    broken = tmp_path / "no_library.py"
    broken.write_text('print("error libespeak-ng.so.1: cannot open shared object file")\n')
    monkeypatch.setattr(espeak, "SERVER", broken)
    text = "Cada persona tiene un voto."
    with caplog.at_level(logging.WARNING, logger="aula.narration"):
        speak_wav(text, tmp_path / "a.wav", voice="es-419", wpm=150)
        speak_wav(text, tmp_path / "b.wav", voice="es-419", wpm=150)
    assert pool.unavailable == {("es-419", 150)}
    assert caplog.text.count("no speech server") == 1  # tried once, then the program
    assert frames(tmp_path / "a.wav") == frames(program(text, tmp_path / "p.wav"))


def test_an_unknown_voice_is_left_to_the_program(tmp_path, pool):
    # The library refuses it; the program warns and speaks with its default voice, as before.
    speak_wav("Hola.", tmp_path / "x.wav", voice="no-such-voice", wpm=150)
    assert pool.unavailable == {("no-such-voice", 150)}
    expected = frames(program("Hola.", tmp_path / "p.wav", "no-such-voice"))
    assert frames(tmp_path / "x.wav") == expected


def test_a_text_that_cannot_be_written_is_an_error_and_the_server_goes_on(tmp_path, pool):
    with pytest.raises(RuntimeError, match="espeak-ng: .*No such file"):
        speak_wav("Hola.", tmp_path / "missing" / "x.wav", voice="es-419", wpm=150)
    speak_wav("Hola.", tmp_path / "x.wav", voice="es-419", wpm=150)
    assert frames(tmp_path / "x.wav") == frames(program("Hola.", tmp_path / "p.wav"))
    assert len(pool.idle[("es-419", 150)]) == 1


def test_a_bad_request_is_answered_not_fatal(tmp_path):
    server = SpeechServer("es-419", 150)
    try:
        server.proc.stdin.write("not json\n")
        server.proc.stdin.flush()
        assert '"ok": false' in server.proc.stdout.readline()
        server.speak("Hola.", tmp_path / "x.wav")
        assert (tmp_path / "x.wav").stat().st_size > 44
    finally:
        server.close()
    assert server.proc.returncode == 0


def test_the_server_script_imports_nothing_of_the_app():
    # It is forked for every sentence: it stays small.
    source = Path(espeak.SERVER).read_text()
    assert "import app" not in source and "from app" not in source
