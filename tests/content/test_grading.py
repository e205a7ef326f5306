"""Grading of every question kind; malformed answers are wrong, never an exception."""

from __future__ import annotations

import pytest

from app.content import (
    grade_answers,
    grade_question,
    load_course,
    normalize_text_answer,
    read_posted_answers,
    shuffled_order,
)
from app.content.model import Option, Question, Quiz

from .helpers import FIXTURES


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    course, _ = load_course(FIXTURES / "courses" / "curso-prueba")
    return course.quizzes["repaso-cooperativas"]


def q(quiz, key):
    return next(x for x in quiz.questions if x.key == key)


def test_single(quiz):
    assert grade_question(q(quiz, "p1"), "b").correct
    assert grade_question(q(quiz, "p1"), "b").points == 2
    assert not grade_question(q(quiz, "p1"), "a").correct
    assert grade_question(q(quiz, "p1"), "a").points == 0


def test_multiple_is_all_or_nothing(quiz):
    p2 = q(quiz, "p2")
    assert grade_question(p2, ["a", "b"]).correct
    assert grade_question(p2, {"b", "a"}).correct
    assert not grade_question(p2, ["a"]).correct
    assert not grade_question(p2, ["a", "b", "c"]).correct
    assert not grade_question(p2, ["a", "a", "b"]).correct
    assert not grade_question(p2, "ab").correct


def test_true_false(quiz):
    assert grade_question(q(quiz, "p3"), "b").correct
    assert not grade_question(q(quiz, "p3"), "a").correct


@pytest.mark.parametrize(
    "answer",
    [
        "asamblea",
        "Asamblea",
        "  ASAMBLEA. ",
        "asámblea",
        "Asamblea   General!",
        "asamblea\tgeneral",
        "¿Asamblea?",
    ],
)
def test_text_accepts_variants(quiz, answer):
    assert grade_question(q(quiz, "p4"), answer).correct


@pytest.mark.parametrize("answer", ["", "   ", "asambleas", "la asamblea", None, 3, ["asamblea"]])
def test_text_rejects(quiz, answer):
    assert not grade_question(q(quiz, "p4"), answer).correct


def test_ordering(quiz):
    p5 = q(quiz, "p5")
    right = [o.key for o in p5.options]
    assert grade_question(p5, right).correct
    assert grade_question(p5, tuple(right)).correct
    assert not grade_question(p5, list(reversed(right))).correct
    assert not grade_question(p5, right[:2]).correct


@pytest.mark.parametrize("answer", [None, 1, 2.5, object(), {"x": 1}, b"b", ["b"], {"b"}])
def test_malformed_answers_are_wrong(quiz, answer):
    for question in quiz.questions:
        if question.kind != "multiple" or answer not in (["b"], {"b"}):
            result = grade_question(question, answer)
            assert result.points == 0 or question.kind == "multiple"


def test_grade_quiz(quiz):
    right = {
        "p1": "b",
        "p2": ["a", "b"],
        "p3": "b",
        "p4": "Asamblea",
        "p5": [o.key for o in q(quiz, "p5").options],
    }
    result = grade_answers(quiz, right)
    assert (result.score, result.max_score, result.percent, result.passed) == (6, 6, 100, True)
    half = {**right, "p1": "a"}  # loses 2 of 6 points -> 66 %
    result = grade_answers(quiz, half)
    assert (result.score, result.percent, result.passed) == (4, 66, True)
    result = grade_answers(quiz, {"p2": ["a", "b"], "p3": "b"})
    assert (result.score, result.percent, result.passed) == (2, 33, False)
    assert [r.correct for r in result.questions] == [False, True, True, False, False]
    assert grade_answers(quiz, {}).score == 0
    assert grade_answers(quiz, None).score == 0  # type: ignore[arg-type]


def test_passing_threshold_is_inclusive():
    options = (Option("a", "A", "A", True), Option("b", "B", "B", False))
    questions = tuple(Question(f"p{i}", "single", "x", "x", options) for i in range(1, 6))
    quiz_ = Quiz("q", "Q", questions, passing_score=60)
    answers = {"p1": "a", "p2": "a", "p3": "a"}
    assert grade_answers(quiz_, answers).passed  # exactly 60 %
    assert not grade_answers(quiz_, {"p1": "a", "p2": "a"}).passed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Árbol  ", "arbol"),
        ("CORAZÓN.", "corazon"),
        ("niño   feliz!!", "nino feliz"),
        ("¿Qué?", "que"),
        ("ﬁn", "fin"),
    ],
)
def test_normalize_text_answer(raw, expected):
    assert normalize_text_answer(raw) == expected


