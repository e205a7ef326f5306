"""A real job worker (`flask jobs worker`, a process of its own) narrates what was published,
from the SQLite queue of the embedded default and from Redis (several hosts).

The publish happens here, in the test's app, while no worker runs: the jobs wait in the queue's
storage, and a worker started afterwards (as after a restart) finds and runs them. The worker
shares only the database and the queue with the test; its disk (instance folder, caches) is its
own. With no redis-server the Redis case fails under AULA_REQUIRE_REDIS=1 and is skipped
otherwise.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.narration.models import LessonNarration
from tests.helpers import FIXTURE_COURSES

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NARRATIONS = 4  # curso-prueba: 2 lessons x 2 readings + 1, less the trainer's recording
LESSON_2 = "/cursos/curso-prueba/02-trabajo-en-equipo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a free port, for this test."""
    server = shutil.which("redis-server")
    if server is None:
        message = "redis-server is not installed (scripts/install-system-deps.sh installs it)"
        if os.environ.get("AULA_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    log = tmp_path / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
            + ["no", "--dir", str(tmp_path)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 10
        while not _ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("redis-server did not start: " + log.read_text())
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_worker(app, folder: Path, queue: dict) -> subprocess.Popen:
    """`flask jobs worker` on APP's database and QUEUE, with a disk of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "FLASK_APP": "wsgi.py",
        "AULA_INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "AULA_COURSES_DIR": str(FIXTURE_COURSES),
        "AULA_COURSE_CACHE_DIR": str(folder / "course-cache"),
        "AULA_NARRATION_DIR": str(folder / "narration"),
        "AULA_COURSE_CHECK_SECONDS": "0",
        **queue,
    }
    log = (folder / "worker.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "jobs", "worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(worker: subprocess.Popen) -> int:
    worker.send_signal(signal.SIGINT)  # Huey's graceful stop: finish the job in hand
    try:
        return worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        return worker.wait()


def done_count(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(LessonNarration)
            .where(LessonNarration.status == "done")
        )


def publish_then_work(app, make_app, tmp_path, settings: dict, queue_env: dict) -> None:
    publisher = make_app(**settings)
    try:
        result = publisher.test_cli_runner().invoke(args=["courses", "sync"])
        assert result.exit_code == 0, result.output
        assert jobs.pending_count() >= 1  # waiting for a worker that is not running yet
        assert done_count(publisher) == 0
        worker = start_worker(app, tmp_path / "worker", queue_env)
        try:
            deadline = time.monotonic() + 120
            while done_count(publisher) < NARRATIONS:
                if worker.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "the worker did not narrate: "
                        + (tmp_path / "worker" / "worker.log").read_text()
                    )
                time.sleep(0.3)
        finally:
            assert stop(worker) == 0, (tmp_path / "worker" / "worker.log").read_text()
        assert jobs.pending_count() == 0
        # The publisher never made a narration, yet serves them: they are in the database.
        with publisher.app_context():
            from_db = {row.key for row in db.session.scalars(select(LessonNarration))}
        assert len(from_db) == NARRATIONS
        publisher.config["NARRATION_CHECK_SECONDS"] = 0.001
        html = publisher.test_client().get(LESSON_2).get_data(as_text=True)
        assert "/cursos/curso-prueba/narracion/02-trabajo-en-equipo." in html
    finally:
        jobs.init_jobs(app)


def test_a_worker_runs_the_jobs_from_the_sqlite_queue(app, make_app, tmp_path):
    queue = str(tmp_path / "jobs.sqlite")
    publish_then_work(
        app,
        make_app,
        tmp_path,
        {"JOBS_SQLITE_PATH": queue},
        {"AULA_JOBS_SQLITE_PATH": queue},
    )


def test_a_worker_runs_the_jobs_from_redis(app, make_app, tmp_path, redis_url):
    publish_then_work(
        app,
        make_app,
        tmp_path,
        {"REDIS_URL": redis_url},
        {"REDIS_URL": redis_url},
    )
