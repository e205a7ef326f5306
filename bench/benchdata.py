"""Benchmark data: `python bench/benchdata.py` fills the configured database with a large network.

Run from the repository with the app's settings (DATABASE_URL or instance/config.py), after
`flask db upgrade` and `flask courses sync`; `--participants N` makes a smaller network.

Generated on demand (never committed): 6 municipalities, 60 groups, 10,000 participants (one
coordinator per municipality, a few trainers, one admin), every participant enrolled in every
shipped course (10 courses = 100,000 enrolments, which is what an admin's 100,000-record export
reads), 100,000 lesson-progress rows, 30,000 submitted and graded quiz attempts and 5,000
certificates. One municipality (Monte Patria, the first of `BIG_MUNICIPALITY`) has 2,000
participants, for the coordinator-summary budget.

Rows go in with SQLAlchemy Core `executemany` inserts and ids chosen here (PostgreSQL sequences
are moved past them at the end); the bench password is hashed once and that hash is reused by
every account. Accounts are named `bench-p00001` … `bench-p10000`, `bench-coord-<municipality>`,
`bench-trainer-01` …, `bench-admin`.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.accounts.models import User
from app.certificates.models import Certificate
from app.certificates.services import new_code
from app.content.grading import grade_answers
from app.content.model import Course, Quiz
from app.course_store import get_store
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.orgs.services import NETWORK_MUNICIPALITIES
from app.quizzes.models import QuizAttempt
from app.quizzes.sample_answers import sample_answers
from app.timeutil import utcnow

BENCH_PASSWORD = "bench-contrasena-no-secreta"  # noqa: S105 - throwaway benchmark data only
BIG_MUNICIPALITY = "monte-patria"
PREFIX = "bench-"

FIRST_NAMES = (
    "Ana", "Benjamín", "Camila", "Diego", "Elena", "Felipe", "Gabriela", "Héctor", "Isidora",
    "Javier", "Karina", "Luis", "María", "Nicolás", "Olga", "Pedro", "Rocío", "Sebastián",
    "Teresa", "Valentina",
)  # fmt: skip
LAST_NAMES = (
    "Araya", "Briones", "Cortés", "Díaz", "Espinoza", "Fuentes", "González", "Herrera",
    "Ibáñez", "Jara", "López", "Muñoz", "Núñez", "Olivares", "Pizarro", "Rojas", "Soto",
    "Tapia", "Vega", "Zamora",
)  # fmt: skip
GROUP_KINDS = ("municipal_team", "pre_associative", "cooperative")


class BenchDataError(Exception):
    pass


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk(model, rows: list[dict], chunk: int = 5000) -> None:
    table = model.__table__
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start : start + chunk])


def _graded(quiz: Quiz, answers: dict) -> dict:
    """The columns submit_attempt writes, computed with the real grader."""

    result = grade_answers(quiz, answers)
    return {
        "score": result.score,
        "max_score": result.max_score,
        "percent": result.percent,
        "passed": result.passed,
        "results": result.by_question(quiz),
    }


def create_bench_data(
    courses: list[Course],
    *,
    participants: int = 10_000,
    groups_per_municipality: int = 10,
    big_participants: int = 2_000,
    progress_rows: int = 100_000,
    attempts: int = 30_000,
    certificates: int = 5_000,
    password: str = BENCH_PASSWORD,
    hash_method: str = "scrypt",
    seed: int = 7,
    echo: Callable[[str], None] = print,
) -> dict:
    """Insert the benchmark network into the current database; return counts."""
    if not courses:
        raise BenchDataError("no published courses: run `flask courses sync` first")
    if db.session.scalar(select(User.id).where(User.username.like(PREFIX + "%")).limit(1)):
        raise BenchDataError("bench data is already there (accounts named bench-*)")
    rng = random.Random(seed)
    started = time.perf_counter()
    now = utcnow().replace(microsecond=0)
    password_hash = generate_password_hash(password, method=hash_method)  # once, reused

    # --- municipalities and groups -------------------------------------------------------
    existing = {m.slug: m for m in db.session.scalars(select(Municipality))}
    next_mid = _next_id(Municipality)
    muni_rows = []
    for slug, name, region in NETWORK_MUNICIPALITIES:
        if slug not in existing:
            muni_rows.append(
                {"id": next_mid, "slug": slug, "name": name, "region": region, "created_at": now}
            )
            next_mid += 1
    _bulk(Municipality, muni_rows)
    munis = {m.slug: m for m in db.session.scalars(select(Municipality))}
    muni_order = [slug for slug, _n, _r in NETWORK_MUNICIPALITIES]

    gid = _next_id(Group)
    group_rows, groups_of = [], {}
    for slug in muni_order:
        groups_of[slug] = []
        for n in range(1, groups_per_municipality + 1):
            kind = GROUP_KINDS[0] if n == 1 else GROUP_KINDS[1 + n % 2]
            name = f"Grupo bench {n:02d} de {munis[slug].name}"
            group_rows.append(
                {
                    "id": gid,
                    "municipality_id": munis[slug].id,
                    "name": name,
                    "kind": kind,
                    "created_at": now,
                }
            )
            groups_of[slug].append((gid, name))
            gid += 1
    _bulk(Group, group_rows)

    # --- people -------------------------------------------------------------------------
    uid = _next_id(User)
    user_rows: list[dict] = []
    group_of_user: dict[int, tuple[int, str, int, str]] = {}  # uid -> (gid, gname, mid, mname)

    def person(username: str, full_name: str, role: str, **extra) -> int:
        nonlocal uid
        user_rows.append(
            {
                "id": uid,
                "username": username,
                "email": None,
                "rut": None,
                "full_name": full_name,
                "password_hash": password_hash,
                "role": role,
                "active": True,
                "must_change_password": False,
                "session_token": secrets.token_urlsafe(16),
                "locale": None,
                "preferences": None,
                "disability_declared": extra.get("disability"),
                "disability_consent_at": now if extra.get("disability") is not None else None,
                "created_at": now - timedelta(days=400),
            }
        )
        uid += 1
        return uid - 1

    staff_rows, member_rows = [], []
    admin_id = person(PREFIX + "admin", "Administración bench", "admin")
    for slug in muni_order:
        cid = person(
            f"{PREFIX}coord-{slug}", f"Coordinación bench {munis[slug].name}", "coordinator"
        )
        staff_rows.append({"user_id": cid, "municipality_id": munis[slug].id, "created_at": now})
    trainers = []
    for n in range(1, 2 * len(muni_order) + 1):
        slug = muni_order[(n - 1) // 2]
        tid = person(f"{PREFIX}trainer-{n:02d}", f"Facilitación bench {n:02d}", "trainer")
        trainers.append(tid)
        staff_rows.append({"user_id": tid, "municipality_id": munis[slug].id, "created_at": now})
        for group_id, _name in groups_of[slug][(n - 1) % 2 :: 2]:
            member_rows.append(
                {"group_id": group_id, "user_id": tid, "role": "trainer", "created_at": now}
            )

    others = participants - big_participants
    per_other = [others // (len(muni_order) - 1)] * (len(muni_order) - 1)
    for i in range(others - sum(per_other)):
        per_other[i] += 1
    sizes = dict(zip([s for s in muni_order if s != BIG_MUNICIPALITY], per_other, strict=True))
    sizes[BIG_MUNICIPALITY] = big_participants
    participant_ids = []
    n = 0
    for slug in muni_order:
        for k in range(sizes[slug]):
            n += 1
            group_id, gname = groups_of[slug][k % len(groups_of[slug])]
            declared = rng.random() < 0.2
            pid = person(
                f"{PREFIX}p{n:05d}",
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}",
                "participant",
                disability=True if declared else None,
            )
            participant_ids.append(pid)
            group_of_user[pid] = (group_id, gname, munis[slug].id, munis[slug].name)
            member_rows.append(
                {"group_id": group_id, "user_id": pid, "role": "member", "created_at": now}
            )
    _bulk(User, user_rows)
    name_of = {row["id"]: row["full_name"] for row in user_rows}
    _bulk(StaffAssignment, staff_rows)
    _bulk(Membership, member_rows)
    echo(f"  {len(user_rows)} accounts, {len(member_rows)} memberships")

    # --- enrolments: every participant in every course -----------------------------------
    eid = _next_id(Enrollment)
    enrolments = []  # (eid, uid, course, enrolled_at)
    enrol_rows = []
    for pid in participant_ids:
        for course in courses:
            enrolled_at = now - timedelta(days=rng.randint(30, 360), minutes=rng.randint(0, 1440))
            enrolments.append((eid, pid, course, enrolled_at))
            enrol_rows.append(
                {
                    "id": eid,
                    "user_id": pid,
                    "course_slug": course.slug,
                    "course_version": course.version,
                    "group_id": group_of_user[pid][0],
                    "status": "active",
                    "enrolled_at": enrolled_at,
                    "last_lesson_slug": None,
                    "last_activity_at": None,
                    "completed_at": None,
                    "completed_version": None,
                }
            )
            eid += 1

    # Completed (and certified) enrolments: every lesson done, every quiz passed.
    order = list(range(len(enrolments)))
    rng.shuffle(order)
    completed = order[:certificates]
    in_progress = order[certificates:]
    progress: list[dict] = []
    attempt_rows: list[dict] = []
    attempt_numbers: dict[tuple[int, str, str], int] = {}
    aid = _next_id(QuizAttempt)
    graded_cache: dict[tuple, dict] = {}

    def add_attempt(index: int, quiz: Quiz, when: datetime, share: float) -> bool:
        nonlocal aid
        e_id, pid, course, _at = enrolments[index]
        answers = sample_answers(quiz, rng, share)
        key = (course.slug, quiz.id, repr(sorted(answers.items())))
        if key not in graded_cache:
            graded_cache[key] = _graded(quiz, answers)
        graded = graded_cache[key]
        number = attempt_numbers.get((pid, course.slug, quiz.id), 0) + 1
        attempt_numbers[(pid, course.slug, quiz.id)] = number
        attempt_rows.append(
            {
                "id": aid,
                "user_id": pid,
                "enrollment_id": e_id,
                "course_slug": course.slug,
                "quiz_id": quiz.id,
                "course_version": course.version,
                "number": number,
                "state": "submitted",
                "answers": answers,
                "started_at": when - timedelta(minutes=rng.randint(3, 20)),
                "deadline_at": None,
                "submitted_at": when,
                **graded,
            }
        )
        aid += 1
        return bool(graded["passed"])

    def lessons_done(e_id, course, lessons, enrolled_at):
        """Add a progress row for each of LESSONS, a few days apart; yield (lesson, when)."""
        when = enrolled_at
        for lesson in lessons:
            when += timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
            when = min(when, now - timedelta(hours=1))
            progress.append(
                {
                    "enrollment_id": e_id,
                    "lesson_slug": lesson.slug,
                    "course_version": course.version,
                    "completed_at": when,
                }
            )
            yield lesson, when

    cert_rows = []
    codes: set[str] = set()
    for index in completed:
        e_id, pid, course, enrolled_at = enrolments[index]
        when = enrolled_at
        for lesson, when in lessons_done(e_id, course, course.lessons, enrolled_at):
            for quiz_id in lesson.quiz_ids:
                quiz = course.quizzes[quiz_id]
                # Most pass at once; some fail first. A pass is forced at the end.
                if rng.random() < 0.2:
                    add_attempt(index, quiz, when - timedelta(minutes=30), 0.2)
                if not add_attempt(index, quiz, when, 0.95):
                    attempt_rows.pop()
                    aid -= 1
                    attempt_numbers[(pid, course.slug, quiz.id)] -= 1
                    add_attempt(index, quiz, when, 1.0)
        row = enrol_rows[index]
        row.update(
            status="completed",
            completed_at=when,
            completed_version=course.version,
            last_lesson_slug=course.lessons[-1].slug,
            last_activity_at=when,
        )
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        group_id, gname, mid, mname = group_of_user[pid]
        cert_rows.append(
            {
                "code": code,
                "user_id": pid,
                "enrollment_id": e_id,
                "course_slug": course.slug,
                "course_version": course.version,
                "holder_name": name_of[pid],
                "course_title": course.title,
                "hours": float(course.hours),
                "completed_on": when.date(),
                "municipality_id": mid,
                "municipality_name": mname,
                "group_name": gname,
                "issued_at": when,
                "revoked_at": None,
                "revoked_reason": None,
                "revoked_by_id": None,
            }
        )

    # In-progress enrolments: the first lessons done, until PROGRESS_ROWS rows.
    cursor = 0
    while len(progress) < progress_rows and cursor < len(in_progress):
        index = in_progress[cursor]
        cursor += 1
        e_id, pid, course, enrolled_at = enrolments[index]
        done = rng.randint(1, max(1, len(course.lessons) - 1))
        done = min(done, progress_rows - len(progress))
        when = enrolled_at
        for lesson, when in lessons_done(e_id, course, course.lessons[:done], enrolled_at):
            # Quizzes of done lessons, while the attempt budget lasts.
            for quiz_id in lesson.quiz_ids:
                if len(attempt_rows) < attempts:
                    add_attempt(index, course.quizzes[quiz_id], when, 0.7)
        enrol_rows[index].update(
            last_lesson_slug=course.lessons[done - 1].slug, last_activity_at=when
        )
    # Any attempts still missing: failed tries in enrolments with no progress yet.
    spare = in_progress[cursor:] or in_progress
    k = 0
    while len(attempt_rows) < attempts:
        index = spare[k % len(spare)]
        k += 1
        course = enrolments[index][2]
        quiz = course.quizzes[course.lessons[0].quiz_ids[0]] if course.lessons[0].quiz_ids else None
        if quiz is None:
            continue
        add_attempt(index, quiz, enrolments[index][3] + timedelta(days=1), 0.3)

    _bulk(Enrollment, enrol_rows)
    _bulk(LessonProgress, progress)
    _bulk(QuizAttempt, attempt_rows, chunk=2000)
    _bulk(Certificate, cert_rows)
    _fix_sequences()
    db.session.commit()
    counts = {
        "municipalities": len(munis),
        "groups": len(group_rows),
        "participants": len(participant_ids),
        "staff": len(staff_rows),
        "enrolments": len(enrol_rows),
        "lesson_progress": len(progress),
        "quiz_attempts": len(attempt_rows),
        "certificates": len(cert_rows),
        "seconds": round(time.perf_counter() - started, 1),
        "admin_id": admin_id,
    }
    return counts


def _fix_sequences() -> None:
    """Explicit ids do not advance PostgreSQL sequences: move them past the new rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (
        Municipality,
        Group,
        User,
        StaffAssignment,
        Membership,
        Enrollment,
        LessonProgress,
        QuizAttempt,
        Certificate,
    ):
        table = model.__tablename__
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 # nosec B608 - table names from our own list
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


def main(argv: list[str] | None = None) -> int:
    """Command line: build the network in the configured database, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    app = create_app()
    with app.app_context():
        try:
            counts = create_bench_data(
                get_store().published(),
                participants=args.participants,
                big_participants=min(2_000, args.participants // 3),
                progress_rows=10 * args.participants,
                attempts=3 * args.participants,
                certificates=args.participants // 2,
                hash_method=app.config.get("PASSWORD_HASH_METHOD", "scrypt"),
                seed=args.seed,
                echo=print,
            )
        except BenchDataError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(", ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"Bench accounts (bench-p00001, bench-coord-monte-patria, ...): {BENCH_PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
