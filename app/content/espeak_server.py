"""A speech server: libespeak-ng loaded once, a forked child for each text.

Run as a script (`python espeak_server.py VOICE WPM`), never imported by the app: it stays a
small process so that forking it is cheap. It prints `ready RATE` once the library is set up
(or `error MESSAGE` and exits), then reads one JSON request a line, `{"text": ..., "out": ...}`,
and answers one JSON line, `{"ok": true}` or `{"ok": false, "error": ...}`.

Each text is spoken by a child forked from the freshly initialised server, so it starts from the
same state as `espeak-ng -v VOICE -s WPM -b 1 -f TEXT -w OUT` and gives the same samples (a text
spoken after another in one process comes out different: the library keeps state from one text
to the next). The fork costs about a third of what starting espeak-ng costs (docs/performance.md,
narration). A child that runs longer than TIME_LIMIT seconds is stopped by its alarm.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import wave

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_RATE = 1
POS_CHARACTER = 1
# What `espeak-ng -b 1` passes: UTF-8 text, [[phonemes]] allowed, a pause at the end.
SYNTH_FLAGS = 0x1 | 0x100 | 0x1000
TIME_LIMIT = 600

CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def _load(voice: str, wpm: int):
    lib = ctypes.CDLL("libespeak-ng.so.1")
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
    if rate <= 0:
        raise OSError("espeak_Initialize failed")
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise OSError(f"unknown voice {voice}")
    if lib.espeak_SetParameter(ESPEAK_RATE, wpm, 0) != 0:
        raise OSError(f"bad speed {wpm}")
    return lib, rate


def _speak(lib, rate: int, text: str, out: str) -> None:
    """In the child: speak TEXT into the WAV file OUT."""
    chunks: list[bytes] = []

    def collect(samples, count, _events):
        if count > 0:
            chunks.append(ctypes.string_at(samples, count * 2))
        return 0

    callback = CALLBACK(collect)
    lib.espeak_SetSynthCallback(callback)
    data = text.encode("utf-8")
    if lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, SYNTH_FLAGS, None, None) != 0:
        raise OSError("espeak_Synth failed")
    if lib.espeak_Synchronize() != 0:
        raise OSError("espeak_Synchronize failed")
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(chunks))


def _child(lib, rate: int, request: dict, report: int) -> None:
    signal.alarm(TIME_LIMIT)
    try:
        _speak(lib, rate, request["text"], request["out"])
    except Exception as exc:  # noqa: BLE001 - reported to the server, which answers with it
        os.write(report, f"{type(exc).__name__}: {exc}".encode()[:500])
        os._exit(1)
    os._exit(0)


def _answer(lib, rate: int, request: dict) -> dict:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(lib, rate, request, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as report:
        message = report.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return {"ok": True}
    if not message:
        message = f"espeak-ng stopped ({os.waitstatus_to_exitcode(status)})"
    return {"ok": False, "error": message}


def main(argv: list[str]) -> int:
    voice, wpm = argv[1], int(argv[2])
    try:
        lib, rate = _load(voice, wpm)
    except (OSError, AttributeError) as exc:
        print(f"error {exc}", flush=True)
        return 1
    print(f"ready {rate}", flush=True)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = _answer(lib, rate, {"text": str(request["text"]), "out": str(request["out"])})
        except (ValueError, KeyError, TypeError) as exc:
            answer = {"ok": False, "error": f"bad request: {exc}"}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
