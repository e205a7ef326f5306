"""Web benchmark: the app under gunicorn against a minimal Flask app, with wrk.

    .venv/bin/python bench/run_bench.py --seconds 10

Builds a throwaway instance (temp dir, fresh SQLite, `flask db upgrade`, `flask courses sync`,
`python bench/benchdata.py`), starts gunicorn (2 sync workers, 127.0.0.1, a free port) for
wsgi:app and for bench/hello_app.py, and measures each page with wrk at 32 connections (and at 1
connection, for the per-request time), the bytes each page sends, cold start, worker memory and a
100,000-record CSV export. Prints a Markdown table and the budgets; `--json FILE` saves the
figures. Production settings (AULA_PRODUCTION=true, a generated SECRET_KEY); cookies are
Secure there, so the script sends them by hand over http. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    USER_AGENT,
    VENV_BIN,
    Gunicorn,
    instance_env,
    location,
    login,
    prepare_database,
    proc_kb,
    request,
    rmtree,
)

BENCH_PASSWORD = "bench-contrasena-no-secreta"  # noqa: S105 - see bench/benchdata.py
COURSE = "cooperativismo"
BUDGETS_TEXT = {
    "lesson_visitor": "lesson as visitor >= 80 % of hello req/s and p99 < 15 ms",
    "lesson_participant": "lesson logged in >= 35 % of hello req/s",
    "summary": "coordinator summary (2,000 participants) < 150 ms per request",
    "export": "100,000-record export: worker memory grows < 50 MB",
    "bytes": "lesson page < 40 KB with CSS and JS, uncompressed",
    "static": "static files fingerprinted, cached with long headers",
    "cold": "cold start with shipped courses < 2 s",
}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing the Debian package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(
    url: str,
    seconds: float,
    connections: int,
    cookie: str = "",
    script: Path | None = None,
    headers: tuple[str, ...] | list[str] = (),
) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "60s",
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    for header in headers:  # e.g. "Accept-Encoding: gzip, br" (bench/bench_light.py)
        cmd += ["-H", header]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": rps,
        "p50": _ms(pct.get("50", "")),
        "p99": _ms(pct.get("99", "")),
        "requests": total,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def cold_start(env: dict, tmp: Path, runs: int = 3) -> dict:
    code = "from app import create_app; create_app()"
    python = str(VENV_BIN / "python")
    out = {}
    for label, fresh_cache in (("with cache", False), ("without cache", True)):
        times = []
        for n in range(runs):
            run_env = dict(env)
            if fresh_cache:
                run_env["AULA_COURSE_CACHE_DIR"] = str(tmp / f"empty-cache-{n}")
            started = time.perf_counter()
            subprocess.run(
                [python, "-c", code], cwd=ROOT, env=run_env, check=True, capture_output=True
            )
            times.append(time.perf_counter() - started)
        out[label] = statistics.median(times)
    return out


def page_bytes(port: int, path: str, cookie: str) -> dict:
    status, headers, html = request(port, "GET", path, cookie=cookie)
    assert status == 200, (path, status)
    css = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    js = re.findall(rb'<script[^>]+src="([^"]+)"', html)
    assets = 0
    for href in css + js:
        _s, _h, body = request(port, "GET", href.decode().replace("&amp;", "&"))
        assets += len(body)
    return {"html": len(html), "assets": assets, "total": len(html) + assets, "css": len(css)}


def static_check(port: int) -> dict:
    _s, _h, html = request(port, "GET", "/")
    href = re.search(rb'<link rel="stylesheet" href="([^"]+)"', html).group(1).decode()
    _s, headers, _b = request(port, "GET", href.replace("&amp;", "&"))
    cache = dict((k.lower(), v) for k, v in headers).get("cache-control", "")
    fonts = sum(p.stat().st_size for p in (ROOT / "app/static/fonts").glob("*.woff2"))
    return {
        "href": href,
        "cache_control": cache,
        "fingerprinted": bool(re.search(r"\?v=[0-9a-f]{8,}", href)),
        "immutable": "immutable" in cache and "max-age=31536000" in cache,
        "font_bytes": fonts,
    }


def export_memory(server: Gunicorn, cookie: str, runs: int = 2) -> list[dict]:
    """Stream the admin's CSV export (every record); sample worker RSS while it runs."""
    results = []
    for _ in range(runs):
        pids = server.workers()
        before = {pid: proc_kb(pid, "VmRSS") for pid in pids}
        peak = dict(before)
        done = threading.Event()

        def sample(pids=pids, peak=peak, done=done):
            while not done.is_set():
                for pid in pids:
                    peak[pid] = max(peak[pid], proc_kb(pid, "VmRSS"))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        status, _h, body = request(server.port, "GET", "/coordinacion/registros.csv", cookie=cookie)
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        assert status == 200, status
        growth = max(peak[p] - before[p] for p in pids)
        results.append(
            {
                "rows": body.count(b"\r\n") - 1,
                "bytes": len(body),
                "seconds": elapsed,
                "rss_before_mb": max(before.values()) / 1024,
                "growth_mb": growth / 1024,
            }
        )
    return results


