"""Courses served from the revisions stored in the database, by every app on it (issue 15)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from app.content.loader import read_folder
from app.course_store import EXTENSION_KEY, get_course_version
from app.extensions import db
from app.revisions import services as revisions
from tests.helpers import FIXTURE_COURSES

COURSE = "curso-prueba"
LESSON = "02-trabajo-en-equipo"
LESSON_URL = f"/cursos/{COURSE}/{LESSON}"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_hosts(make_app, tmp_path):
    """Two apps on one database, each with its own copy of the course folder and its own cache
    (two hosts: nothing on one's disk is seen by the other)."""
    hosts = []
    for name in ("a", "b"):
        root = tmp_path / name / "courses"
        shutil.copytree(FIXTURE_COURSES / COURSE, root / COURSE)
        app = make_app(
            COURSES_DIR=str(root),
            COURSE_CACHE_DIR=str(tmp_path / name / "cache"),
            COURSE_CHECK_SECONDS=1.0,
        )
        app.extensions[EXTENSION_KEY]["clock"] = Clock()
        hosts.append(app)
    return hosts


def _later(*apps) -> None:
    for app in apps:
        app.extensions[EXTENSION_KEY]["clock"].now += 2


def _publish(app, *, lesson_text: tuple[str, str] | None = None, extra=None):
    """Record, as app's trainer would, a revision that differs from the folders; publish it."""
    with app.app_context():
        files = read_folder(Path(app.config["COURSES_DIR"]) / COURSE)
        if lesson_text:
            old, new = lesson_text
            text = files[f"{LESSON}.md"].decode("utf-8")
            assert old in text
            files[f"{LESSON}.md"] = text.replace(old, new, 1).encode("utf-8")
        files.update(extra or {})
        revision, created = revisions.record_files(COURSE, files, note="prueba")
        assert created
        revisions.publish(revision)
        revisions.announce_publish()
        db.session.commit()
        return revision.version


def test_a_published_revision_is_served_by_another_host_not_its_folder(two_hosts):
    a, b = two_hosts
    reader = b.test_client()
    assert "Texto publicado desde otro servidor" not in reader.get(LESSON_URL).get_data(True)
    _publish(a, lesson_text=("## Por qué en equipo", "## Texto publicado desde otro servidor"))
    _later(b)
    page = reader.get(LESSON_URL).get_data(as_text=True)
    assert "Texto publicado desde otro servidor" in page
    # B's own folder still has the old text: what is served is the database's revision.
    folder = Path(b.config["COURSES_DIR"]) / COURSE / f"{LESSON}.md"
    assert "Texto publicado desde otro servidor" not in folder.read_text("utf-8")


def test_the_publishing_host_serves_it_on_the_next_request_without_waiting(make_app, two_hosts):
    a, _b = two_hosts
    a.config["COURSE_CHECK_SECONDS"] = 0  # no periodic check at all: only its own publish
    client = a.test_client()
    client.get(LESSON_URL)
    _publish(a, lesson_text=("## Por qué en equipo", "## Publicado aquí mismo"))
    assert "Publicado aquí mismo" in client.get(LESSON_URL).get_data(as_text=True)


def test_media_of_a_revision_reach_a_host_that_never_had_the_file(two_hosts):
    a, b = two_hosts
    _publish(
        a,
        lesson_text=(
            "## Por qué en equipo",
            "![Un punto](media/nuevo.png)\n\n## Por qué en equipo",
        ),
        extra={"media/nuevo.png": PNG},
    )
    assert not (Path(b.config["COURSES_DIR"]) / COURSE / "media" / "nuevo.png").exists()
    _later(b)
    reader = b.test_client()
    version = hashlib.sha256(PNG).hexdigest()[:12]
    src = f"/cursos/curso-prueba/archivos/media/nuevo.png?v={version}"
    assert f'src="{src}"' in reader.get(LESSON_URL).get_data(as_text=True)
    response = reader.get(f"/cursos/{COURSE}/archivos/media/nuevo.png")
    assert response.status_code == 200 and response.data == PNG


def test_a_withdrawn_course_is_not_served_even_with_its_folder_there(two_hosts):
    a, b = two_hosts
    _publish(a)
    with a.app_context():
        assert revisions.withdraw(COURSE)
        db.session.commit()
    _later(b)
    reader = b.test_client()
    assert reader.get(f"/cursos/{COURSE}/").status_code == 404
    assert reader.get(LESSON_URL).status_code == 404
    assert COURSE not in reader.get("/cursos/").get_data(as_text=True)


def test_sync_does_not_undo_a_withdrawal_when_the_folder_did_not_change(two_hosts):
    a, _b = two_hosts
    with a.app_context():
        a.test_cli_runner().invoke(args=["courses", "sync"])
        assert revisions.withdraw(COURSE)
        db.session.commit()
        result = a.test_cli_runner().invoke(args=["courses", "sync"])
        assert result.exit_code == 0, result.output
        assert revisions.published_revision(COURSE) is None
        db.session.remove()


def test_an_old_version_comes_from_the_database_on_a_host_that_never_cached_it(two_hosts):
    a, b = two_hosts
    first = _publish(a, lesson_text=("## Por qué", "## Primera versión publicada"))
    _publish(a, lesson_text=("## Por qué", "## Segunda versión publicada"))
    shutil.rmtree(b.config["COURSE_CACHE_DIR"], ignore_errors=True)
    with b.test_request_context():
        course = get_course_version(COURSE, first)
        assert course is not None and course.version == first
        assert "Primera versión publicada" in course.lesson(LESSON).plain_text
        assert get_course_version(COURSE, "000000000000") is None
