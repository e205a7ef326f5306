"""Rate limits shared by several processes and hosts through Redis (issue 15, several servers).

The only Flask-Limiter limit of the app is certificate verification (`/verificar`,
`CERTIFICATE_VERIFY_LIMIT`, app/certificates/views.py). Failed logins and wrong enrolment keys
are not counted by the limiter: app/accounts/throttle.py keeps them in the database
(`login_failures`), which every host shares already, so they are not tested here.

Each "host" is a separate Python process with its own app, course cache and narration folder:
in one process every app shares the one `extensions.limiter` and so its storage, which would
prove nothing. With `redis://` the second process refuses the request that goes over the
limit; with `memory://` (the default) it does not: each process counts on its own.

Marked nodb: the processes never touch a database, so the PostgreSQL pass of scripts/test.sh
(`-m "not browser and not nodb"`) does not run this file again; the SQLite pass runs it with
AULA_REQUIRE_REDIS=1, where a missing redis-server fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_COURSES

pytestmark = pytest.mark.nodb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LIMIT = 3  # CERTIFICATE_VERIFY_LIMIT in these tests: "3 per hour" (no window ends mid-test)

# One host: build the app from the JSON settings, ask /verificar N times, print the statuses
# and the last answer's text.
HOST = """
import json, sys
from app import create_app
settings, n = json.loads(sys.argv[1]), int(sys.argv[2])
client = create_app(settings).test_client()
answers = [client.get("/verificar") for _ in range(n)]
print(json.dumps({"statuses": [a.status_code for a in answers],
                  "last": answers[-1].get_data(as_text=True)}))
"""


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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on a free port, in a temporary folder, for the whole session."""
    server = shutil.which("redis-server")
    if server is None:
        message = "redis-server is not installed (scripts/install-system-deps.sh installs it)"
        if os.environ.get("AULA_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    with (folder / "log").open("wb") as log:
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
            + ["no", "--dir", str(folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 10
        while not _ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("redis-server did not start: " + (folder / "log").read_text())
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _host_settings(folder: Path, storage_uri: str, prefix: str) -> dict:
    """One host's settings: its own disk (cache, narration, instance database), one limiter."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-shared-by-every-host",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "unused.sqlite"),
        "COURSES_DIR": str(FIXTURE_COURSES),
        "COURSE_CACHE_DIR": str(folder / "course-cache"),
        "NARRATION_DIR": str(folder / "narration"),
        "COURSE_CHECK_SECONDS": 0,
        "PAGE_CACHE_SECONDS": 0,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_KEY_PREFIX": prefix,  # this test's own counters on the shared server
        "CERTIFICATE_VERIFY_LIMIT": f"{LIMIT} per hour",
    }


def _visit(settings: dict, times: int) -> dict:
    """Run one host in a process of its own and ask /verificar TIMES times."""
    done = subprocess.run(
        [sys.executable, "-c", HOST, json.dumps(settings), str(times)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _two_hosts(tmp_path: Path, storage_uri: str) -> tuple[dict, dict]:
    prefix = f"aula-test-{uuid.uuid4().hex}"
    return (
        _host_settings(tmp_path / "host-a", storage_uri, prefix),
        _host_settings(tmp_path / "host-b", storage_uri, prefix),
    )


def test_redis_limit_is_shared_by_two_hosts(redis_url, tmp_path):
    host_a, host_b = _two_hosts(tmp_path, redis_url)
    assert _visit(host_a, LIMIT)["statuses"] == [200] * LIMIT  # the whole allowance, on A
    over = _visit(host_b, 1)  # one more, on B: refused, B saw A's requests
    assert over["statuses"] == [429]
    assert "Demasiados intentos" in over["last"]
    assert "Hiciste muchos intentos seguidos" in over["last"]
    # And A is refused too: one count, whichever host asks.
    assert _visit(host_a, 1)["statuses"] == [429]


def test_redis_limit_counts_requests_of_both_hosts(redis_url, tmp_path):
    host_a, host_b = _two_hosts(tmp_path, redis_url)
    assert _visit(host_a, LIMIT - 1)["statuses"] == [200] * (LIMIT - 1)
    # B gets exactly what A left: one request, then the limit.
    assert _visit(host_b, 2)["statuses"] == [200, 429]


def test_memory_storage_counts_each_process_alone(tmp_path):
    """The control: the default memory:// keeps the counts inside each process."""
    host_a, host_b = _two_hosts(tmp_path, "memory://")
    assert _visit(host_a, LIMIT + 1)["statuses"] == [200] * LIMIT + [429]
    # A is over its limit, yet B has a whole allowance of its own.
    assert _visit(host_b, LIMIT)["statuses"] == [200] * LIMIT
