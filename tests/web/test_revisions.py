"""Course versions kept in the database: sync records them, export writes them back (issue 15)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.content import check_paths
from app.content.loader import course_version
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseBlob, CourseRevision
from tests.helpers import FIXTURE_COURSES

SHIPPED = Path(__file__).resolve().parents[2] / "courses"
COURSE = "curso-prueba"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def folder_app(make_app, tmp_path):
    """An app on a copy of the fixture course, with its context pushed (the CLI runs in the
    current app: with another app's context it would sync that app's folder)."""
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / COURSE, root / COURSE)
    app = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    with app.app_context():
        yield app, root
        db.session.remove()


def test_sync_records_each_good_folder_as_a_published_revision(folder_app):
    app, root = folder_app
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "revisión 1 guardada" in result.output
    revision = revisions.published_revision(COURSE)
    assert revision is not None and revision.number == 1
    assert revision.author_label == "carpeta courses/"
    assert revision.version == course_version(root / COURSE)
    blobs = _count(CourseBlob)
    # Nothing changed: no new revision, no new blob.
    app.test_cli_runner().invoke(args=["courses", "sync"])
    assert _count(CourseRevision) == 1 and _count(CourseBlob) == blobs
    # One lesson changed: revision 2 is published, and only that file is stored again.
    lesson = root / COURSE / "02-trabajo-en-equipo.md"
    lesson.write_text(lesson.read_text("utf-8") + "\nUn párrafo nuevo.\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert "revisión 2 guardada" in result.output
    assert revisions.published_revision(COURSE).number == 2
    assert _count(CourseBlob) == blobs + 1
    db.session.expire_all()
    files = revisions.revision_files(revisions.revisions_of(COURSE)[-1])
    assert b"Un p" not in files["02-trabajo-en-equipo.md"]  # revision 1 is unchanged


def test_a_broken_folder_is_not_recorded_and_a_draft_is_not_published(folder_app):
    app, root = folder_app
    course_md = root / COURSE / "course.md"
    course_md.write_text(
        course_md.read_text("utf-8").replace("estado: publicado", "estado: borrador"),
        encoding="utf-8",
    )
    app.test_cli_runner().invoke(args=["courses", "sync"])
    assert _count(CourseRevision) == 1
    assert revisions.published_revision(COURSE) is None
    (root / COURSE / "01-que-es-una-cooperativa.md").write_text("---\ntitulo: [roto\n---\n")
    result = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 1
    assert _count(CourseRevision) == 1  # the broken folder is not a revision


def test_export_writes_the_revision_back_as_a_folder(folder_app, tmp_path):
    app, root = folder_app
    runner = app.test_cli_runner()
    runner.invoke(args=["courses", "sync"])
    out = tmp_path / "export"
    result = runner.invoke(args=["courses", "export", COURSE, str(out)])
    assert result.exit_code == 0, result.output
    assert f"{COURSE}: revisión 1" in result.output
    assert course_version(out / COURSE) == course_version(root / COURSE)
    again = runner.invoke(args=["courses", "export", COURSE, str(out)])
    assert again.exit_code != 0 and "ya existe" in again.output
    missing = runner.invoke(args=["courses", "export", "no-existe", str(tmp_path / "x")])
    assert missing.exit_code != 0
    assert "no hay revisiones guardadas de 'no-existe'" in missing.output


def test_the_shipped_courses_round_trip(make_app, tmp_path):
    """sync -> export -> check gives the same course, for every shipped course."""
    app = make_app(COURSES_DIR=str(SHIPPED), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    with app.app_context():
        _round_trip(app, tmp_path)
        db.session.remove()


def _round_trip(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    slugs = sorted(p.parent.name for p in SHIPPED.glob("*/course.md"))
    assert len(slugs) >= 11
    out = tmp_path / "export"
    for slug in slugs:
        exported = runner.invoke(args=["courses", "export", slug, str(out)])
        assert exported.exit_code == 0, exported.output
        assert course_version(out / slug) == course_version(SHIPPED / slug), slug
    problems = check_paths([out])
    assert [p for p in problems if p.severity == "error"] == []
    assert len([p for p in problems if p.severity == "warning"]) == len(
        [p for p in check_paths([SHIPPED]) if p.severity == "warning"]
    )
    assert all(
        re.fullmatch(r"[0-9a-f]{12}", r.version) for r in db.session.scalars(select(CourseRevision))
    )
