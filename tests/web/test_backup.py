"""flask backup / flask restore: a backup restored into a fresh database has everything."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from app.accounts.models import User
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Enrollment, LessonProgress
from tests.helpers import count
from tests.worlds import build_scenario

COUNTED = (User, Enrollment, LessonProgress, Certificate)


def _fresh_database_url(tmp_path) -> str:
    current = db.engine.url
    if current.get_backend_name() == "sqlite":
        return "sqlite:///" + str(tmp_path / "fresh.sqlite")
    url = os.environ.get("TEST_MIGRATIONS_POSTGRES_URL")
    if not url:
        pytest.fail("TEST_MIGRATIONS_POSTGRES_URL is needed to restore into a fresh PostgreSQL")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def test_backup_then_restore_into_a_fresh_database(app, make_app, runner, tmp_path):
    with app.app_context():
        build_scenario()
        before = {model.__name__: count(model) for model in COUNTED}
        code = db.session.scalar(
            db.select(Certificate.code).where(Certificate.revoked_at.is_(None))
        )
        fresh_url = _fresh_database_url(tmp_path)
    assert before["User"] >= 4 and before["LessonProgress"] >= 1
    target = tmp_path / "aula.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    fresh = make_app(SQLALCHEMY_DATABASE_URI=fresh_url)
    with fresh.app_context():
        if fresh_url.startswith("sqlite"):
            db.create_all()  # the SQLite backup API copies pages into an existing database
    restored = fresh.test_cli_runner().invoke(args=["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        after = {model.__name__: count(model) for model in COUNTED}
        participant = db.session.scalar(db.select(User).where(User.username == "participant-e2e"))
        assert participant.check_password("una frase larga y secreta")
    page = fresh.test_client().get(f"/verificar/{code}")
    assert page.status_code == 200 and "válido" in page.get_data(as_text=True).lower()
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()
    assert before["Certificate"] >= 1
    assert after == before


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "nada.sqlite"
    bogus.write_text("esto no es una base de datos")
    result = runner.invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    missing = runner.invoke(args=["restore", "--yes", str(tmp_path / "no-existe")])
    assert missing.exit_code != 0 and "no hay una copia de seguridad" in missing.output
