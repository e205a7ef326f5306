"""The loader's two passes (issue 20): an immutable course index, then each page rendered with a
fresh context against it; easy-read quizzes paired with the lesson's quizzes by id."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from app.content.index import build_index
from app.content.loader import load_course_files
from app.content.problems import Reporter

from .helpers import COURSE_MD, find, lesson

BROKEN = "::: prueba{id}\nSolo texto, sin preguntas.\n:::\n\n"  # no question: no quiz
GOOD = "::: prueba{id}\n### ¿Quién decide?\n- [x] La asamblea\n- [ ] Nadie\n:::\n\n"
EASY_GOOD = "::: prueba{id}\n### ¿Quién manda?\n- [x] La asamblea\n- [ ] Nadie\n:::\n\n"
EASY_OTHER = "::: prueba{id}\n### ¿Otra?\n- [x] Sí\n- [ ] No\n- [ ] Tal vez\n:::\n\n"


def load(full: str, easy: str | None = None):
    files = {"course.md": COURSE_MD.encode(), "01-uno.md": lesson(full, easy=False).encode()}
    if easy is not None:
        files["01-uno.lf.md"] = ("---\ntitulo: Fácil\n---\n\nTexto fácil.\n\n" + easy).encode()
    return load_course_files("curso", files)


def codes(problems, path: str):
    return [(p.line, p.code) for p in problems if p.path == path and p.severity == "error"]


def test_an_easy_block_without_id_is_the_quiz_in_the_same_place_even_when_that_one_is_broken():
    # Full: quiz 'a' is broken (reported in the full file), quiz 'b' is fine. The easy file
    # words both without ids: the first block is 'a' (skipped: its errors are the full
    # file's), the second is 'b'. Pairing by loaded position gave the first block to 'b' and
    # told the second one there was no quiz for it.
    full = BROKEN.format(id=" a") + GOOD.format(id=" b")
    easy = EASY_OTHER.format(id="") + EASY_GOOD.format(id="")
    course, problems = load(full, easy)
    assert course is None  # quiz 'a' is broken
    assert codes(problems, "curso/01-uno.lf.md") == []
    assert find(problems, "quiz-easy-unknown") == []
    _, fixed = load(GOOD.format(id=" a") + GOOD.format(id=" b"), easy.replace("¿Otra?", "¿Qué?"))
    assert find(fixed, "quiz-easy-unknown") == []


def test_the_easy_wording_of_the_second_quiz_is_checked_against_the_second_quiz():
    full = BROKEN.format(id=" a") + GOOD.format(id=" b")
    # The second easy block has three options: checked against 'b' (two options), refused.
    easy = EASY_GOOD.format(id="") + EASY_OTHER.format(id="")
    _, problems = load(full, easy)
    # The first block is quiz 'a' (broken, skipped); by loaded position it was taken as 'b'
    # and the second block was "unknown".
    assert codes(problems, "curso/01-uno.lf.md") == [(14, "quiz-easy-options")]


def test_an_easy_block_naming_a_broken_quiz_is_not_called_unknown():
    full = BROKEN.format(id=" a")
    _, problems = load(full, EASY_GOOD.format(id=" a"))
    assert find(problems, "quiz-easy-unknown") == []
    assert [p.code for p in problems if p.severity == "error"] == ["quiz-syntax", "quiz-empty"]


def test_an_easy_block_naming_no_quiz_of_the_lesson_is_still_refused():
    _, problems = load(GOOD.format(id=" a"), EASY_GOOD.format(id=" zeta"))
    (problem,) = find(problems, "quiz-easy-unknown")
    assert problem.path == "curso/01-uno.lf.md" and problem.line == 7
    assert "la lección no tiene una prueba con el id 'zeta'" in problem.message


def test_quizzes_without_id_are_named_by_their_place_not_by_how_many_loaded():
    # The second block is the lesson's second quiz ('uno-2') even though the first is broken:
    # before, it was named 'uno' again and refused as a duplicate of the broken one.
    _, problems = load(BROKEN.format(id="") + GOOD.format(id=""))
    assert find(problems, "quiz-id-duplicate") == []
    course, _ = load(GOOD.format(id="") + GOOD.format(id=""))
    assert course is not None and list(course.quizzes) == ["uno", "uno-2"]


def test_the_index_is_built_before_any_page_and_cannot_change():
    files = {
        "course.md": COURSE_MD.replace("horas: 1", "horas: 1\nidioma: es-CL").encode(),
        "01-uno.md": lesson(GOOD.format(id=" a")).encode(),
        "02-dos.md": lesson("Texto.\n").encode(),
        "02-dos.lf.md": b"---\ntitulo: F\n---\n\nTexto.\n",
        "media/foto.png": b"png",
    }
    rep = Reporter()
    index = build_index("curso", files, "curso", "/cursos/", rep)
    assert rep.problems == []
    assert [e.slug for e in index.lessons] == ["01-uno", "02-dos"]
    assert index.lessons[1].easy is not None and index.lessons[1].easy.meta["titulo"] == "F"
    assert index.lesson_slugs == {"01-uno", "02-dos"}
    assert index.language == "es-CL" and index.course_meta["titulo"] == "Curso"
    assert index.media == {"media/foto.png"}
    assert isinstance(index.media_hashes, MappingProxyType)
    with pytest.raises(dataclasses.FrozenInstanceError):
        index.language = "en"  # type: ignore[misc]
    with pytest.raises(TypeError):
        index.course_meta["titulo"] = "Otro"  # type: ignore[index]


def test_reading_problems_stay_with_their_file_in_page_order():
    # A lesson's reading problems (its header) come right before its rendering problems, after
    # the previous lesson's: the order authors read them in did not change with the split.
    files = {
        "course.md": COURSE_MD.encode(),
        "01-uno.md": lesson("![](falta.png)\n").encode(),
        "02-dos.md": lesson("Texto.\n", fm="---\nminutos: 5\n---\n").encode(),
    }
    _, problems = load_course_files("curso", files)
    order = [(p.path, p.code) for p in problems if p.severity == "error"]
    assert order.index(("curso/01-uno.md", "media-missing")) < order.index(
        ("curso/02-dos.md", "front-matter-missing-key")
    )
