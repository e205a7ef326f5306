"""CourseStore: last good version kept, pickle cache used across restarts, cheap refresh."""

from __future__ import annotations

import os
import shutil

from app.content import CourseStore
from app.content import loader as loader_module

from .helpers import COURSE_MD, FIXTURES, lesson


def write(root, slug, files):
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in {"course.md": COURSE_MD.replace("Curso", slug.title()), **files}.items():
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


def touch_later(path, text):
    # mtime resolution can be coarse; make sure the change is visible to the fingerprint
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_load_get_published_all(tmp_path):
    src = tmp_path / "courses"
    write(src, "beta", {"01-a.md": lesson("Hola.\n")})
    draft = COURSE_MD.replace("---\n\nIntro", "estado: borrador\n---\n\nIntro").replace(
        "titulo: Curso", "titulo: Álamo"
    )
    write(src, "alfa", {"01-a.md": lesson("Hola.\n"), "course.md": draft})
    store = CourseStore(src).load()
    assert store.get("beta").title == "Beta"
    assert store.get("nada") is None
    assert [c.slug for c in store.published()] == ["beta"]
    assert [c.slug for c in store.all()] == ["alfa", "beta"]
    assert store.problems == ()


def test_broken_course_keeps_last_good_version(tmp_path):
    src = tmp_path / "courses"
    folder = write(src, "coop", {"01-a.md": lesson("Primera versión.\n")})
    store = CourseStore(src, tmp_path / "cache").load()
    good = store.get("coop")
    touch_later(folder / "01-a.md", "---\ntitulo: [roto\n---\n")
    assert store.refresh() == ["coop"]
    assert store.get("coop") is good
    assert any(p.code == "front-matter-yaml" for p in store.problems)
    # A fresh process (new store) also serves the last good version from the cache.
    fresh = CourseStore(src, tmp_path / "cache").load()
    assert fresh.get("coop").version == good.version
    assert "Primera versión" in fresh.get("coop").lessons[0].body[0].html
    assert any(p.severity == "error" for p in fresh.problems)
    # Without a cache, a new process has nothing good to serve.
    assert CourseStore(src).load().get("coop") is None


def test_fixed_course_replaces_old_version(tmp_path):
    src = tmp_path / "courses"
    folder = write(src, "coop", {"01-a.md": lesson("Uno.\n")})
    store = CourseStore(src, tmp_path / "cache").load()
    old = store.get("coop").version
    touch_later(folder / "01-a.md", lesson("Dos.\n"))
    store.refresh()
    assert store.get("coop").version != old
    assert "Dos." in store.get("coop").lessons[0].body[0].html
    new = store.get("coop").version
    pickles = sorted(p.name for p in (tmp_path / "cache").glob("coop-*.pickle"))
    # The old version stays in the cache: attempts started on it are graded against it.
    assert pickles == sorted([f"coop-{old}.pickle", f"coop-{new}.pickle"])
    assert (tmp_path / "cache" / "coop.latest").read_text() == new
    assert store.get_version("coop", old).version == old
    assert "Uno." in store.get_version("coop", old).lessons[0].body[0].html
    assert store.get_version("coop", "000000000000") is None


def test_pickle_cache_avoids_parsing(tmp_path, monkeypatch):
    src = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses" / "curso-prueba", src / "curso-prueba")
    first = CourseStore(src, tmp_path / "cache").load()
    assert first.cache_hits == 0
    version = first.get("curso-prueba").version
    assert (tmp_path / "cache" / f"curso-prueba-{version}.pickle").is_file()

    def boom(*args, **kwargs):
        raise AssertionError("should not parse")

    monkeypatch.setattr("app.content.store.load_many", boom)
    second = CourseStore(src, tmp_path / "cache").load()
    assert second.cache_hits == 1
    assert second.get("curso-prueba") == first.get("curso-prueba")
    assert second.get("curso-prueba").lesson("02-trabajo-en-equipo") is not None


def test_cache_ignored_for_other_base_url_or_corrupt(tmp_path):
    src = tmp_path / "courses"
    write(src, "coop", {"01-a.md": lesson("Uno.\n")})
    CourseStore(src, tmp_path / "cache").load()
    other = CourseStore(src, tmp_path / "cache", base_url="/otro/").load()
    assert other.cache_hits == 0
    for pickle_file in (tmp_path / "cache").glob("*.pickle"):
        pickle_file.write_bytes(b"garbage")
    again = CourseStore(src, tmp_path / "cache", base_url="/otro/").load()
    assert again.get("coop") is not None and again.cache_hits == 0


def test_refresh_only_reloads_changed_folders(tmp_path, monkeypatch):
    src = tmp_path / "courses"
    write(src, "uno", {"01-a.md": lesson("Uno.\n")})
    folder = write(src, "dos", {"01-a.md": lesson("Dos.\n")})
    store = CourseStore(src).load()
    calls = []
    real = loader_module.load_many

    def spy(folders, *args, **kwargs):
        calls.extend(f.name for f in folders)
        return real(folders, *args, **kwargs)

    monkeypatch.setattr("app.content.store.load_many", spy)
    assert store.refresh() == []
    assert calls == []
    touch_later(folder / "01-a.md", lesson("Dos, cambiado.\n"))
    assert store.refresh() == ["dos"]
    assert calls == ["dos"]


def test_refresh_sees_new_and_removed_courses(tmp_path):
    src = tmp_path / "courses"
    write(src, "uno", {"01-a.md": lesson("Uno.\n")})
    store = CourseStore(src).load()
    write(src, "nuevo", {"01-a.md": lesson("Nuevo.\n")})
    assert store.refresh() == ["nuevo"]
    shutil.rmtree(src / "uno")
    assert store.refresh() == ["uno"]
    assert store.get("uno") is None and store.get("nuevo") is not None


def test_lookups_read_memory_only(tmp_path, monkeypatch):
    """A lookup never parses nor touches the files (its speed is measured in bench/)."""
    src = tmp_path / "courses"
    shutil.copytree(FIXTURES / "courses" / "curso-prueba", src / "curso-prueba")
    store = CourseStore(src).load()

    def refuse(*_args, **_kwargs):
        raise AssertionError("a lookup read the course files")

    monkeypatch.setattr(loader_module, "load_course", refuse)
    monkeypatch.setattr(loader_module, "list_files", refuse)
    shutil.rmtree(src)
    for _ in range(3):
        assert store.get("curso-prueba").lesson("03-prueba-final") is not None
    assert [c.slug for c in store.published()] == ["curso-prueba"]


def test_missing_source_dir(tmp_path):
    store = CourseStore(tmp_path / "nada").load()
    assert store.all() == [] and store.problems[0].code == "no-root"


def test_parallel_load_matches_sequential(tmp_path):
    src = tmp_path / "courses"
    for n in range(9):
        write(src, f"c{n}", {"01-a.md": lesson(f"Curso {n}.\n")})
    write(src, "roto", {"01-a.md": "---\ntitulo: [\n---\n"})
    parallel = CourseStore(src, workers=2).load()
    sequential = CourseStore(src, workers=1).load()
    assert [c.slug for c in parallel.all()] == [c.slug for c in sequential.all()]
    assert parallel.get("c3") == sequential.get("c3")
    assert parallel.problems == sequential.problems
    assert parallel.get("roto") is None
