"""Migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app.extensions import db

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


def _targets(tmp_path):
    yield "sqlite:///" + str(tmp_path / "migrated.sqlite")
    url = os.environ.get("TEST_MIGRATIONS_POSTGRES_URL")
    if url:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    elif os.environ.get("AULA_REQUIRE_POSTGRES"):
        pytest.fail("TEST_MIGRATIONS_POSTGRES_URL is required in CI")


def _reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def test_upgrade_from_empty_matches_the_models(make_app, tmp_path):
    for url in _targets(tmp_path):
        _reset(url)
        migrated = make_app(SQLALCHEMY_DATABASE_URI=url)
        with migrated.app_context():
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "render_as_batch": True}
                )
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations disagree on {url.split(':')[0]}: {diff}"
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "enrollments", "quiz_attempts", "certificates"} <= tables
            downgrade(directory=MIGRATIONS, revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
        _reset(url)
