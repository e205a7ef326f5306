"""Answers to a quiz as the attempt page stores them, right with a given share.

For the demo network (`flask demo`) and the benchmark data: both build their attempts through
the real grading path with these answers.
"""

from __future__ import annotations

import random

from app.content.model import Quiz


def sample_answers(quiz: Quiz, rng: random.Random, correct_share: float) -> dict:
    """Answers to QUIZ, each right with probability CORRECT_SHARE (1.0: all right, 0: none)."""
    answers: dict = {}
    for q in quiz.questions:
        right = rng.random() < correct_share
        if q.kind in ("single", "true_false"):
            keys = [o.key for o in q.options if o.correct == right] or [q.options[0].key]
            answers[q.key] = rng.choice(keys)
        elif q.kind == "multiple":
            wrong = [o.key for o in q.options if not o.correct] or [q.options[0].key]
            answers[q.key] = sorted(o.key for o in q.options if o.correct) if right else wrong
        elif q.kind == "text":
            answers[q.key] = q.answers[0] if right and q.answers else "no sé"
        elif q.kind == "ordering":
            order = [o.key for o in q.options]
            if not right:
                order = list(reversed(order))
            answers[q.key] = {key: n for n, key in enumerate(order, start=1)}
    return answers


def answers_as_form(quiz: Quiz, answers: dict) -> dict:
    """The form fields an attempt page would send for ANSWERS (the inverse of
    `content.grading.read_posted_answers`): the load test answers as a browser would."""
    data: dict = {}
    for question in quiz.questions:
        if question.key not in answers:
            continue
        name, value = f"q-{question.key}", answers[question.key]
        if question.kind == "multiple":
            data[name] = list(value)
            data[f"{name}-present"] = "1"
        elif question.kind == "ordering":
            for option_key, position in value.items():
                data[f"{name}-{option_key}"] = str(position)
        else:
            data[name] = value
    return data
