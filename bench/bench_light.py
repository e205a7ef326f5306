"""Light pages (issue 22 §3): bytes over the wire of a lesson, and the visitor lesson's
throughput with compression on, against Flask's hello in the same run.

    .venv/bin/python bench/bench_light.py [--seconds 5] [--rounds 3] [--json FILE]

Builds a throwaway instance (temp dir, fresh SQLite, `flask db upgrade`, `flask courses
sync`, `bench/benchdata.py` for a participant to log in as), production settings, gunicorn
with 2 sync workers for wsgi:app and for bench/hello_app.py (as bench/run_bench.py does).
Then:

- bytes: the first and the second lesson of a shipped course (the typical case) and the
  stylesheet they link, fetched as a visitor with a raw socket (HTTP/1.1, `Connection:
  close`), counting every byte of each answer (status line, headers and body), for a browser
  that accepts brotli (`gzip, deflate, br`), one that accepts gzip only, and one that accepts
  nothing. Every
  encoded body is decoded and compared with the plain one. "First visit" is the first lesson
  plus the stylesheet; "next lesson" is the second lesson alone (the stylesheet's URL carries
  its hash and is cached for a year, so the browser does not ask again). The same again
  logged in as a participant with some progress (their pages are filled in from a shell and
  encoded per request at the faster settings). The same for the longest lesson of all shipped
  courses (the largest page of every lesson's full text, found by fetching them all), with the
  participant enrolled in its course: its first visit (with the stylesheet) and the same page
  as a next lesson.
- throughput: wrk (1 thread, 32 connections) alternating hello and the visitor lesson (with
  the browser's `Accept-Encoding`, and without it), `--rounds` times `--seconds` each, each
  round starting one page later; medians of the rounds and the ratio of the medians.

Exit 1 if a budget is not met: first visit <= 12 kB, next lesson <= 5 kB (brotli), for the
visitor and the participant, on the typical and on the longest lesson; visitor lesson >= 100 %
of hello. `--bytes-only` skips the throughput runs. It also prints every shipped lesson's
bytes as a visitor's and as a participant's next lesson (the participant enrolled in every
course; median, smallest, largest, how many over 5 kB), for information: a lesson's own text
decides most of it. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import socket
import statistics
import sys
import tempfile
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    USER_AGENT,
    Gunicorn,
    csrf_token,
    instance_env,
    location,
    login,
    prepare_database,
    request,
    rmtree,
    session_cookie,
)
from run_bench import BENCH_PASSWORD, bench_participant, drain, ensure_wrk, wrk  # noqa: E402

COURSE = "cooperativismo"
LESSONS = ("01-que-es-una-cooperativa", "02-valores-y-principios")
BROWSERS = {"brotli": "gzip, deflate, br", "gzip only": "gzip, deflate", "no coding": ""}
KB = 1000  # the budget's kB (decimal, as browsers' network panels show them)
BUDGET_FIRST, BUDGET_NEXT, BUDGET_RATIO = 12 * KB, 5 * KB, 1.0


def fetch(port: int, path: str, accept_encoding: str, cookie: str = "") -> dict:
    """Every byte of one answer to a GET of PATH: header bytes, body bytes, decoded body."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {USER_AGENT}\r\n"
        + (f"Accept-Encoding: {accept_encoding}\r\n" if accept_encoding else "")
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "Connection: close\r\n\r\n"
    )
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
        conn.sendall(request.encode())
        while data := conn.recv(65536):
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    coding = headers.get("content-encoding", "")
    plain = {"br": brotli.decompress, "gzip": gzip.decompress}.get(coding, lambda b: b)(body)
    return {
        "status": status,
        "coding": coding or "identity",
        "header_bytes": len(head) + 4,
        "body_bytes": len(body),
        "wire_bytes": len(raw),
        "plain": plain,
        "vary": headers.get("vary", ""),
        "cache_control": headers.get("cache-control", ""),
    }


def shipped_lessons() -> list[str]:
    """The path of every lesson of the shipped courses (course folders in courses/)."""
    return [
        f"/cursos/{md.parent.name}/{md.stem}"
        for md in sorted((ROOT / "courses").glob("*/[0-9]*.md"))
        if not md.name.endswith(".lf.md")
    ]


def longest_lesson(port: int) -> str:
    """The shipped lesson whose page (as a visitor, full text) is the largest."""
    sizes = {path: len(fetch(port, path, "")["plain"]) for path in shipped_lessons()}
    return max(sizes, key=sizes.get)


