"""Workshop pages of a course at the storage budget (issue 25, «Storage without bounds»).

Run: .venv/bin/python bench/bench_workshop_budget.py [--media-mb 90] [--runs 5]

An app in this process (test-like config: a temporary SQLite file, COURSES_DIR = the shipped
courses/, a temporary course cache, CSRF off), `flask courses sync` (the 11 shipped courses become
revisions), an admin logged in through POST /ingresar. The admin uploads as a .zip a course at the
text budget (COURSE_TEXT_BUDGET): course.md and 34 different lessons of 60,000 characters (the
file limit), plus --media-mb MB of PDFs (10 MB each; below COURSE_MEDIA_BUDGET).

Then, timed with time.perf_counter:
- cold: another app on the same database and an empty course cache directory (a new worker
  after a deploy; it serves /cursos/ first, untimed, so the published courses are loaded), one
  for each page: GET /formacion/taller/ (the admin's index: all 12 courses), GET of the course
  page;
- pickled: the same on an app sharing the first app's cache directory (a worker started after
  the course was saved: the check of the saved version is in the pickle cache);
- warm: the median of --runs more GETs of each.
Also prints the bytes stored in the database. Budget: every figure but the cold ones (which
include the check itself, bounded by COURSE_CHECK_TIMEOUT) under 3 s (exit 1 if not).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.extensions import db  # noqa: E402
from app.revisions.models import CourseBlob  # noqa: E402

PASSWORD = "bench-contrasena-no-secreta"  # noqa: S105 - throwaway benchmark account
SLUG = "curso-al-limite"
BUDGET_S = 3.0


def config(tmp: Path, cache: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'aula.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LOGIN_THROTTLE_ENABLED": False,
        "COURSES_DIR": str(ROOT / "courses"),
        "COURSE_CACHE_DIR": str(tmp / cache),
        "NARRATION_DIR": str(tmp / "narration"),
        "SERVER_NAME": None,
        "PAGE_CACHE_SECONDS": 0,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def lesson(n: int, chars: int = 60_000) -> bytes:
    head = f"---\ntitulo: Lección {n}\nminutos: 10\n---\n\n"
    parts = [head]
    size = len(head)
    k = 0
    while True:
        k += 1
        block = (
            f"## Parte {k} de la lección {n}\n\n"
            f"La cooperativa {n} revisa su tema {k}: acuerdos, cuentas y turnos de la semana "
            f"{k * n}. Cada socia y socio opina y se anota lo que se decide.\n\n"
        )
        if size + len(block) > chars - 10:
            break
        parts.append(block)
        size += len(block)
    return "".join(parts).encode("utf-8")


def course_zip(media_mb: int, broken: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            f"{SLUG}/course.md",
            "---\ntitulo: Curso al límite\nresumen: Prueba de tamaño.\nhoras: 2\n"
            + (
                "nivel: inicial\npublico: Grupos\nautores: Equipo\nlicencia: CC BY-SA 4.0\n"
                if not broken
                else ""
            )
            + "---\n\nHola.\n",
        )
        for n in range(1, 35):
            archive.writestr(f"{SLUG}/{n:02d}-leccion-{n}.md", lesson(n))
        for m in range(media_mb // 10):
            pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(10 * 1024 * 1024 - 32)
            archive.writestr(f"{SLUG}/media/guia-{m}.pdf", pdf)
    return buffer.getvalue()


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--media-mb", type=int, default=90)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--broken", action="store_true", help="course.md misses 4 keys: the course has errors"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        app = create_app(config(tmp, "cache-1"))
        with app.app_context():
            db.create_all()
            result = app.test_cli_runner().invoke(args=["courses", "sync"])
            if result.exit_code != 0:
                raise RuntimeError(result.output)
            user = User(username="bench-admin", full_name="Administración", role="admin")
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()
        client = app.test_client()
        client.post("/ingresar", data={"login": "bench-admin", "password": PASSWORD})
        data = course_zip(args.media_mb, args.broken)
        started = time.perf_counter()
        response = client.post(
            "/formacion/taller/subir",
            data={"file": (io.BytesIO(data), "curso.zip")},
            content_type="multipart/form-data",
        )
        upload = time.perf_counter() - started
        if response.status_code != 302:
            raise RuntimeError(response.get_data(as_text=True).split("<main")[1][:3000])
        with app.app_context():
            stored = db.session.scalar(select(func.coalesce(func.sum(CourseBlob.size), 0)))
        print(
            f"zip {len(data) / 1e6:.1f} MB uploaded in {upload:.2f} s; database blobs "
            f"{stored / 1e6:.1f} MB"
        )
        # A new worker: another app, an empty course cache (one for each page).
        # Where the upload leads: the course is checked (and its check pickled when it loads).
        page = client.get(f"/formacion/taller/{SLUG}/").get_data(as_text=True)
        errors = re.search(r"(\d+) errores? ", page)
        print(f"the course page shows {errors.group(0) if errors else 'no error count'}")
        figures = {}
        for name, url, cache in (
            ("course cold", f"/formacion/taller/{SLUG}/", "cache-2"),
            ("index cold", "/formacion/taller/", "cache-3"),
            ("course pickled", f"/formacion/taller/{SLUG}/", "cache-1"),
            ("index pickled", "/formacion/taller/", "cache-1"),
        ):
            cold = create_app(config(tmp, cache)).test_client()
            cold.post("/ingresar", data={"login": "bench-admin", "password": PASSWORD})
            timed(cold, "/cursos/")  # the worker loads the published courses first
            figures[name] = timed(cold, url)
        figures["index warm"] = statistics.median(
            timed(cold, "/formacion/taller/") for _ in range(args.runs)
        )
        figures["course warm"] = statistics.median(
            timed(cold, f"/formacion/taller/{SLUG}/") for _ in range(args.runs)
        )
        for name, seconds in figures.items():
            print(f"{name:15} {seconds * 1000:8.0f} ms")
        slow = [name for name, s in figures.items() if "cold" not in name and s >= BUDGET_S]
        return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
