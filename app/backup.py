"""Back up and restore the database: SQLite through its backup API, PostgreSQL through pg_dump."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, no shell
from pathlib import Path

from sqlalchemy.engine import make_url

from app.extensions import db


class BackupError(RuntimeError):
    """Backing up or restoring failed; the message says why."""


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"no se encontró {name}: instala el cliente de PostgreSQL (Debian: postgresql-client)"
    )


def _pg_args(url) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return args, env


def backup(target: Path) -> Path:
    """Write a consistent copy of the database to TARGET and return it."""
    url = make_url(db.engine.url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        # The backup API copies pages consistently even while the app is writing (WAL).
        source = db.engine.raw_connection()
        try:
            destination = sqlite3.connect(target)
            with destination:
                source.driver_connection.backup(destination)
            destination.close()
        finally:
            source.close()
        return target
    args, env = _pg_args(url)
    command = [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(target)]
    command.append(url.database)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_dump falló: {result.stderr.strip()}")
    return target


def restore(source: Path) -> None:
    """Replace the database's contents with the backup at SOURCE."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no hay una copia de seguridad en {source}")
    url = make_url(db.engine.url)
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        backup_conn = sqlite3.connect(source)
        try:
            backup_conn.execute("PRAGMA schema_version")  # fails early on a non-SQLite file
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} no es una copia de SQLite: {exc}") from exc
        live = db.engine.raw_connection()
        try:
            with backup_conn:
                backup_conn.backup(live.driver_connection)
        finally:
            live.close()
            backup_conn.close()
        db.engine.dispose()
        return
    db.engine.dispose()
    args, env = _pg_args(url)
    command = [
        _pg_tool("pg_restore"),
        *args,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--dbname",
        url.database,
        str(source),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore falló: {result.stderr.strip()}")