def every_lesson(port: int, cookie: str = "") -> dict[str, int]:
    """Each shipped lesson's bytes over the wire as a next lesson (brotli), for a visitor or
    (COOKIE) a participant enrolled in its course."""
    sizes = {}
    for path in shipped_lessons():
        # The first request fills the visitor cache, or makes the participant's page shell.
        fetch(port, path, BROWSERS["brotli"], cookie)
        answer = fetch(port, path, BROWSERS["brotli"], cookie)
        assert answer["status"] == 200, (path, answer["status"])
        sizes[path] = answer["wire_bytes"]
    return sizes


def enroll(port: int, cookie: str, course: str) -> str:
    """Enrol the participant logged in with COOKIE in COURSE (no key: shipped courses)."""
    status, headers, html = request(port, "GET", f"/cursos/{course}/", cookie=cookie)
    assert status == 200, f"course page {course}: HTTP {status} {headers}"
    cookie = session_cookie(headers, cookie)
    token = csrf_token(html)
    status, headers, _b = request(
        port, "POST", f"/cursos/{course}/inscripcion", {"csrf_token": token}, cookie=cookie
    )
    assert status == 302, f"enrolment in {course}: HTTP {status}"
    cookie = session_cookie(headers, cookie)
    request(port, "GET", location(headers), cookie=cookie)  # shows (and drops) the flash
    return cookie


def measure_bytes(
    port: int, lesson: str, following: str, cookie: str = "", browsers: dict = BROWSERS
) -> dict:
    """Bytes of a first visit on LESSON and of FOLLOWING as the next lesson, for each browser
    (logged in with COOKIE)."""
    out: dict = {}
    plain_pages: dict = {}
    for browser, accept in browsers.items():
        fetch(port, lesson, accept, cookie)  # a participant's page shell is made once
        first = fetch(port, lesson, accept, cookie)
        css_href = re.search(rb'<link rel="stylesheet" href="([^"]+)"', first["plain"])
        css = fetch(port, css_href.group(1).decode().replace("&amp;", "&"), accept)
        nxt = fetch(port, following, accept, cookie)
        for name, answer in (("lesson", first), ("stylesheet", css), ("next lesson", nxt)):
            assert answer["status"] == 200, (browser, name, answer["status"])
            # Encoded bytes decode to exactly what a browser without codings gets (a
            # participant's pages differ by their CSRF token's timestamp: length only).
            known = plain_pages.setdefault(name, answer["plain"])
            same = answer["plain"] == known if not cookie else len(answer["plain"]) == len(known)
            assert same, f"{browser}: {name} decodes to other bytes"
        out[browser] = {
            "lesson": _row(first),
            "stylesheet": _row(css),
            "next lesson": _row(nxt),
            "first visit": first["wire_bytes"] + css["wire_bytes"],
            "next visit": nxt["wire_bytes"],
            "stylesheet cache": css["cache_control"],
        }
    return out


def _row(answer: dict) -> dict:
    return {k: answer[k] for k in ("coding", "header_bytes", "body_bytes", "wire_bytes")} | {
        "plain_bytes": len(answer["plain"])
    }


def measure_throughput(hello: Gunicorn, server: Gunicorn, seconds: float, rounds: int) -> dict:
    lesson = server.url + f"/cursos/{COURSE}/{LESSONS[0]}"
    runs = {
        "hello": (hello.url + "/", BROWSERS["brotli"]),
        "lesson, visitor (br)": (lesson, BROWSERS["brotli"]),
        "lesson, visitor (gzip)": (lesson, BROWSERS["gzip only"]),
        "lesson, visitor (no coding)": (lesson, ""),
    }
    figures: dict = {name: [] for name in runs}
    for url, accept in runs.values():
        wrk(url, 1, 4, headers=_headers(accept))  # warm-up: fills the cache of each worker
    order = list(runs)
    for n in range(rounds):
        # Each round starts one page later: no page always runs right after another one.
        for name in order[n % len(order) :] + order[: n % len(order)]:
            url, accept = runs[name]
            drain(server, hello)
            result = wrk(url, seconds, 32, headers=_headers(accept))
            assert result["non_2xx_3xx"] == 0 and not result["socket_errors"], result
            figures[name].append(result)
            print(f"round {n + 1} {name:28} {result['rps']:8.0f} req/s  p99 {result['p99']:.1f} ms")
    hello_rps = statistics.median(r["rps"] for r in figures["hello"])
    return {
        name: {
            "rps_each": [round(r["rps"]) for r in results],
            "rps_median": statistics.median(r["rps"] for r in results),
            "p99_median_ms": statistics.median(r["p99"] for r in results),
            "vs_hello": statistics.median(r["rps"] for r in results) / hello_rps,
        }
        for name, results in figures.items()
    }


