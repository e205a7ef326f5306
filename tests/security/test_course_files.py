"""Course folders publish only their own files, from the version being shown (issue 13)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app.content import CourseStore, check_paths, load_course

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "courses"
COURSE = "curso-prueba"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURES / COURSE, root / COURSE)
    return root


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secreto.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text("root:x:0:0:SECRETO\n", encoding="utf-8")
    return secret


def _touch_later(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.mark.nodb
def test_media_symlink_outside_the_course_is_an_error(tmp_path):
    """Issue 13 finding 2: a media symlink to a server file no longer passes the check."""
    root = _copy(tmp_path)
    (root / COURSE / "media" / "datos.txt").symlink_to(_secret(tmp_path))
    problems = check_paths([root])
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.path, p.code) for p in errors] == [(f"{COURSE}/media/datos.txt", "symlink-outside")]
    assert "enlace simbólico" in errors[0].message
    assert all("SECRETO" not in p.message for p in problems)
    course, _found = load_course(root / COURSE)
    assert course is None


@pytest.mark.nodb
def test_lesson_symlink_outside_the_course_is_an_error(tmp_path):
    """Issue 13 finding 2: a lesson .md symlinked outside courses/ is refused, never read."""
    root = _copy(tmp_path)
    (root / COURSE / "04-fuga.md").symlink_to(_secret(tmp_path))
    problems = check_paths([root])
    assert [(p.path, p.code) for p in problems if p.severity == "error"] == [
        (f"{COURSE}/04-fuga.md", "symlink-outside")
    ]
    assert all("SECRETO" not in p.message for p in problems)


@pytest.mark.nodb
def test_course_folder_that_is_a_symlink_outside_is_an_error(tmp_path):
    """Issue 13 finding 2: a course folder that is itself a symlink elsewhere is refused."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(FIXTURES / COURSE, elsewhere / COURSE)
    root = tmp_path / "courses"
    root.mkdir()
    (root / COURSE).symlink_to(elsewhere / COURSE)
    problems = check_paths([root])
    assert any(p.code == "symlink-outside" and p.severity == "error" for p in problems)
    assert CourseStore(root).load().get(COURSE) is None


@pytest.mark.nodb
def test_symlink_inside_the_course_is_fine(tmp_path):
    root = _copy(tmp_path)
    (root / COURSE / "media" / "otra.png").symlink_to(root / COURSE / "media" / "asamblea.png")
    course, problems = load_course(root / COURSE)
    assert course is not None
    assert "media/otra.png" in course.media_files
    assert not [p for p in problems if p.severity == "error"]


def test_symlinked_server_file_is_not_served(make_app, tmp_path):
    """Issue 13 finding 2: /cursos/<curso>/archivos/... never serves a file outside the course."""
    root = _copy(tmp_path)
    app = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    # Published first, then the link appears: the running server must not serve it either.
    (root / COURSE / "media" / "datos.txt").symlink_to(_secret(tmp_path))
    (root / COURSE / "media" / "datos.png").symlink_to(_secret(tmp_path))
    client = app.test_client()
    assert client.get(f"/cursos/{COURSE}/archivos/media/datos.txt").status_code == 404
    assert client.get(f"/cursos/{COURSE}/archivos/media/datos.png").status_code == 404
    fresh = make_app(
        COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache2"), COURSE_RELOAD_SECONDS=0
    )
    response = fresh.test_client().get(f"/cursos/{COURSE}/archivos/media/datos.png")
    assert response.status_code == 404
    assert b"SECRETO" not in response.data


def test_media_comes_from_the_version_shown_not_the_live_folder(make_app, tmp_path):
    """Issue 13 finding 2: editing a media file does not change the published version's media."""
    root = _copy(tmp_path)
    app = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    client = app.test_client()
    url = f"/cursos/{COURSE}/archivos/media/asamblea.png"
    original = (root / COURSE / "media" / "asamblea.png").read_bytes()
    first = client.get(url)
    assert first.status_code == 200
    assert first.data == original
    assert first.mimetype == "image/png"
    _touch_later(root / COURSE / "media" / "asamblea.png", b"\x89PNG\r\n\x1a\nOTRA IMAGEN")
    # No reload has happened (COURSE_RELOAD_SECONDS is 0 in tests): the version shown is the
    # old one, and so are its bytes.
    again = client.get(url)
    assert again.status_code == 200
    assert again.data == original
    # Deleting the live file does not break the published version either.
    (root / COURSE / "media" / "asamblea.png").unlink()
    assert client.get(url).data == original


@pytest.mark.nodb
def test_fallback_is_the_last_published_version(tmp_path):
    """Issue 13 finding 15: v1 → v2 → back to v1 → broken falls back to v1, as published last."""
    src = _copy(tmp_path)
    cache = tmp_path / "cache"
    lesson = src / COURSE / "02-trabajo-en-equipo.md"
    v1_text = lesson.read_bytes()
    store = CourseStore(src, cache).load()
    v1 = store.get(COURSE).version
    _touch_later(lesson, v1_text.replace(b"equipo", b"grupo", 1))
    store.refresh()
    v2 = store.get(COURSE).version
    assert v2 != v1
    _touch_later(lesson, v1_text)  # back to v1, which is already in the cache
    store.refresh()
    assert store.get(COURSE).version == v1
    assert (cache / f"{COURSE}.latest").read_text() == v1
    _touch_later(lesson, b"---\ntitulo: [roto\n---\n")
    store.refresh()
    assert store.get(COURSE).version == v1
    fresh = CourseStore(src, cache).load()
    assert fresh.get(COURSE) is not None
    assert fresh.get(COURSE).version == v1


@pytest.mark.nodb
def test_a_draft_never_becomes_the_fallback(tmp_path):
    """Issue 13 finding 15: a draft loaded after a publish does not replace the fallback."""
    src = _copy(tmp_path)
    cache = tmp_path / "cache"
    course_md = src / COURSE / "course.md"
    published = course_md.read_text(encoding="utf-8")
    store = CourseStore(src, cache).load()
    v1 = store.get(COURSE).version
    _touch_later(course_md, published.replace("estado: publicado", "estado: borrador").encode())
    store.refresh()
    assert store.get(COURSE).status == "draft"
    assert (cache / f"{COURSE}.latest").read_text() == v1
