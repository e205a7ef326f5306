"""How long after `make run` until every shipped lesson has its audio and every course its books.

Run: .venv/bin/python bench/bench_narration.py [--runs 2] [--timeout 1800]

Each run is `make run` on a fresh instance: `scripts/run.sh` itself (with SKIP_SETUP=1: the
virtual environment is there already) with AULA_INSTANCE_PATH in a temporary folder, so it
syncs the shipped courses, makes the demo data, enqueues what is missing, starts the job
worker and serves the site, exactly as a fresh clone does. The bench polls the database every
second and prints, from the moment run.sh printed «Serving …» (the worker has started), how
long until every reading of every lesson (full text and easy-read version) is narrated and
every book of every published course is ready. It prints the load average before and after
(the machine is shared: wall times mean something only beside it) and the CPU time the worker
and its children (espeak-ng, lame) used, which does not depend on the load: on N free cores
the wall time is about CPU / N. Then the median of the runs. Budget (issue 22): within five
minutes. Figures and what they led to: docs/performance.md (narration).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import free_port, rmtree  # noqa: E402

BUDGET_S = 300.0
SERVING = "Serving Aula REFICOOP"


def _env(instance: Path) -> dict:
    env = dict(os.environ)
    env.update(
        AULA_INSTANCE_PATH=str(instance),
        SECRET_KEY=secrets.token_hex(32),
        PORT=str(free_port()),
        SKIP_SETUP="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return env


def _expected(instance: Path):
    """({narration keys}, {(revision id, reading)}) of every course published in INSTANCE."""
    os.environ["AULA_INSTANCE_PATH"] = str(instance)
    from app import create_app
    from app.books.services import published_revisions, readings_of
    from app.content.narration import all_readings
    from app.course_store import get_course
    from app.narration import services as narration

    app = create_app()
    with app.app_context():
        keys, books = set(), set()
        for slug, revision_id in published_revisions().items():
            course = get_course(slug)
            voice, wpm = narration.voice(), narration.words_per_minute()
            keys |= {r.key for r in all_readings(course, voice, wpm) if r.key}
            books |= {(revision_id, reading) for reading in readings_of(course)}
    return app, keys, books


def _progress(app, keys, books) -> tuple[int, int, int]:
    """(narrations done, books ready, failures) among KEYS and BOOKS."""
    from sqlalchemy import select

    from app.books.models import CourseBook
    from app.extensions import db
    from app.narration.models import LessonNarration

    with app.app_context():
        rows = db.session.execute(select(LessonNarration.key, LessonNarration.status)).all()
        done = sum(1 for key, status in rows if key in keys and status == "done")
        failed = sum(1 for key, status in rows if key in keys and status == "failed")
        built = db.session.execute(
            select(CourseBook.revision_id, CourseBook.reading, CourseBook.status)
        ).all()
        ready = sum(
            1 for r, reading, status in built if (r, reading) in books and status == "ready"
        )
        failed += sum(1 for r, reading, s in built if (r, reading) in books and s == "failed")
        db.session.remove()
    return done, ready, failed


def _worker_cpu(session: int) -> float | None:
    """CPU seconds (user + system, their waited-for children included) of the job worker that
    run.sh started in process group SESSION and of its speech servers (alive while the worker
    runs, so not yet counted in the worker's children); None until the worker runs."""
    total, found = 0.0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != session:
            continue
        worker = b"jobs" in cmdline and b"worker" in cmdline
        server = any(part.endswith(b"espeak_server.py") for part in cmdline)
        if worker or server:
            found = found or worker
            total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total if found else None


def run_once(timeout: float, log=print) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="aula-bench-narration-"))
    instance = tmp / "instance"
    output = tmp / "run.log"
    load_before = os.getloadavg()
    started = time.monotonic()
    with output.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed program, no shell
            ["bash", "scripts/run.sh"],
            cwd=ROOT,
            env=_env(instance),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while SERVING not in output.read_text():
            if proc.poll() is not None:
                raise RuntimeError(f"run.sh exited early; see {output}")
            time.sleep(0.2)
        serving = time.monotonic()
        log(f"  run.sh steps before the worker: {serving - started:.1f} s")
        app, keys, books = _expected(instance)
        log(f"  to make: {len(keys)} narrations, {len(books)} books")
        result = {"steps": serving - started, "texts": len(keys), "books": len(books)}
        while True:
            result["cpu"] = _worker_cpu(proc.pid) or result.get("cpu", 0.0)
            done, ready, failed = _progress(app, keys, books)
            now = time.monotonic() - serving
            if "audio" not in result and done == len(keys):
                result["audio"] = now
                log(f"  every lesson has its audio after {now:.1f} s ({result['cpu']:.0f} s CPU)")
            if ready == len(books) and "audio" in result:
                result["all"] = now
                log(f"  every book is ready after {now:.1f} s")
                log(f"  worker CPU (with espeak-ng and lame): {result['cpu']:.0f} s")
                break
            if failed:
                raise RuntimeError(f"{failed} narrations or books failed; see {output}")
            if now > timeout:
                raise RuntimeError(
                    f"not ready after {timeout:.0f} s: {done}/{len(keys)} "
                    f"narrations, {ready}/{len(books)} books"
                )
            time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        result_load = os.getloadavg()
        log(
            "  load average before: "
            + " ".join(f"{x:.2f}" for x in load_before)
            + ", after: "
            + " ".join(f"{x:.2f}" for x in result_load)
        )
        rmtree(tmp)
    result["load"] = (load_before, result_load)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; budget {BUDGET_S:.0f} s from the worker's start")
    runs = []
    for n in range(args.runs):
        print(f"run {n + 1}:")
        runs.append(run_once(args.timeout))
    median = statistics.median(r["all"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    print(
        f"all ready: median {median:.1f} s of {len(runs)} run(s) (budget {BUDGET_S:.0f} s); "
        f"worker CPU median {cpu:.0f} s"
    )
    return 0 if median <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