def test_shuffled_order_deterministic_and_never_right():
    for n in range(2, 7):
        options = tuple(Option(chr(97 + i), "x", "x", True) for i in range(n))
        question = Question("p1", "ordering", "x", "x", options)
        right = tuple(o.key for o in options)
        seen = set()
        for seed in range(60):
            order = shuffled_order(question, f"attempt-{seed}")
            assert order == shuffled_order(question, f"attempt-{seed}")
            assert sorted(order) == sorted(right)
            assert order != right
            seen.add(order)
        if n > 2:
            assert len(seen) > 1


def test_shuffled_order_single_item():
    question = Question("p1", "ordering", "x", "x", (Option("a", "x", "x", True),))
    assert shuffled_order(question, "s") == ("a",)


# --- one grading path: stored and posted answers (issue 20) -------------------------------------
def _ordering_quiz(keys: str) -> Quiz:
    options = tuple(Option(k, k, k, False) for k in keys)
    return Quiz("q", "Q", (Question("p1", "ordering", "x", "x", options),), passing_score=100)


def test_grade_answers_takes_ordering_positions_as_an_attempt_stores_them(quiz):
    right = {"b": 1, "a": 2, "c": 3}  # p5 is written b, a, c
    assert grade_answers(quiz, {"p5": right}).questions[4].correct
    assert grade_answers(quiz, {"p5": {"c": 30, "b": 10, "a": 20}}).questions[4].correct
    assert not grade_answers(quiz, {"p5": {"b": 3, "a": 2, "c": 1}}).questions[4].correct
    assert not grade_answers(quiz, {"p5": {"b": 1, "a": 2}}).questions[4].correct


@pytest.mark.parametrize(
    "positions",
    [
        {"a": 1, "b": 1, "c": 1},  # every option first: sorted by key this was a, b, c
        {"a": 1, "b": 2, "c": 2},
        {"a": "1", "b": "2", "c": "3"},
        {"a": True, "b": 2, "c": 3},
        {"a": 1.0, "b": 2, "c": 3},
    ],
)
def test_an_ordering_without_one_place_per_option_is_wrong(positions):
    assert not grade_answers(_ordering_quiz("abc"), {"p1": positions}).passed


def test_read_posted_answers_reads_every_kind(quiz):
    form = {
        "q-p1": ["b", "a"],
        "q-p2": ["a", "zz", "b", "a"],
        "q-p3-present": ["1"],
        "q-p4": ["x" * 600],
        "q-p5-b": ["1"],
        "q-p5-a": ["2"],
        "q-p5-c": [""],
        "q-otra": ["a"],
    }
    assert read_posted_answers(quiz, form) == {
        "p1": "b",
        "p2": ["a", "b"],
        "p4": "x" * 500,
        "p5": {"b": 1, "a": 2},
    }
    assert read_posted_answers(quiz, {"q-p2-present": ["1"]}) == {"p2": []}


@pytest.mark.parametrize("raw", ["²", "١", "9" * 5000, "-1", " 2", "2.0"])
def test_a_position_that_is_no_plain_number_is_left_out_not_a_crash(quiz, raw):
    form = {"q-p5-b": [raw], "q-p5-a": ["2"], "q-p5-c": ["3"]}
    assert read_posted_answers(quiz, form) == {"p5": {"a": 2, "c": 3}}
    assert not grade_answers(quiz, read_posted_answers(quiz, form)).questions[4].correct


def test_posted_and_stored_answers_grade_the_same(quiz):
    form = {"q-p1": ["b"], "q-p2": ["a", "b"], "q-p3": ["b"], "q-p4": ["asamblea"]}
    form |= {"q-p5-b": ["3"], "q-p5-a": ["2"], "q-p5-c": ["1"]}
    posted = read_posted_answers(quiz, form)
    result = grade_answers(quiz, posted)
    assert [r.correct for r in result.questions] == [True, True, True, True, False]
    assert result.by_question(quiz)["p5"] == {"correct": False, "points": 0}
    assert result.by_question(quiz)["p1"] == {"correct": True, "points": 2}
