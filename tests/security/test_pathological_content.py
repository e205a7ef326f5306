"""Issue 25: no course a trainer can save makes the checker slow (regular-expression backtracking,
quadratic bookkeeping, tables hidden in quotes), and a check that still runs long is stopped.

Before the fix a quiz heading with 3,000 spaces took about 60 s, 20,000 spaces in an option, a
feedback line or a bad header line 2 to 6 s, 12,000 identical headings 18 to 25 s and a table of
14,000 rows inside a blockquote 11 s with no error. bench/bench_pathological.py times the same
corpus (bench/pathological.py); docs/performance.md records the figures before and after.
"""

from __future__ import annotations

import time

import pytest

from app.content import bounded
from app.content.grading import normalize_text_answer
from app.content.limits import MAX_PAGE_TOKENS, MAX_TABLE_ROWS
from app.content.loader import load_course_files
from bench.pathological import FAMILIES, REPORTED_SIZE, _course, _quiz, allowed_size

# The benchmark keeps every family under 2 s on this machine; the test allows three times that,
# because CI machines are shared and noisy. It is CPU time of this process (process_time): the
# work is what must stay bounded, not the wait for a busy core.
BOUND_SECONDS = 2.0
MARGIN = 3


def _check(files):
    started = time.process_time()
    course, problems = load_course_files("curso-lento", files)
    return time.process_time() - started, course, problems


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_pathological_family_checks_fast_at_the_largest_allowed_size(family):
    elapsed, _course_, problems = _check(FAMILIES[family](allowed_size(family)))
    assert elapsed < BOUND_SECONDS * MARGIN, (family, elapsed)
    assert all(p.code != "internal" for p in problems), problems
    assert all(p.code != "file-too-large" for p in problems), "the corpus must stay allowed"


@pytest.mark.parametrize("family", sorted(REPORTED_SIZE))
def test_the_sizes_the_review_reported_check_fast(family):
    size = min(REPORTED_SIZE[family], allowed_size(family))
    elapsed, _course_, _problems = _check(FAMILIES[family](size))
    assert elapsed < BOUND_SECONDS * MARGIN, (family, elapsed)


def test_a_quiz_heading_with_thousands_of_spaces_keeps_its_text():
    files = _course(_quiz("### ¿Pregunta a" + " " * 3_000 + "x? ##\n\n- [x] Sí\n- [ ] No\n"))
    elapsed, course, problems = _check(files)
    assert elapsed < BOUND_SECONDS * MARGIN
    assert [p for p in problems if p.severity == "error"] == []
    prompt = next(iter(course.quizzes.values())).questions[0].prompt_text
    assert prompt.startswith("¿Pregunta a")
    assert prompt.endswith("x?")  # the closing #s are gone, as before


@pytest.mark.parametrize(
    "table",
    [
        ">| a |\n>|---|\n" + ">| x |\n" * (MAX_TABLE_ROWS + 1),
        "- | a |\n  |---|\n" + "  | x |\n" * (MAX_TABLE_ROWS + 1),
        "> - | a |\n>   |---|\n" + ">   | x |\n" * (MAX_TABLE_ROWS + 1),
    ],
    ids=["blockquote", "list-item", "list-in-blockquote"],
)
def test_the_table_limit_holds_inside_quotes_and_list_items(table):
    _elapsed, course, problems = _check(_course("Antes.\n\n" + table))
    assert course is None
    rows = [p for p in problems if p.code == "table-too-many-rows"]
    assert len(rows) == 1, problems
    assert rows[0].path == "curso-lento/01-leccion.md"
    assert rows[0].line == 14  # the table's first line: 11 lines of head, «Antes.», a blank
    assert f"{MAX_TABLE_ROWS + 1} filas" in rows[0].message


def test_a_table_at_the_limit_inside_a_quote_is_fine():
    table = ">| a |\n>|---|\n" + ">| x |\n" * MAX_TABLE_ROWS
    _elapsed, course, problems = _check(_course(table))
    assert [p for p in problems if p.severity == "error"] == []
    assert course is not None


def test_a_page_with_too_many_elements_is_refused_at_its_line():
    body = "Párrafo.\n\n" * 20 + "a\n\n" * MAX_PAGE_TOKENS
    _elapsed, course, problems = _check(_course(body))
    assert course is None
    found = [p for p in problems if p.code == "page-too-complex"]
    assert len(found) == 1
    # 3 tokens a paragraph: the limit is passed a third of the way into the one-letter ones.
    assert 11 + 40 < found[0].line < 11 + 40 + 2 * MAX_PAGE_TOKENS // 3 + 10
    assert "divídela en varias lecciones" in found[0].message


def test_repeated_headings_still_get_the_same_ids():
    body = "## a\n\nx\n\n## a\n\nx\n\n## a 2\n\nx\n\n## a\n\nx\n\n## b\n\nx\n\n## a\n\nx\n"
    _elapsed, course, problems = _check(_course(body))
    assert [p for p in problems if p.severity == "error"] == []
    html = "".join(getattr(b, "html", "") for b in course.lessons[0].body)
    ids = [chunk.split('"')[1] for chunk in html.split(" id=")[1:]]
    assert ids == ["c-inicio", "c-a", "c-a-2", "c-a-2-2", "c-a-3", "c-b", "c-a-4"]


def test_a_missing_section_still_names_the_closest_one():
    body = "## Los principios\n\nx\n\n## Otra cosa\n\nVer [aquí](#c-los-principio).\n"
    _elapsed, _course_, problems = _check(_course(body))
    missing = [p for p in problems if p.code == "link-missing-section"]
    assert len(missing) == 1
    assert "usa una de sus secciones: #c-los-principios, #c-inicio, #c-otra-cosa" in (
        missing[0].message
    )


def test_a_text_answer_made_of_long_runs_of_punctuation_is_normalised_fast():
    started = time.process_time()
    assert normalize_text_answer("Siete" + "." * 50_000 + "x") == "siete" + "." * 50_000 + "x"
    assert normalize_text_answer("¿Siete?!... " + "  " * 20_000) == "siete"
    assert time.process_time() - started < 0.5


def test_a_check_past_its_bound_is_stopped_and_reported():
    files = FAMILIES["duplicate-headings"](2_000)
    course, problems = bounded.load_course_files_bounded("curso-lento", files, timeout=0.0001)
    assert course is None
    assert [p.code for p in problems] == ["check-timeout"]
    assert problems[0].path == "curso-lento/course.md"
    assert "se detuvo" in problems[0].message
    assert bounded._pool is None  # the child that was checking was killed
    # The next check starts a new child and works.
    course, problems = bounded.load_course_files_bounded("curso-lento", _course("Texto.\n"))
    assert course is not None
    assert [p for p in problems if p.severity == "error"] == []
