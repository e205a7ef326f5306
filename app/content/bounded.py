"""Check a course in a child process that is stopped past a time bound (defence in depth).

Every pattern of the engine is linear and every page has size limits (limits.py), so a check of
any allowed course takes well under a second. If a shape nobody foresaw still makes it slow, a
regular expression cannot be interrupted inside the process (signals wait for the C code to
return): the check therefore runs in a child process, which is killed when the bound passes, and
the author gets a problem instead of a web worker held for minutes (issue 25).

The child is one long-lived process per parent (started on first use through forkserver, not
fork: the parent is a threaded web worker), so its sanitiser caches stay warm between saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Mapping
from multiprocessing.pool import Pool

from .loader import load_course_files
from .model import Course, Problem

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 10.0

_lock = threading.Lock()
_pool: Pool | None = None


def _get_pool() -> Pool:
    global _pool
    with _lock:
        if _pool is None:
            _pool = multiprocessing.get_context("forkserver").Pool(processes=1)
        return _pool


def _drop_pool(pool: Pool) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.terminate()  # kills the child that is still checking


def timeout_problem(slug: str, seconds: float) -> Problem:
    """The problem reported when the check of course SLUG was stopped."""
    return Problem(
        path=f"{slug}/course.md",
        line=0,
        severity="error",
        code="check-timeout",
        message=(
            f"la revisión del curso se detuvo porque tardó más de {seconds:g} segundos; "
            "guarda lo último que cambiaste en partes más pequeñas (una lección larga, una "
            "tabla o una lista muy largas) y vuelve a guardar"
        ),
    )


def load_course_files_bounded(
    slug: str,
    files: Mapping[str, bytes],
    *,
    base_url: str = "/cursos/",
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> tuple[Course | None, list[Problem]]:
    """load_course_files, in the checking process; past TIMEOUT seconds the check is killed
    and the course comes back as None with a check-timeout problem."""
    try:
        pool = _get_pool()
        pending = pool.apply_async(load_course_files, (slug, dict(files)), {"base_url": base_url})
    except (OSError, ValueError) as exc:  # no child process here: check in this process
        log.warning("course check runs in-process (%s)", exc)
        return load_course_files(slug, files, base_url=base_url)
    try:
        return pending.get(timeout)
    except multiprocessing.TimeoutError:
        log.error("course check of %s stopped after %s s", slug, timeout)
        _drop_pool(pool)
        return None, [timeout_problem(slug, timeout)]
