"""gunicorn does not announce itself in a `Server` header (issue 25).

A real gunicorn, started on a free port as production starts it (from the project folder, where
it reads gunicorn.conf.py), serves the smallest Flask app (bench/hello_app.py); the same gunicorn
started elsewhere, without the settings, still sends `Server: gunicorn`, so the test can fail.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _headers_from_gunicorn(cwd: Path, *extra: str) -> dict[str, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--pythonpath",
            str(ROOT / "bench"),
            *extra,
            "hello_app:app",
        ],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/")
                response = connection.getresponse()
                assert response.read() == b"hello"
                connection.close()
                return {name.lower(): value for name, value in response.getheaders()}
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(20)


def test_gunicorn_started_from_the_project_folder_sends_no_server_header():
    headers = _headers_from_gunicorn(ROOT)
    assert "server" not in headers
    assert "date" in headers  # the other lines gunicorn writes are still there


def test_the_settings_file_works_from_another_folder_too(tmp_path):
    headers = _headers_from_gunicorn(tmp_path, "-c", str(ROOT / "gunicorn.conf.py"))
    assert "server" not in headers


def test_without_the_settings_gunicorn_announces_itself(tmp_path):
    headers = _headers_from_gunicorn(tmp_path)
    assert headers.get("server", "").startswith("gunicorn")
