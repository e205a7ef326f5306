"""The job queue: slow work that follows a publish (narration, books) runs outside the request.

One Huey instance for the whole app (`huey`): packages register their tasks on it with
`@huey.task()` and enqueue them; `flask jobs worker` consumes them. Its storage is SQLite in the
instance folder on the embedded default (`JOBS_SQLITE_PATH`, default <instance>/jobs.sqlite:
no extra server), Redis when `REDIS_URL` is set (several hosts share it), and nothing at all in
immediate mode (`JOBS_IMMEDIATE`: tasks run at once, in the caller; tests). A task that needs the
app runs inside `app_context()`, an application context of its own (its own database session).

Jobs run by priority, then in the order they came (both storages keep priorities): narration
(`NARRATION_PRIORITY`) before the books, whatever was enqueued first.

This module imports nothing else of the app, so any package can use it without a cycle.
"""

from __future__ import annotations

import logging
import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey
from huey.storage import MemoryStorage, PriorityRedisStorage, SqliteStorage

QUEUE_NAME = "aula"
NARRATION_PRIORITY = 10  # lesson narration before the books (priority 0), which take minutes
# An idle worker looks at the queue at most this far apart (seconds; Huey's default is 10).
POLL_MAX_SECONDS = 2.0
log = logging.getLogger("aula.jobs")

# Storage is chosen by configure(); until then (a module imported without an app) in memory.
huey = Huey(QUEUE_NAME, results=False, storage_class=MemoryStorage)
_state: dict = {"app": None}


def configure(
    *, sqlite_path: str | None = None, redis_url: str | None = None, immediate: bool = False
) -> None:
    """Point the queue at Redis (REDIS_URL), else at the SQLite file SQLITE_PATH."""
    if redis_url:
        huey.storage_class = PriorityRedisStorage  # Redis >= 5; plain RedisStorage has none
        huey.storage_kwargs = {"url": redis_url}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": sqlite_path or "jobs.sqlite"}
    huey.immediate = immediate
    huey.storage = huey.create_storage()


def init_jobs(app: Flask) -> None:
    """Configure the queue from APP's settings; tasks run with APP; add `flask jobs`."""
    redis_url = app.config.get("REDIS_URL") or None
    path = app.config.get("JOBS_SQLITE_PATH") or os.path.join(app.instance_path, "jobs.sqlite")
    app.config["JOBS_SQLITE_PATH"] = path
    configure(
        sqlite_path=path, redis_url=redis_url, immediate=bool(app.config.get("JOBS_IMMEDIATE"))
    )
    _state["app"] = app
    app.cli.add_command(jobs_cli)


def app_context():
    """An application context of the app the queue was configured with (one per task run)."""
    app = _state["app"]
    if app is None:
        raise RuntimeError("the job queue has no app: call init_jobs(app) first")
    return app.app_context()


def processors() -> int:
    """The processors this process may run on (its CPU affinity, else the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def pending_count() -> int:
    """Jobs waiting in the queue (not counting those scheduled for a retry)."""
    return huey.pending_count()


jobs_cli = click.Group("jobs", help="La cola de trabajos (narración y otros).")


@jobs_cli.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Hilos de trabajo (por omisión, uno por procesador).",
)
@with_appcontext
def worker(workers: int | None) -> None:
    """Run the jobs as they arrive until stopped (SIGINT or SIGTERM)."""
    _state["app"] = current_app._get_current_object()
    # Narration and books spend their time in espeak-ng and lame (child processes): one thread
    # per processor keeps every processor busy.
    workers = workers or processors()
    redis = huey.storage_class is PriorityRedisStorage
    storage = "Redis" if redis else huey.storage_kwargs["filename"]
    log.info("job worker started (%s worker(s), queue in %s)", workers, storage)
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, max_delay=POLL_MAX_SECONDS
    )
    consumer.run()


@jobs_cli.command("status")
@with_appcontext
def status() -> None:
    """How many jobs wait in the queue."""
    click.echo(f"jobs waiting: {pending_count()}, scheduled: {huey.scheduled_count()}")
