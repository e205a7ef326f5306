"""The talking books of a course published again with one lesson changed (issue 22).

    .venv/bin/python bench/bench_book_republish.py [--course cooperativa-en-marcha] [--rebuild]

On a throwaway SQLite database (temp dir, `create_all`): records the shipped course's folder
as revision 1 and builds both of its books (full text and easy read) as the job worker does
(`books.services.build_books`); then adds one sentence to the course's second lesson, records
that as revision 2 and builds its books. For each build it prints the wall time, the CPU time
of this process, its children (lame, espeak-ng runs) and the speech servers (alive until the
end, so read from /proc), and how many texts espeak-ng spoke. `--rebuild` builds revision 2
with `rebuild=True` (every document spoken again, as before this change). Figures:
docs/performance.md (narration).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SENTENCE = "Esta oración es nueva en la segunda versión de la lección."


def server_cpu() -> float:
    """CPU seconds of this process's speech servers and their waited-for children."""
    from app.content import espeak

    total = 0.0
    for servers in espeak._pool.idle.values():
        for server in servers:
            fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + server_cpu()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--course", default="cooperativa-en-marcha")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aula-bench-books-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp}/aula.sqlite",
        SECRET_KEY=secrets.token_hex(32),
        AULA_COURSE_CACHE_DIR=str(tmp / "course-cache"),
    )
    from app import create_app
    from app.books import services, speech
    from app.extensions import db
    from app.revisions.services import record_folder

    spoken = []
    real = speech.synthesize_wav

    def counting(text, out, **kw):
        spoken.append(text)
        real(text, out, **kw)

    speech.synthesize_wav = counting
    app = create_app()
    folder = tmp / args.course
    shutil.copytree(ROOT / "courses" / args.course, folder)
    lesson = sorted(p for p in folder.glob("[0-9]*.md") if not p.name.endswith(".lf.md"))[1]
    try:
        with app.app_context():
            db.create_all()
            for label, rebuild in (("revision 1 (nothing earlier)", False), ("revision 2", None)):
                if rebuild is None:
                    text = lesson.read_text()
                    cut = text.index("\n## ")
                    lesson.write_text(text[:cut] + f"\n\n{SENTENCE}\n" + text[cut:])
                    rebuild = args.rebuild
                    label += ", one sentence added to " + lesson.stem
                    label += " (--rebuild: everything spoken again)" if rebuild else ""
                revision, _ = record_folder(folder)
                db.session.commit()
                spoken.clear()
                started, cpu_before = time.perf_counter(), cpu()
                books = services.build_books(revision.id, rebuild=rebuild)
                db.session.commit()
                wall, used = time.perf_counter() - started, cpu() - cpu_before
                states = ", ".join(f"{b.reading} {b.status} {b.size / 1e6:.1f} MB" for b in books)
                print(f"{label}: {wall:.1f} s, {used:.1f} s CPU, {len(spoken)} texts spoken")
                print(f"  {states}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
