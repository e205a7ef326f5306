"""How long until a publish is served by every gunicorn worker, without a restart (issue 15).

Run: .venv/bin/python bench/bench_publish.py [--rounds 7] [--workers 2]

A throwaway instance (fresh SQLite, the shipped course `cooperativismo`, 5 lessons), gunicorn
with --workers sync workers and the page caches on (as in production). Each round changes the
title of lesson 1, runs `flask courses sync`, then asks for the lesson page every 20 ms on new
connections (so the workers take turns) until 20 answers in a row show the new title. Prints the
time from the end of `sync` to the first of those 20, per round, and the median and maximum.
Budget: every worker serves the new version within 2 s.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from common import VENV_BIN, Gunicorn, instance_env, request  # noqa: E402

COURSE = "cooperativismo"
LESSON_FILE = "01-que-es-una-cooperativa.md"
URL = f"/cursos/{COURSE}/01-que-es-una-cooperativa"
IN_A_ROW = 20
BUDGET_S = 2.0


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def retitle(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^titulo: .*$", f'titulo: "{title}"', text, count=1, flags=re.M))


def wait_for(port: int, marker: bytes, timeout: float = 30.0) -> float:
    """Seconds until IN_A_ROW answers in a row contain MARKER (measured to the first of them)."""
    started = time.perf_counter()
    streak_started = None
    streak = 0
    while time.perf_counter() - started < timeout:
        status, _headers, body = request(port, "GET", URL)
        if status == 200 and marker in body:
            if streak == 0:
                streak_started = time.perf_counter()
            streak += 1
            if streak >= IN_A_ROW:
                return streak_started - started
        else:
            streak = 0
        time.sleep(0.02)
    raise RuntimeError(f"not served within {timeout} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aula-publish-") as raw:
        tmp = Path(raw)
        courses = tmp / "courses"
        shutil.copytree(ROOT / "courses" / COURSE, courses / COURSE)
        env = instance_env(tmp, AULA_COURSES_DIR=str(courses))
        flask(env, "db", "upgrade")
        flask(env, "courses", "sync")
        server = Gunicorn("wsgi:app", env, args.workers, tmp / "gunicorn.log")
        try:
            wait_for(server.port, b"<h1")  # every worker up and its caches warm
            times = []
            for i in range(1, args.rounds + 1):
                title = f"Qué es una cooperativa, versión {i}"
                retitle(courses / COURSE / LESSON_FILE, title)
                flask(env, "courses", "sync")
                times.append(wait_for(server.port, title.encode()))
                print(f"round {i}: served by every worker {times[-1]:.2f} s after sync")
        finally:
            server.stop()
    median, worst = statistics.median(times), max(times)
    print(f"{args.workers} workers, {args.rounds} rounds: median {median:.2f} s, max {worst:.2f} s")
    print(f"budget {BUDGET_S:.0f} s: {'met' if worst < BUDGET_S else 'NOT met'}")
    return 0 if worst < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
