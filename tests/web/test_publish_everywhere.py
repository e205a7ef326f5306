"""A publish reaches every running process within seconds, without a restart (issue 15)."""

from __future__ import annotations

import re
import shutil

import pytest

from app.course_store import EXTENSION_KEY
from tests.helpers import FIXTURE_COURSES

LESSON = "/cursos/curso-prueba/01-que-es-una-cooperativa"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_workers(make_app, tmp_path):
    """Two app instances (two gunicorn workers) on one database and one courses folder."""
    courses = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / "curso-prueba", courses / "curso-prueba")
    settings = {
        "COURSES_DIR": str(courses),
        "COURSE_CACHE_DIR": str(tmp_path / "cache"),
        "COURSE_CHECK_SECONDS": 1.0,
        "PAGE_CACHE_SECONDS": 60,
    }
    workers = [make_app(**settings), make_app(**settings)]
    clocks = []
    for worker in workers:
        clock = Clock()
        worker.extensions[EXTENSION_KEY]["clock"] = clock
        clocks.append(clock)
    return workers, clocks, courses


def _retitle(courses, title: str) -> None:
    lesson = courses / "curso-prueba" / "01-que-es-una-cooperativa.md"
    text = re.sub(
        r"^titulo: .*$", f"titulo: {title}", lesson.read_text("utf-8"), count=1, flags=re.M
    )
    lesson.write_text(text, encoding="utf-8")


def test_a_publish_is_served_by_every_worker_within_a_second(two_workers):
    (publisher, other), clocks, courses = two_workers
    visitor = other.test_client()
    participant_view = other.test_client()
    assert "Título nuevo" not in visitor.get(LESSON).get_data(as_text=True)
    participant_view.get(LESSON)  # both pages now in the other worker's caches
    for clock in clocks:
        clock.now += 2
    visitor.get(LESSON)  # the first look reads the counter: nothing published yet
    _retitle(courses, "Título nuevo")
    result = publisher.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "en un par de segundos" in result.output
    # Within the same second the other worker may still answer from memory...
    clocks[1].now += 0.5
    # ...one second later it has looked at the counter, reloaded, and its caches dropped.
    clocks[1].now += 0.6
    assert "Título nuevo" in visitor.get(LESSON).get_data(as_text=True)
    assert "Título nuevo" in participant_view.get(LESSON).get_data(as_text=True)


def test_nothing_published_means_no_reload(two_workers, monkeypatch):
    (_publisher, other), clocks, _courses = two_workers
    store = other.extensions[EXTENSION_KEY]["store"]
    client = other.test_client()
    client.get(LESSON)
    calls = []
    monkeypatch.setattr(store, "refresh", lambda: calls.append(1) or [])
    for _ in range(5):
        clocks[1].now += 1.5
        assert client.get(LESSON).status_code == 200
    assert calls == []


def test_the_counter_is_read_at_most_once_per_interval(two_workers, monkeypatch):
    (_publisher, other), clocks, _courses = two_workers
    import app.course_store as course_store

    reads = []
    real = course_store._published_generation
    monkeypatch.setattr(course_store, "_published_generation", lambda: reads.append(1) or real())
    client = other.test_client()
    clocks[1].now += 5
    for _ in range(20):
        client.get(LESSON)
    assert len(reads) == 1
