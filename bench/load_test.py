"""Load test (issue 9): 200 participants against gunicorn, then check the database.

    .venv/bin/python bench/load_test.py --db sqlite --seconds 75
    .venv/bin/python bench/load_test.py --db postgres --seconds 75
    .venv/bin/python bench/load_test.py --db both

For each database: a throwaway instance (SQLite in WAL mode, or a PostgreSQL server started with
scripts/pg-test-server.sh), `flask db upgrade`, `flask courses sync`, `python bench/benchdata.py`,
gunicorn with --workers sync workers on 127.0.0.1, then locust headless (bench/locustfile.py) with
--users simulated participants for --seconds. Afterwards: 5xx responses (locust), duplicate grades
(audit `quiz_submitted` per attempt > 1), duplicate completions (`course_completed` per
enrolment > 1), duplicate certificates, duplicate lesson progress, "database is locked" in the
gunicorn log.
Exits 1 if any check fails. AULA_LOGIN_THROTTLE_PER_ADDRESS=100000: every simulated person
logs in from 127.0.0.1 (only failed logins count, but a real pilot day behind one NAT would hit
the default 20 as well).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, VENV_BIN, Gunicorn, instance_env, prepare_database, rmtree  # noqa: E402

CHECKS = {
    "attempts graded twice (quiz_submitted events per attempt > 1)": """
        SELECT COUNT(*) FROM (SELECT target_id FROM audit_events WHERE action = 'quiz_submitted'
        GROUP BY target_id HAVING COUNT(*) > 1) AS t""",
    "enrolments completed twice (course_completed events per enrolment > 1)": """
        SELECT COUNT(*) FROM (SELECT target_id FROM audit_events WHERE action = 'course_completed'
        GROUP BY target_id HAVING COUNT(*) > 1) AS t""",
    "certificates issued twice (certificate_issued events per user and course > 1)": """
        SELECT COUNT(*) FROM (SELECT user_id, course_slug FROM certificates
        GROUP BY user_id, course_slug HAVING COUNT(*) > 1) AS t""",
    "duplicate certificate codes": """
        SELECT COUNT(*) FROM (SELECT code FROM certificates GROUP BY code
        HAVING COUNT(*) > 1) AS t""",
    "completed enrolments without a certificate": """
        SELECT COUNT(*) FROM enrollments e WHERE e.status = 'completed' AND NOT EXISTS
        (SELECT 1 FROM certificates c WHERE c.enrollment_id = e.id)""",
    "duplicate lesson progress": """
        SELECT COUNT(*) FROM (SELECT enrollment_id, lesson_slug FROM lesson_progress
        GROUP BY enrollment_id, lesson_slug HAVING COUNT(*) > 1) AS t""",
    "more than one open attempt per quiz": """
        SELECT COUNT(*) FROM (SELECT user_id, course_slug, quiz_id FROM quiz_attempts
        WHERE state = 'in_progress' GROUP BY user_id, course_slug, quiz_id
        HAVING COUNT(*) > 1) AS t""",
    "submitted attempts without a grade": """
        SELECT COUNT(*) FROM quiz_attempts WHERE state = 'submitted' AND percent IS NULL""",
}
ACTIVITY = {
    "quizzes graded (quiz_submitted events)": "action = 'quiz_submitted'",
    "courses completed (course_completed events)": "action = 'course_completed'",
    "certificates issued (certificate_issued events)": "action = 'certificate_issued'",
}


def run(db: str, args, tmp: Path) -> dict:
    pg_dir = None
    if db == "postgres":
        tmp.chmod(0o755)  # the postgres user must reach its data folder inside
        pg_dir = tmp / "pg"
        port = args.pg_port
        subprocess.run(
            [str(ROOT / "scripts/pg-test-server.sh"), "start", str(pg_dir), str(port)], check=True
        )
        url = f"postgresql://postgres@127.0.0.1:{port}/aula_test"
    else:
        url = f"sqlite:///{tmp}/aula.sqlite"
    env = instance_env(tmp, url, AULA_LOGIN_THROTTLE_PER_ADDRESS="100000")
    server = None
    try:
        setup = prepare_database(env)
        server = Gunicorn("wsgi:app", env, args.workers, tmp / "gunicorn.log")
        summary = tmp / "summary.json"
        locust_env = {
            **env,
            "LOAD_SUMMARY": str(summary),
            "BENCH_COURSE_CACHE": str(tmp / "course-cache"),
        }
        started = time.perf_counter()
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                server.url,
                "--csv",
                str(tmp / "locust"),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=locust_env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    finally:
        if server is not None:
            server.stop()
    counts = json.loads(summary.read_text()) if summary.exists() else {}
    with open(tmp / "locust_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        checks = {name: conn.scalar(text(sql)) for name, sql in CHECKS.items()}
        activity = {
            name: conn.scalar(text(f"SELECT COUNT(*) FROM audit_events WHERE {where}"))  # noqa: S608
            for name, where in ACTIVITY.items()
        }
    engine.dispose()
    log = (tmp / "gunicorn.log").read_text(errors="replace")
    if pg_dir is not None:
        subprocess.run([str(ROOT / "scripts/pg-test-server.sh"), "stop", str(pg_dir)], check=False)
    return {
        "db": db,
        "setup": setup,
        "seconds": elapsed,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": total["50%"],
        "p99": total["99%"],
        "max": total["Max Response Time"],
        "5xx": counts.get("5xx"),
        "double_submits": counts.get("double_submits"),
        "quiz_submissions": counts.get("quizzes_submitted"),
        "lessons": counts.get("lessons"),
        "checks": checks,
        "activity": activity,
        "locked": log.count("database is locked"),
        "tracebacks": log.count("Traceback"),
        "per_endpoint": [
            (r["Type"], r["Name"], r["Request Count"], r["Failure Count"], r["50%"], r["99%"])
            for r in rows
            if r["Name"] != "Aggregated"
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=75)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg-port", type=int, default=54371)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    ok_runs = True
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        tmp = Path(tempfile.mkdtemp(prefix=f"aula-load-{db}-"))
        try:
            results.append(run(db, args, tmp))
        except Exception as exc:  # noqa: BLE001 - report the other database all the same
            print(f"{db}: load test could not run: {exc!r}")
            ok_runs = False
        finally:
            if args.keep:
                print("kept", tmp)
            else:
                rmtree(tmp)
    ok = ok_runs
    for r in results:
        print(f"\n## {r['db']}: {args.users} users, {args.workers} workers, {r['seconds']:.0f} s")
        print(
            f"requests {r['requests']}, {r['rps']:.1f} req/s, p50 {r['p50']} ms, p99 {r['p99']} ms,"
            f" max {r['max']} ms, locust failures {r['failures']}, 5xx {r['5xx']}"
        )
        print(
            f"lessons completed {r['lessons']}, quiz submissions {r['quiz_submissions']} "
            f"(double-submitted on purpose: {r['double_submits']})"
        )
        for name, value in r["activity"].items():
            print(f"  {name}: {value}")
        for name, value in r["checks"].items():
            print(f"  {'ok  ' if value == 0 else 'FAIL'} {name}: {value}")
        print(
            f"  {'ok  ' if r['locked'] == 0 else 'FAIL'} 'database is locked' in log: {r['locked']}"
        )
        print(f"  tracebacks in gunicorn log: {r['tracebacks']}")
        for row in r["per_endpoint"]:
            print("   ", " | ".join(row))
        ok &= (
            all(v == 0 for v in r["checks"].values())
            and r["locked"] == 0
            and r["5xx"] == 0
            and r["failures"] == 0
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
