"""`make books`: build the talking books of every shipped course (or of the folders named) and
check each with EPUBCheck, DAISY Ace and the clip times; print one line of figures per book.

Works in a temporary instance folder (its own SQLite database), so it never touches the
site's data. Exit status 1 when any book fails to build or any check finds something.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.books.checks import ace, clip_problems, epubcheck  # noqa: E402
from app.books.services import book_data, build_books  # noqa: E402
from app.content.loader import course_folders  # noqa: E402
from app.extensions import db  # noqa: E402
from app.revisions.services import record_folder  # noqa: E402


def main(args: list[str]) -> int:
    folders = [Path(a) for a in args] or course_folders(ROOT / "courses")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="aula-books-") as tmp:
        app = create_app(
            {
                "SECRET_KEY": "make-books-" + "x" * 32,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/books.sqlite",
                "COURSE_CACHE_DIR": f"{tmp}/cache",
                "JOBS_SQLITE_PATH": f"{tmp}/jobs.sqlite",
                "BOOKS_ON_PUBLISH": False,
            }
        )
        with app.app_context():
            db.create_all()
            for folder in folders:
                revision, _ = record_folder(folder)
                started = time.monotonic()
                books = build_books(revision.id)
                db.session.commit()
                built = time.monotonic() - started
                for book in books:
                    name = f"{folder.name} {book.reading}"
                    if book.status != "ready":
                        print(f"{name}: NOT BUILT: {book.error}", flush=True)
                        failed += 1
                        continue
                    path = Path(tmp) / f"{folder.name}-{book.reading}.epub"
                    path.write_bytes(book_data(book))
                    found = [str(f) for f in epubcheck(path)]
                    found += [f"Ace: {f}" for f in ace(path)]
                    found += [f"clips: {p}" for p in clip_problems(path)]
                    print(
                        f"{name}: {book.size / 1048576:.1f} MB, {book.seconds // 60} min "
                        f"{book.seconds % 60} s of audio, built in {built:.0f} s (both versions), "
                        f"EPUBCheck/Ace/clips: {len(found)} finding(s)",
                        flush=True,
                    )
                    for line in found:
                        print(f"  {line}", flush=True)
                    failed += bool(found)
    print("books: all passed" if not failed else f"books: {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
