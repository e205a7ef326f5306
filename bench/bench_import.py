"""Benchmark the CSV import: preview and confirm of a 1,000-row file, as a trainer would.

Run: .venv/bin/python bench/bench_import.py [--rows 1000] [--runs 3] [--database-url URL]

Each run uses a fresh database (a temporary SQLite file, or the PostgreSQL database at
--database-url, which is emptied first) with production password hashing (scrypt), creates a
municipality, a group and its trainer, logs in through the real form and posts the file to
/formacion/importar, then the preview's token to /formacion/importar/confirmar. The file has
every column: a name, an address on half the rows, a valid RUT on half, the group and a
published course, so each row makes an account, a membership and an enrolment. It checks that
every account was saved and that the access sheet lists them all, and prints the median of the
runs. The issue's budget: confirm under 30 s on the 2-core machine (exit 1 if over).
CSRF protection is off (the test client would only copy the token along).
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.orgs.rut import check_digit  # noqa: E402

BUDGET_SECONDS = 30.0
COURSE = "curso-prueba"
FIRST = ["María", "José", "Ana", "Luis", "Rosa", "Juan", "Carmen", "Pedro", "Ñuño", "Inés"]
LAST = ["Pérez", "González", "Muñoz", "Rojas", "Díaz", "Soto", "Contreras", "Silva", "Tapia"]


def make_csv(rows: int) -> bytes:
    lines = ["nombre;correo;rut;grupo;curso"]
    for i in range(rows):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
        email = f"persona{i}@example.cl" if i % 2 == 0 else ""
        number = 10_000_000 + i * 7
        rut = f"{number}-{check_digit(number)}" if i % 2 == 1 else ""
        lines.append(f"{name};{email};{rut};Grupo Importación;{COURSE}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def build_app(database_url: str, tmp: Path):
    return create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "LOGIN_THROTTLE_ENABLED": False,
            "COURSES_DIR": str(ROOT / "tests" / "fixtures" / "courses"),
            "COURSE_CACHE_DIR": str(tmp / "course-cache"),
            "NARRATION_DIR": str(tmp / "narration"),
            "PAGE_CACHE_SECONDS": 0,
            "PASSWORD_HASH_METHOD": "scrypt",  # production's
        }
    )


def one_run(database_url: str, rows: int, tmp: Path) -> tuple[float, float]:
    from app.accounts.models import User
    from app.orgs.services import add_member, assign_staff, ensure_group, ensure_municipality

    app = build_app(database_url, tmp)
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        db.drop_all()
        db.create_all()
        m = ensure_municipality("monte-patria", "Monte Patria", "Coquimbo")
        g = ensure_group(m, "Grupo Importación", "pre_associative")
        trainer = User(username="formadora", full_name="Formadora Bench", role="trainer")
        trainer.set_password("una frase larga y secreta")
        db.session.add(trainer)
        db.session.flush()
        assign_staff(trainer, m)
        add_member(g, trainer, role="trainer")
        db.session.commit()
    client = app.test_client()
    client.post("/ingresar", data={"login": "formadora", "password": "una frase larga y secreta"})
    data = make_csv(rows)
    started = time.perf_counter()
    preview = client.post(
        "/formacion/importar",
        data={"file": (io.BytesIO(data), "personas.csv")},
        content_type="multipart/form-data",
    )
    preview_seconds = time.perf_counter() - started
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Confirmar e importar" in html, html[:2000]
    token = unescape(html.split('name="token" type="hidden" value="')[1].split('"')[0])
    started = time.perf_counter()
    done = client.post("/formacion/importar/confirmar", data={"token": token})
    confirm_seconds = time.perf_counter() - started
    sheet = done.get_data(as_text=True)
    assert done.status_code == 200 and sheet.count('class="credential-card"') == rows, sheet[:2000]
    with app.app_context():
        created = db.session.scalar(
            select(func.count()).select_from(User).where(User.role == "participant")
        )
        assert created == rows, created
        db.session.remove()
        db.engine.dispose()
    return preview_seconds, confirm_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (emptied!)")
    args = parser.parse_args()
    previews, confirms = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            p, c = one_run(url, args.rows, Path(tmp))
        previews.append(p)
        confirms.append(c)
        print(f"run {run + 1}: preview {p:.2f} s, confirm {c:.2f} s", flush=True)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.rows} rows, {database}, Python {platform.python_version()}: "
        f"median preview {statistics.median(previews):.2f} s, "
        f"median confirm (save + access sheets) {statistics.median(confirms):.2f} s "
        f"over {args.runs} runs (budget {BUDGET_SECONDS:.0f} s)"
    )
    return 0 if statistics.median(confirms) < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
