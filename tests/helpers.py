"""Helpers shared by tests: database reads and quiz answer builders."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def correct_form(quiz) -> dict:
    """Form data answering every question of QUIZ correctly."""
    data: dict = {}
    for q in quiz.questions:
        name = f"q-{q.key}"
        if q.kind in ("single", "true_false"):
            data[name] = next(o.key for o in q.options if o.correct)
        elif q.kind == "multiple":
            data[name] = [o.key for o in q.options if o.correct]
            data[f"{name}-present"] = "1"
        elif q.kind == "text":
            data[name] = q.answers[0]
        elif q.kind == "ordering":
            for position, option in enumerate(q.options, start=1):
                data[f"{name}-{option.key}"] = str(position)
    return data


def wrong_form(quiz) -> dict:
    """Form data answering every question of QUIZ wrongly."""
    data: dict = {}
    for q in quiz.questions:
        name = f"q-{q.key}"
        if q.kind in ("single", "true_false"):
            data[name] = next(o.key for o in q.options if not o.correct)
        elif q.kind == "multiple":
            data[name] = [o.key for o in q.options if not o.correct]
            data[f"{name}-present"] = "1"
        elif q.kind == "text":
            data[name] = "respuesta equivocada"
        elif q.kind == "ordering":
            n = len(q.options)
            for position, option in enumerate(q.options, start=1):
                data[f"{name}-{option.key}"] = str(n - position + 1)
    return data
