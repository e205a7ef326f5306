"""The page cache of the loader (page_cache.py): a save renders again only the page it changed,
and a page taken from the cache gives exactly what rendering it gives."""

from __future__ import annotations

import pytest

from app.content import page_cache
from app.content.loader import load_course_files, read_folder
from app.content.page_cache import PageCache

from .helpers import COURSE_MD, FIXTURES, find, lesson

QUIZ = "::: prueba {id}\n### ¿Quién decide?\n- [x] La asamblea\n- [ ] Nadie\n:::\n\n"


@pytest.fixture
def cache(monkeypatch):
    fresh = PageCache(size=8)
    monkeypatch.setattr(page_cache, "PAGES", fresh)
    monkeypatch.setattr(page_cache.render_lesson_cached, "__defaults__", (fresh,))
    return fresh


def course_files(*lessons: str) -> dict[str, bytes]:
    """course.md and lessons 01-l1.md, 02-l2.md... with these texts."""
    files = {"course.md": COURSE_MD.encode()}
    files.update({f"{n:02d}-l{n}.md": text.encode() for n, text in enumerate(lessons, 1)})
    return files


def test_a_hit_gives_what_rendering_gives(cache):
    files = read_folder(FIXTURES / "courses" / "curso-prueba")
    cold = load_course_files("curso-prueba", files)
    assert cache.misses == 3 and cache.hits == 0
    warm = load_course_files("curso-prueba", files)
    assert cache.hits == 3
    assert repr(warm) == repr(cold) and warm[1] == cold[1]
    cache.clear()
    again = load_course_files("curso-prueba", files)
    assert repr(again) == repr(cold)


def test_a_hit_replays_problems_and_section_links(cache):
    files = course_files(
        lesson("## Inicio\n\n[ver](02-l2.md#c-no-existe)\n\n![](falta.png)\n"),
        lesson("## Tema\n\nTexto.\n"),
    )
    cold_course, cold = load_course_files("curso", files)
    _, warm = load_course_files("curso", files)
    assert cache.hits == 2
    assert warm == cold
    assert {p.code for p in warm} >= {"link-missing-section", "media-missing"}


def test_a_changed_file_is_rendered_again(cache):
    files = course_files(lesson("## Inicio\n\nPrimera.\n"), lesson("Dos.\n"))
    load_course_files("curso", files)
    files["01-l1.md"] = lesson("## Inicio\n\nSegunda.\n").encode()
    course, _ = load_course_files("curso", files)
    assert (cache.hits, cache.misses) == (1, 3)  # lesson 2 came from the cache
    assert "Segunda." in course.lessons[0].body[0].html
    assert "Primera." not in course.lessons[0].body[0].html


def test_a_change_elsewhere_in_the_course_renders_every_page_again(cache):
    # A new image changes what a page's links and images resolve to: a link to it that was
    # broken now works, so no page may come from the cache.
    files = course_files(lesson("![Foto del grupo](media/foto.png)\n"))
    _, before = load_course_files("curso", files)
    assert find(before, "media-missing")
    files["media/foto.png"] = b"\x89PNG"
    course, after = load_course_files("curso", files)
    assert cache.hits == 0
    assert find(after, "media-missing") == []
    assert "media/foto.png?v=" in course.lessons[0].body[0].html


def test_a_quiz_id_taken_by_an_earlier_page_is_reported_on_a_cached_page(cache):
    files = course_files(lesson("Uno.\n"), lesson(QUIZ.format(id="repaso")))
    course, problems = load_course_files("curso", files)
    assert course is not None and list(course.quizzes) == ["repaso"]
    files["01-l1.md"] = lesson(QUIZ.format(id="repaso")).encode()
    course, problems = load_course_files("curso", files)
    (duplicate,) = find(problems, "quiz-id-duplicate")
    assert duplicate.path == "curso/02-l2.md"
    assert course is None


def test_quizzes_of_a_cached_page_are_in_the_course(cache):
    files = course_files(lesson(QUIZ.format(id="a")), lesson(QUIZ.format(id="b")))
    cold, _ = load_course_files("curso", files)
    warm, _ = load_course_files("curso", files)
    assert cache.hits == 2
    assert list(warm.quizzes) == ["a", "b"] and warm.quizzes == cold.quizzes
    assert warm.lessons[1].quiz_ids == ("b",)


def test_the_cache_keeps_at_most_its_size():
    small = PageCache(size=2)
    for n in range(5):
        small.put((n,), object())  # type: ignore[arg-type]
    assert len(small) == 2
    assert small.get((0,)) is None and small.get((4,)) is not None
    small.get((3,))
    small.put((5,), object())  # type: ignore[arg-type]
    assert small.get((3,)) is not None and small.get((4,)) is None  # least recently used out


def test_the_process_cache_is_bounded():
    assert page_cache.PAGES.size == page_cache.PAGES_KEPT <= 1024


def test_a_file_read_again_with_the_same_bytes_is_not_parsed_again():
    from app.content.index import FILES_KEPT, read_source

    data = lesson("Texto.\n", fm="---\ntitulo: Uno\nclave_rara: x\n---\n").encode()
    first = read_source(data, "01-uno.md", "curso/01-uno.md", "lesson")
    assert read_source(data, "01-uno.md", "curso/01-uno.md", "lesson") is first
    assert first.meta["titulo"] == "Uno"
    assert [p.code for p in first.problems if p.severity == "error"] == ["front-matter-unknown-key"]
    changed = read_source(data.replace(b"Uno", b"Dos"), "01-uno.md", "curso/01-uno.md", "lesson")
    assert changed.meta["titulo"] == "Dos" and changed.digest != first.digest
    # The same bytes under another name are another file (problems name it).
    other = read_source(data, "02-dos.md", "curso/02-dos.md", "lesson")
    assert {p.path for p in other.problems} == {"curso/02-dos.md"}
    assert read_source.cache_info().maxsize == FILES_KEPT
