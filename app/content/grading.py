"""Grade quiz answers: pure functions, never an exception on malformed answers."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .model import Question, Quiz
from .textutil import strip_accents

_SPACES = re.compile(r"\s+")
# Final punctuation a participant may or may not type: "Siete." == "siete"
# Starts only where a run of such characters starts (a search from every position inside a long
# run was quadratic; issue 25).
_TRAILING = re.compile(r"(?<![\s.,;:!?¡¿…\"'()«»\-])[\s.,;:!?¡¿…\"'()«»\-]++$")
_LEADING = re.compile(r"^[\s¡¿\"'(«]+")


@dataclass(frozen=True)
class QuestionResult:
    correct: bool
    points: int  # points earned (0 or the question's points)


@dataclass(frozen=True)
class QuizResult:
    score: int
    max_score: int
    percent: int  # floor of score / max_score * 100
    passed: bool
    questions: tuple[QuestionResult, ...]

    def by_question(self, quiz: Quiz) -> dict[str, dict]:
        """{question key: {"correct", "points"}} as an attempt stores it and the pages read it."""
        return {
            q.key: {"correct": r.correct, "points": r.points}
            for q, r in zip(quiz.questions, self.questions, strict=True)
        }


def normalize_text_answer(text: Any) -> str:
    """Lowercase, drop accents, collapse spaces and strip surrounding punctuation."""
    if not isinstance(text, str):
        return ""
    plain = _SPACES.sub(" ", strip_accents(text).casefold()).strip()
    plain = _TRAILING.sub("", plain)
    return _LEADING.sub("", plain)


def _is_correct(question: Question, answer: Any) -> bool:
    kind = question.kind
    if kind in ("single", "true_false"):
        if not isinstance(answer, str):
            return False
        return any(o.key == answer and o.correct for o in question.options)
    if kind == "multiple":
        if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
            return False
        chosen = list(answer)
        if not all(isinstance(k, str) for k in chosen) or len(set(chosen)) != len(chosen):
            return False
        return set(chosen) == {o.key for o in question.options if o.correct}
    if kind == "text":
        given = normalize_text_answer(answer)
        return bool(given) and any(given == normalize_text_answer(a) for a in question.answers)
    if kind == "ordering":
        if isinstance(answer, Mapping):
            answer = ordering_answer(answer)
        if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
            return False
        return list(answer) == [o.key for o in question.options]
    return False


def grade_question(question: Question, answer: Any) -> QuestionResult:
    """Grade one answer; anything malformed is simply wrong."""
    try:
        correct = _is_correct(question, answer)
    except Exception:  # noqa: BLE001 - odd answer objects must never break grading
        correct = False
    return QuestionResult(correct, question.points if correct else 0)


def ordering_answer(positions: Mapping[str, Any]) -> list[str] | None:
    """Turn {option: position}, as an attempt stores it, into the options in the chosen order.

    None when two options share a position or a position is not a whole number: that is no
    order at all, so it cannot be right (however the option keys happen to sort).
    """
    if not all(type(p) is int for p in positions.values()):
        return None
    if len(set(positions.values())) != len(positions):
        return None
    return [key for key, _pos in sorted(positions.items(), key=lambda kv: kv[1])]


def read_posted_answers(quiz: Quiz, form: Mapping[str, Iterable[str]]) -> dict:
    """The answers to QUIZ in a posted form (name -> list of values), as an attempt stores them.

    The one reader of quiz forms, for attempts and previews alike: a choice is an option key,
    multiple choice a sorted list of keys, text at most 500 characters, ordering
    {option: position}. Unknown names, and values that are no option of the question, are
    ignored.
    """
    answers: dict = {}
    for question in quiz.questions:
        name = f"q-{question.key}"
        keys = {o.key for o in question.options}
        if question.kind in ("single", "true_false"):
            values = [v for v in form.get(name, []) if v in keys]
            if values:
                answers[question.key] = values[0]
        elif question.kind == "multiple":
            if name in form or f"{name}-present" in form:
                answers[question.key] = sorted({v for v in form.get(name, []) if v in keys})
        elif question.kind == "text":
            values = list(form.get(name, []))
            if values:
                answers[question.key] = values[0][:500]
        elif question.kind == "ordering":
            positions = {}
            for option in question.options:
                raw = next(iter(form.get(f"{name}-{option.key}") or [""]), "")
                if raw.isascii() and raw.isdigit() and len(raw) <= 4:  # "²" is a digit too
                    positions[option.key] = int(raw)
            if positions:
                answers[question.key] = positions
    return answers


def grade_answers(quiz: Quiz, answers: Mapping[str, Any]) -> QuizResult:
    """Grade ANSWERS to every question of QUIZ; missing or malformed answers count as wrong.

    The one grading entry point, for attempts (their stored answers), the workshop's preview
    (what `read_posted_answers` reads from its form) and any other caller. An ordering answer
    is the stored {option: position} or the list of option keys in order.
    """
    if not isinstance(answers, Mapping):
        answers = {}
    results = tuple(grade_question(q, answers.get(q.key)) for q in quiz.questions)
    score = sum(r.points for r in results)
    max_score = quiz.max_score
    percent = (score * 100) // max_score if max_score else 0
    return QuizResult(score, max_score, percent, percent >= quiz.passing_score, results)


def _shuffle(question: Question, seed: str) -> list[str]:
    keys = [o.key for o in question.options]
    digest = hashlib.sha256(f"{seed}\0{question.key}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))  # not for security: display only
    rng.shuffle(keys)
    return keys


def shuffled_order(question: Question, seed: str) -> tuple[str, ...]:
    """Deterministic display order of option keys; for ordering never the right order."""
    keys = [o.key for o in question.options]
    if len(keys) < 2:
        return tuple(keys)
    order = _shuffle(question, seed)
    if order == keys:
        # Rotate by one so an ordering question never starts solved.
        order = order[1:] + order[:1]
    return tuple(order)


def display_order(question: Question, seed: str) -> tuple[str, ...]:
    """The order one attempt shows a question's options in: the same SEED, the same order.

    Choice options are shuffled, so the place of the right answer tells nothing (authors tend to
    put it second); grading goes by option key, never by position. True/false keeps the order
    the author wrote (Verdadero, Falso), which readers expect; ordering never starts solved.
    """
    if question.kind == "ordering":
        return shuffled_order(question, seed)
    if question.kind in ("single", "multiple"):
        return tuple(_shuffle(question, seed))
    return tuple(o.key for o in question.options)