def drain(*servers: Gunicorn, quiet_seconds: float = 0.5, limit: float = 30) -> None:
    """Wait until the workers are idle (no CPU used for QUIET_SECONDS) after a wrk run."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pids = [p for s in servers for p in s.workers()]
        before = sum(_cpu_ticks(p) for p in pids)
        time.sleep(quiet_seconds)
        if sum(_cpu_ticks(p) for p in pids) - before <= 1:
            return


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def bench_participant(db_path: Path) -> str:
    """A Monte Patria participant with some progress (not complete) in the benchmark course."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        row = conn.execute(
            "SELECT u.username FROM enrollments e JOIN users u ON u.id = e.user_id "
            "WHERE e.course_slug = ? AND e.status = 'active' AND "
            "(SELECT COUNT(*) FROM lesson_progress p WHERE p.enrollment_id = e.id) BETWEEN 2 AND 4 "
            "ORDER BY u.id LIMIT 1",
            (COURSE,),
        ).fetchone()
    return row[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="wrk time per page at 32 conn")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temp instance dir")
    args = parser.parse_args()
    ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="aula-bench-"))
    env = instance_env(tmp, AULA_PRODUCTION="true")
    figures: dict = {
        "date": date.today().isoformat(),
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "command": " ".join(["bench/run_bench.py", *sys.argv[1:]]),
    }
    servers = []
    try:
        figures["setup_seconds"] = prepare_database(env)
        figures["cold_start"] = cold_start(env, tmp)
        print("cold start:", {k: f"{v:.2f} s" for k, v in figures["cold_start"].items()})
        hello_env = {k: v for k, v in env.items() if k != "FLASK_APP"}
        hello = Gunicorn(
            "hello_app:app", hello_env, args.workers, tmp / "hello.log", ROOT / "bench"
        )
        servers.append(hello)
        server = Gunicorn("wsgi:app", env, args.workers, tmp / "gunicorn.log")
        servers.append(server)
        port = server.port

        participant = bench_participant(tmp / "aula.sqlite")
        p_cookie, p_token = login(port, participant, BENCH_PASSWORD)
        c_cookie, _t = login(port, "bench-coord-monte-patria", BENCH_PASSWORD)
        a_cookie, _t = login(port, "bench-admin", BENCH_PASSWORD)
        _s, _h, html = request(port, "GET", f"/cursos/{COURSE}/", cookie=p_cookie)
        lesson_path = re.search(rf'href="(/cursos/{COURSE}/01-[^"]+)"'.encode(), html).group(1)
        lesson_path = lesson_path.decode()
        _s, _h, html = request(port, "GET", lesson_path, cookie=p_cookie)
        quiz_path = re.search(rf'(/cursos/{COURSE}/pruebas/[^"/]+)"'.encode(), html).group(1)
        status, headers, _b = request(
            port, "POST", quiz_path.decode() + "/intentos", {"csrf_token": p_token}, p_cookie
        )
        attempt_path = location(headers)
        assert status == 302 and attempt_path.startswith("/intentos/"), (status, attempt_path)
        _s, _h, html = request(port, "GET", attempt_path, cookie=p_cookie)
        answers: dict = {}
        for name, value in re.findall(
            rb'type="radio"[^>]*name="(q-[^"]+)"[^>]*value="([^"]+)"', html
        ):
            answers.setdefault(name.decode(), value.decode())
        body = "&".join(
            [f"csrf_token={p_token}", "accion=guardar"] + [f"{k}={v}" for k, v in answers.items()]
        )
        post_lua = tmp / "save.lua"
        post_lua.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
        status, headers, _b = request(
            port, "POST", attempt_path, dict(p.split("=", 1) for p in body.split("&")), p_cookie
        )
        assert status == 302 and "pagina" in dict(headers).get("Location", ""), status

        pages = [
            ("hello (reference)", hello.url + "/", "", None),
            ("lesson, visitor", server.url + lesson_path, "", None),
            ("lesson, participant", server.url + lesson_path, p_cookie, None),
            ("course page, participant", server.url + f"/cursos/{COURSE}/", p_cookie, None),
            ("quiz page (open attempt)", server.url + attempt_path, p_cookie, None),
            ("quiz save answers (POST)", server.url + attempt_path, p_cookie, post_lua),
            ("Mis cursos", server.url + "/mis-cursos", p_cookie, None),
            ("coordinator summary", server.url + "/coordinacion/", c_cookie, None),
            ("coordinator records", server.url + "/coordinacion/registros", c_cookie, None),
            (
                "CSV export (20,000 rows)",
                server.url + "/coordinacion/registros.csv",
                c_cookie,
                None,
            ),
        ]
        results = []
        for name, url, cookie, script in pages:
            wrk(url, 1, 4, cookie, script)  # warm-up
            drain(server, hello)
            # One connection first (time per request), then 32: gunicorn keeps serving what
            # wrk left in its backlog, so wait for that before the next measurement.
            one = wrk(url, max(2, args.seconds / 2), 1, cookie, script)
            many = wrk(url, args.seconds, args.connections, cookie, script)
            drain(server, hello)
            row = {"page": name, "url": url.split(str(port), 1)[-1], "c32": many, "c1": one}
            if not url.startswith(hello.url) and script is None:
                row["bytes"] = page_bytes(port, url.split(str(port), 1)[1], cookie)
            results.append(row)
            print(
                f"{name:28} {many['rps']:8.1f} req/s  p50 {many['p50']:7.1f} ms  "
                f"p99 {many['p99']:7.1f} ms | 1 conn p50 {one['p50']:6.1f} ms  "
                f"p99 {one['p99']:6.1f} ms  errors {many['non_2xx_3xx'] + one['non_2xx_3xx']}"
            )
        figures["pages"] = results
        figures["worker_peak_rss_mb"] = max(proc_kb(p, "VmHWM") for p in server.workers()) / 1024
        figures["hello_worker_peak_rss_mb"] = (
            max(proc_kb(p, "VmHWM") for p in hello.workers()) / 1024
        )
        figures["static"] = static_check(port)
        figures["export_100k"] = export_memory(server, a_cookie)
        figures["worker_peak_rss_after_export_mb"] = (
            max(proc_kb(p, "VmHWM") for p in server.workers()) / 1024
        )
        log = (tmp / "gunicorn.log").read_text(errors="replace")
        figures["log_locked"] = log.count("database is locked")
        figures["log_tracebacks"] = log.count("Traceback")
    finally:
        for s in servers:
            s.stop()
        if not args.keep:
            rmtree(tmp)
        else:
            print("instance kept in", tmp)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


