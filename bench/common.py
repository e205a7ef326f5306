"""Helpers shared by run_bench.py and load_test.py: a throwaway instance, gunicorn, logins."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
USER_AGENT = "aula-bench"  # the same for every client: Flask-Login ties the session to it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance_env(tmp: Path, database_url: str | None = None, **extra: str) -> dict:
    """Environment for flask/gunicorn on a fresh database in TMP (see docs/performance.md)."""
    env = dict(os.environ)
    env.update(
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url or f"sqlite:///{tmp}/aula.sqlite",
        SECRET_KEY=secrets.token_hex(32),
        AULA_COURSE_CACHE_DIR=str(tmp / "course-cache"),
        AULA_NARRATION_DIR=str(tmp / "narration"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def flask(env: dict, *args: str) -> float:
    """Run `flask ARGS` in the repository; return the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def prepare_database(env: dict, log=print) -> dict:
    times = {}
    times["db upgrade"] = flask(env, "db", "upgrade")
    times["courses sync"] = flask(env, "courses", "sync")
    started = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "python"), "bench/benchdata.py"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    times["bench-data"] = time.perf_counter() - started
    log("database ready: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    return times


class Gunicorn:
    """gunicorn APP on 127.0.0.1:<free port> with WORKERS sync workers."""

    def __init__(self, app: str, env: dict, workers: int, log: Path, cwd: Path = ROOT):
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--error-logfile",
                str(log),
                "--capture-output",
                app,
            ],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log}")
            try:
                status, _h, _b = request(self.port, "GET", "/")
                if status < 500 and len(self.workers()) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start; see {log}")

    def workers(self) -> list[int]:
        out = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                out.append(int(entry.name))
        return sorted(out)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def proc_kb(pid: int, field: str) -> int:
    """VmRSS / VmHWM of PID in kB (0 if the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def request(port: int, method: str, path: str, body: dict | None = None, cookie: str = ""):
    """One request; returns (status, headers as a list of pairs, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, response.getheaders(), payload


def session_cookie(headers, current: str = "") -> str:
    """The session cookie set by a response (Secure or not: we send it by hand), else CURRENT."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    return current


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        rb'name="csrf_token" value="([^"]+)"', html
    )
    if not match:
        raise RuntimeError("no CSRF token in page")
    return match.group(1).decode()


def login(port: int, username: str, password: str) -> tuple[str, str]:
    """Log in through the form; return (session cookie, CSRF token)."""
    _s, headers, html = request(port, "GET", "/ingresar")
    cookie = session_cookie(headers)
    token = csrf_token(html)
    status, headers, _b = request(
        port,
        "POST",
        "/ingresar",
        {"login": username, "password": password, "csrf_token": token},
        cookie=cookie,
    )
    if status != 302:
        raise RuntimeError(f"login of {username} failed: HTTP {status}")
    cookie = session_cookie(headers, cookie)
    # Follow the redirect as a browser does: that page shows (and removes) the login flash
    # message, so later pages are measured as a participant normally sees them.
    _s, headers, html = request(port, "GET", "/mis-cursos", cookie=cookie)
    return session_cookie(headers, cookie), csrf_token(html)


def location(headers) -> str:
    for name, value in headers:
        if name.lower() == "location":
            return urllib.parse.urlsplit(value).path
    return ""


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