def _headers(accept: str) -> list[str]:
    return [f"Accept-Encoding: {accept}"] if accept else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="wrk time per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--bytes-only", action="store_true", help="no throughput runs")
    args = parser.parse_args()
    if not args.bytes_only:
        ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="aula-light-"))
    env = instance_env(tmp, AULA_PRODUCTION="true")
    servers: list[Gunicorn] = []
    try:
        prepare_database(env)  # upgrade, courses sync, bench data (for a participant)
        hello_env = {k: v for k, v in env.items() if k != "FLASK_APP"}
        hello = Gunicorn(
            "hello_app:app", hello_env, args.workers, tmp / "hello.log", ROOT / "bench"
        )
        servers.append(hello)
        server = Gunicorn("wsgi:app", env, args.workers, tmp / "gunicorn.log")
        servers.append(server)
        typical = tuple(f"/cursos/{COURSE}/{slug}" for slug in LESSONS)
        longest = longest_lesson(server.port)
        figures = {"typical": typical, "longest": longest, "bytes": {}}
        cookie, _token = login(server.port, bench_participant(tmp / "aula.sqlite"), BENCH_PASSWORD)
        cookie = enroll(server.port, cookie, longest.split("/")[2])
        for case, (first, following) in (("typical", typical), ("longest", (longest, longest))):
            figures["bytes"][f"visitor, {case}"] = measure_bytes(server.port, first, following)
            figures["bytes"][f"participant, {case}"] = measure_bytes(
                server.port, first, following, cookie
            )
        figures["every lesson"] = every_lesson(server.port)
        for course in sorted({path.split("/")[2] for path in shipped_lessons()}):
            if course != longest.split("/")[2]:
                cookie = enroll(server.port, cookie, course)
        figures["every lesson, participant"] = every_lesson(server.port, cookie)
        figures["throughput"] = (
            {} if args.bytes_only else measure_throughput(hello, server, args.seconds, args.rounds)
        )
        log = (tmp / "gunicorn.log").read_text(errors="replace")
        figures["tracebacks"] = log.count("Traceback")
    finally:
        for server in servers:
            server.stop()
        rmtree(tmp)
    ok = report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if ok else 1


def report(f: dict) -> bool:
    print(f"\ntypical: {f['typical'][0]} then {f['typical'][1]}; longest: {f['longest']}")
    print(
        "\n| who, lesson, browser | lesson: plain → sent (headers + body) | stylesheet | "
        "next lesson | first visit | next lesson |"
    )
    print("|---|---|---|---|---|---|")
    for who, by_browser in f["bytes"].items():
        for browser, b in by_browser.items():
            cells = [
                f"{b[n]['plain_bytes']:,} → {b[n]['wire_bytes']:,} "
                f"({b[n]['header_bytes']:,} + {b[n]['body_bytes']:,}, {b[n]['coding']})"
                for n in ("lesson", "stylesheet", "next lesson")
            ]
            print(
                f"| {who}, {browser} | " + " | ".join(cells) + f" | {b['first visit']:,} | "
                f"{b['next visit']:,} |"
            )
    for who in ("visitor", "participant"):
        every = f["every lesson" + (", participant" if who == "participant" else "")]
        sizes = sorted(every.values())
        over = [p for p, n in every.items() if n > BUDGET_NEXT]
        print(
            f"\nevery shipped lesson as a {who}'s next lesson (brotli): {len(sizes)} pages, "
            f"median {statistics.median(sizes):,.0f}, smallest {sizes[0]:,}, "
            f"largest {sizes[-1]:,}, {len(over)} over {BUDGET_NEXT:,} bytes"
        )
    met = {}
    for who, by_browser in f["bytes"].items():
        br = by_browser["brotli"]
        met[f"{who}: first visit (lesson + stylesheet) <= {BUDGET_FIRST:,} bytes"] = (
            br["first visit"] <= BUDGET_FIRST
        )
        met[f"{who}: next lesson <= {BUDGET_NEXT:,} bytes"] = br["next visit"] <= BUDGET_NEXT
    if f["throughput"]:
        print("\n| page | req/s, each round | median | vs hello (medians) | p99 median |")
        print("|---|---|---|---|---|")
        for name, t in f["throughput"].items():
            print(
                f"| {name} | {', '.join(f'{r:,}' for r in t['rps_each'])} | "
                f"{t['rps_median']:,.0f} | {100 * t['vs_hello']:.0f} % | "
                f"{t['p99_median_ms']:.1f} ms |"
            )
        ratio = f["throughput"]["lesson, visitor (br)"]["vs_hello"]
        met["visitor lesson (br) >= 100 % of hello"] = ratio >= BUDGET_RATIO
    print(f"\ngunicorn log: {f['tracebacks']} tracebacks\nbudgets (brotli):")
    for text, good in met.items():
        print(f"  {'met    ' if good else 'NOT MET'}  {text}")
    return all(met.values()) and not f["tracebacks"]


if __name__ == "__main__":
    sys.exit(main())
