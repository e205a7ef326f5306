"""Storage of 20 workshop saves, before and after pruning (issue 25; the workshop issue 21).

Run: .venv/bin/python bench/bench_prune.py [--saves 20]

The app of bench_authoring.py (temporary SQLite, the shipped courses/ synced, an admin logged in).
The admin saves the largest lesson of cooperativa-en-marcha --saves times, one word changed each
time (each save a new revision, checked and pickled, as in the review), then:
1. measures the blob bytes in the database and the course cache directory (pickles and media);
2. discards the draft (POST …/descartar: its saves are pruned at once) and measures again;
3. saves --saves times more, ages those revisions by 31 days, publishes nothing, runs
   `flask courses prune` (the draft in use stays) and measures again.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, update  # noqa: E402

from app.extensions import db  # noqa: E402
from app.revisions.models import CourseBlob, CourseRevision  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from bench.bench_authoring import (  # noqa: E402
    COURSE,
    Session,
    largest_lesson,
    make_app,
    setup,
)


def measure(app, cache: Path) -> tuple[int, int, int, int]:
    """(revisions, blob bytes, cache files, cache bytes)."""
    with app.app_context():
        revisions = db.session.scalar(select(func.count()).select_from(CourseRevision))
        size = db.session.scalar(select(func.coalesce(func.sum(CourseBlob.size), 0)))
    files = [p for p in cache.rglob("*") if p.is_file()]
    return revisions, int(size), len(files), sum(p.stat().st_size for p in files)


def line(label: str, figures: tuple[int, int, int, int]) -> str:
    revisions, size, files, cache = figures
    return (
        f"{label:34} revisions {revisions:4}  database blobs {size / 1e6:6.2f} MB  "
        f"cache {files:4} files {cache / 1e6:6.2f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        app = make_app(tmp)
        logging.getLogger("aula.audit").setLevel(logging.WARNING)
        setup(app)
        cache = tmp / "course-cache"
        lesson = largest_lesson(ROOT / "courses" / COURSE)
        text = lesson.read_text("utf-8")
        session = Session(app, lesson.name, lesson.stem, text)
        session.login()
        print(line("after sync", measure(app, cache)))
        for n in range(args.saves):
            session.one(n)
        print(line(f"after {args.saves} saves", measure(app, cache)))
        session.client.post(f"/formacion/taller/{COURSE}/descartar")
        print(line("after discarding the draft", measure(app, cache)))
        for n in range(args.saves, 2 * args.saves):
            session.one(n)
        with app.app_context():
            db.session.execute(
                update(CourseRevision).values(created_at=utcnow() - timedelta(days=31))
            )
            db.session.commit()
        print(line(f"after {args.saves} more saves", measure(app, cache)))
        result = app.test_cli_runner().invoke(args=["courses", "prune"])
        print(result.output.strip().splitlines()[-1])
        print(line("after flask courses prune", measure(app, cache)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
