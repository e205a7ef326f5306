"""Two hosts on one PostgreSQL: a course published on host A is narrated by A's job worker, and
host B, which never ran a worker and has a disk of its own, serves the audio (issue 22).

Each host has its own instance folder (AULA_INSTANCE_PATH: its queue file, course cache and
narration cache); they share only a fresh PostgreSQL database of this test's own (created,
migrated and dropped here). Host B is a real gunicorn server. The server is the one of
TEST_POSTGRES_URL, or a PostgreSQL TEST_DATABASE_URL; with neither the test fails under
AULA_REQUIRE_POSTGRES=1 and is skipped otherwise.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import psycopg
import pytest

from tests.helpers import FIXTURE_COURSES
from tests.hosts import free_port, fresh_database, http_get

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing"),
]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COURSE = "curso-prueba"
LESSON_URL = f"/cursos/{COURSE}/02-trabajo-en-equipo"
NARRATIONS = 4  # curso-prueba's readings, less the one with a trainer's recording


@pytest.fixture
def database_url():
    """A fresh, empty database on the test server, dropped afterwards."""
    with fresh_database("aula_narration") as url:
        yield url


class Host:
    """One host: its own instance folder and course folder, the shared database."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        shutil.copytree(FIXTURE_COURSES / COURSE, root / "courses" / COURSE)
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AULA_", "FLASK_")) and k not in ("DATABASE_URL", "REDIS_URL")
        }
        self.env.update(
            FLASK_APP="wsgi.py",
            DATABASE_URL=database_url,
            SECRET_KEY="narration-two-hosts-test-secret-key-shared",
            AULA_INSTANCE_PATH=str(root / "instance"),
            AULA_COURSES_DIR=str(root / "courses"),
            AULA_COURSE_CHECK_SECONDS="1",
            AULA_NARRATION_CHECK_SECONDS="1",
            AULA_PAGE_CACHE_SECONDS="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.log = root / "host.log"
        self.processes: list[subprocess.Popen] = []

    def flask(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def spawn(self, *command: str) -> subprocess.Popen:
        out = self.log.open("ab")
        process = subprocess.Popen(
            list(command), cwd=PROJECT_ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def serve(self) -> int:
        port = free_port()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.spawn(gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if http_get(port, "/")[0] == 200:
                    return port
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail("gunicorn did not answer:\n" + self.logs())

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def logs(self) -> str:
        return self.log.read_text("utf-8", errors="replace")[-4000:] if self.log.exists() else ""


def _narrations(database_url: str) -> dict[str, str]:
    """{key: status} of every narration in the shared database."""
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute("SELECT key, status FROM lesson_narrations").fetchall())


def _blob_digests(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT blob_sha256 FROM lesson_narrations WHERE status = 'done'"
        ).fetchall()
    return {sha for (sha,) in rows}


def test_a_course_published_on_one_host_is_narrated_and_served_by_the_other(database_url, tmp_path):
    host_a = Host(tmp_path / "a", database_url)
    host_b = Host(tmp_path / "b", database_url)
    try:
        host_a.flask("db", "upgrade")
        port_b = host_b.serve()
        html = http_get(port_b, LESSON_URL)[1].decode()
        assert 'class="listen"' not in html  # nothing published, nothing narrated yet
        host_a.flask("courses", "sync")  # enqueued in A's queue, in A's instance folder
        assert (tmp_path / "a" / "instance" / "jobs.sqlite").is_file()
        assert set(_narrations(database_url).values()) <= {"pending"}

        worker = host_a.spawn(sys.executable, "-m", "flask", "jobs", "worker")
        deadline = time.monotonic() + 180
        while list(_narrations(database_url).values()).count("done") < NARRATIONS:
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("host A's worker did not narrate:\n" + host_a.logs())
            time.sleep(0.5)
        host_a.stop()

        # Host B serves the audio: from the database, into its own cache.
        deadline = time.monotonic() + 15
        while True:
            html = http_get(port_b, LESSON_URL)[1].decode()
            match = re.search(r'<source src="(/cursos/[^"]+/narracion/[^"]+)"', html)
            if match or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert match, html
        url = match.group(1).replace("&amp;", "&")
        status, audio = http_get(port_b, url)
        assert status == 200
        assert hashlib.sha256(audio).hexdigest() in _blob_digests(database_url)
        assert not (tmp_path / "a" / "instance" / "narration").exists()  # A never served it
        cached = list((tmp_path / "b" / "instance" / "narration").rglob("*"))
        assert any(p.is_file() and p.read_bytes() == audio for p in cached)

        course = http_get(port_b, f"/cursos/{COURSE}/")[1].decode()
        link = re.search(r'href="(/cursos/curso-prueba/audio/completo\.zip[^"]*)"', course)
        assert link, course
        status, data = http_get(port_b, link.group(1).replace("&amp;", "&"))
        assert status == 200
        assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 3
    finally:
        host_a.stop()
        host_b.stop()
