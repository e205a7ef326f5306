"""Workshop diff (publish page, history): the worst inputs of allowed size (issue 25).

Run: .venv/bin/python bench/bench_diff.py [--runs 5] [--difflib]

Times app.authoring.diff.compare (the comparison the publish page `…/publicar` and the history
diff `…/historial/<n>` show) on each case below, with time.perf_counter, --runs times, and prints
the median and the maximum in ms and what the page shows (line by line, or a summary). Then the
two pages themselves: an app in this process (create_app with a test-like config, a temporary
SQLite file, CSRF off), a course published with a lesson of 1,500 lines of `a`, a draft saved
through the edit form with `a`/`c` alternating, a trainer logged in with Flask's test client; the
GET of each page is timed --runs times. Budget (issue 25): every case and page under 1 s; exit 1
when one is over.

--difflib also times the comparison it replaced (difflib.SequenceMatcher, autojunk off, on the
lines) on the first case only: it takes about 45 s.
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.authoring.diff import compare  # noqa: E402
from app.authoring.uploads import MARKDOWN_MAX_BYTES  # noqa: E402
from app.content.limits import MAX_FILE_CHARS  # noqa: E402
from app.extensions import db  # noqa: E402
from app.revisions import services as revisions  # noqa: E402
from app.revisions.models import CourseDraft, CourseEditor, CourseRevision  # noqa: E402

BUDGET_MS = 1000.0
PASSWORD = "bench-contrasena-no-secreta"  # noqa: S105 - throwaway benchmark account
ALL_A = b"a\n" * 1500
A_AND_C = b"a\nc\n" * 750
SLUG = "curso-de-letras"
COURSE_MD = (
    "---\ntitulo: Curso de letras\nresumen: Un curso.\nhoras: 1\nnivel: inicial\n"
    "publico: Todas las personas\nautores: [Equipo]\nlicencia: CC BY-SA 4.0\n---\n\nIntro.\n"
)
HEADER = b"---\ntitulo: Letras\nminutos: 5\n---\n\n"


def _distinct(prefix: bytes, count: int) -> bytes:
    return b"".join(b"%s%d\n" % (prefix, i) for i in range(count))


def cases() -> list[tuple[str, dict, dict]]:
    many_old = {f"{n:02d}-leccion.md": ALL_A * 60 for n in range(1, 100)}
    many_old |= {f"media/s{n}.vtt": b"WEBVTT\n\n" + b"a\n" * 500_000 for n in range(100)}
    many_new = {path: data.replace(b"a\na\n", b"a\nc\n") for path, data in many_old.items()}
    one = "01-a.md"
    return [
        ("1,500 a -> a/c (the finding)", {one: ALL_A}, {one: A_AND_C}),
        (
            "200,000 chars: a -> a/c",
            {one: b"a\n" * (MAX_FILE_CHARS // 2)},
            {one: b"a\nc\n" * (MAX_FILE_CHARS // 4)},
        ),
        (
            "200,000 chars: all lines new",
            {one: _distinct(b"", 30_000)},
            {one: _distinct(b"x", 30_000)},
        ),
        (
            "1 MB (zip): a -> a/c",
            {one: b"a\n" * (MARKDOWN_MAX_BYTES // 2)},
            {one: b"a\nc\n" * (MARKDOWN_MAX_BYTES // 4)},
        ),
        (
            "1 MB (zip): newlines -> a",
            {one: b"\n" * MARKDOWN_MAX_BYTES},
            {one: b"a\n" * (MARKDOWN_MAX_BYTES // 2)},
        ),
        ("99 lessons + 100 captions of 1 MB", many_old, many_new),
        ("one word in a 1,500-line lesson", {one: ALL_A}, {one: ALL_A.replace(b"a", b"b", 1)}),
    ]


def shown(result) -> str:
    lines = sum(len(h) for d in result for h in d.hunks)
    summaries = sum(1 for d in result if d.summary)
    return f"{len(result)} files, {lines} lines shown, {summaries} summaries"


def time_cases(runs: int) -> list[tuple[str, float, float, str]]:
    rows = []
    for name, old, new in cases():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = compare(old, new)
            times.append((time.perf_counter() - start) * 1000)
        rows.append((name, statistics.median(times), max(times), shown(result)))
    return rows


def time_difflib() -> float:
    a, b = ALL_A.decode().split("\n"), A_AND_C.decode().split("\n")
    start = time.perf_counter()
    list(difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(2))
    return (time.perf_counter() - start) * 1000


def time_pages(runs: int, tmp: Path) -> list[tuple[str, float, float, str]]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'aula.sqlite'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "LOGIN_THROTTLE_ENABLED": False,
            "COURSES_DIR": str(tmp / "courses"),
            "COURSE_CACHE_DIR": str(tmp / "course-cache"),
            "NARRATION_DIR": str(tmp / "narration"),
            "SERVER_NAME": None,
            "PAGE_CACHE_SECONDS": 0,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        user = User(username="bench-trainer", full_name="Persona de prueba", role="trainer")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        files = {"course.md": COURSE_MD.encode(), "01-letras.md": HEADER + ALL_A}
        revision, _ = revisions.record_files(SLUG, files, author=user)
        revisions.publish(revision, actor=user, note="Primera")
        db.session.add(CourseEditor(course_slug=SLUG, user_id=user.id, added_by_id=user.id))
        db.session.commit()
    client = app.test_client()
    client.post("/ingresar", data={"login": "bench-trainer", "password": PASSWORD})
    base_url = f"/formacion/taller/{SLUG}"
    edit = client.get(f"{base_url}/archivo/01-letras.md").get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="(\d+)"', edit).group(1)
    text = (HEADER + A_AND_C).decode()
    saved = client.post(f"{base_url}/archivo/01-letras.md", data={"text": text, "base": base})
    if saved.status_code != 302:
        raise RuntimeError(f"save: HTTP {saved.status_code}")
    with app.app_context():
        number = db.session.get(
            CourseRevision, db.session.get(CourseDraft, SLUG).revision_id
        ).number
    rows = []
    for name, url in (
        ("GET …/publicar", f"{base_url}/publicar"),
        (f"GET …/historial/{number}", f"{base_url}/historial/{number}"),
    ):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            page = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if page.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {page.status_code}")
        summary = "muy grande para mostrarlo" in page.get_data(as_text=True)
        rows.append(
            (name, statistics.median(times), max(times), "summary" if summary else "line by line")
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--difflib", action="store_true", help="time the old difflib diff too")
    args = parser.parse_args()
    rows = time_cases(args.runs)
    with tempfile.TemporaryDirectory(prefix="aula-bench-diff-") as tmp:
        rows += time_pages(args.runs, Path(tmp))
    width = max(len(name) for name, *_ in rows)
    print(f"{'case':<{width}}  median ms     max ms  shows")
    for name, median, worst, what in rows:
        print(f"{name:<{width}}  {median:9.1f}  {worst:9.1f}  {what}")
    if args.difflib:
        print(f"difflib.SequenceMatcher on the first case: {time_difflib():.0f} ms")
    over = [name for name, _median, worst, _what in rows if worst > BUDGET_MS]
    if over:
        print(f"over the budget of {BUDGET_MS:.0f} ms: {', '.join(over)}")
        return 1
    print(f"every case under the budget of {BUDGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