def report(f: dict) -> None:
    pages = {p["page"]: p for p in f["pages"]}
    hello = pages["hello (reference)"]["c32"]["rps"]
    print(f"\n{f['date']}, {f['machine']}; `{f['command']}`\n")
    print(
        "| page | req/s (32 conn) | vs hello | p50 | p99 | 1 conn p50 | 1 conn p99 | bytes "
        "(HTML + CSS) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for p in f["pages"]:
        m, o = p["c32"], p["c1"]
        size = p.get("bytes")
        size_text = f"{size['html']:,} + {size['assets']:,}" if size else ""
        print(
            f"| {p['page']} | {m['rps']:.0f} | {100 * m['rps'] / hello:.0f} % | "
            f"{m['p50']:.1f} ms | {m['p99']:.1f} ms | {o['p50']:.1f} ms | {o['p99']:.1f} ms | "
            f"{size_text} |"
        )
    errors = sum(p["c32"]["non_2xx_3xx"] + p["c1"]["non_2xx_3xx"] for p in f["pages"])
    cold = f["cold_start"]
    exports = f["export_100k"]
    static = f["static"]
    print(f"\nnon-2xx/3xx responses: {errors}")
    print(
        f"cold start (create_app, median of 3): {cold['with cache']:.2f} s with the course "
        f"cache, {cold['without cache']:.2f} s without"
    )
    print(
        f"worker peak RSS: {f['worker_peak_rss_mb']:.0f} MB before the 100k export, "
        f"{f['worker_peak_rss_after_export_mb']:.0f} MB after (hello worker "
        f"{f['hello_worker_peak_rss_mb']:.0f} MB)"
    )
    for e in exports:
        print(
            f"100k export: {e['rows']:,} rows, {e['bytes'] / 1e6:.1f} MB in {e['seconds']:.1f} s, "
            f"worker RSS {e['rss_before_mb']:.0f} MB + {e['growth_mb']:.1f} MB"
        )
    print(f"static: {static['href']} -> Cache-Control: {static['cache_control']}")
    print(f"gunicorn log: {f['log_locked']} 'database is locked', {f['log_tracebacks']} tracebacks")
    lv, lp = pages["lesson, visitor"], pages["lesson, participant"]
    summary = pages["coordinator summary"]["c1"]
    met = {
        "lesson_visitor": lv["c32"]["rps"] >= 0.8 * hello and lv["c32"]["p99"] < 15,
        "lesson_participant": lp["c32"]["rps"] >= 0.35 * hello,
        "summary": summary["p50"] < 150,
        "export": max(e["growth_mb"] for e in exports) < 50,
        "bytes": lv["bytes"]["total"] < 40 * 1024 and lp["bytes"]["total"] < 40 * 1024,
        "static": static["fingerprinted"] and static["immutable"],
        "cold": cold["with cache"] < 2,
    }
    f["budgets"] = met
    print("\nbudgets:")
    for key, text in BUDGETS_TEXT.items():
        print(f"  {'met    ' if met[key] else 'NOT MET'}  {text}")


if __name__ == "__main__":
    sys.exit(main())
