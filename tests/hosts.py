"""Helpers for tests that run real servers (gunicorn) on one PostgreSQL database."""

from __future__ import annotations

import os
import secrets
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url


def postgres_server_url() -> str:
    """The test PostgreSQL server (skipped without one, failed when CI requires it)."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url and os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"):
        url = os.environ["TEST_DATABASE_URL"]
    if url:
        return url.replace("postgresql+psycopg://", "postgresql://", 1)
    message = "TEST_POSTGRES_URL (a PostgreSQL server) is needed for this test"
    if os.environ.get("AULA_REQUIRE_POSTGRES"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A fresh, empty database on the test server (its URL), dropped afterwards."""
    server = make_url(postgres_server_url())
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """(status, body) of a GET of PATH on 127.0.0.1:PORT, errors included."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
