"""Helpers shared by tests: constants, database reads, form and quiz answer builders.

Fixtures live in conftest.py (log in with the `login_as` fixture); worlds of people, groups and
municipalities in worlds.py. Test modules import from here, never from conftest or each other.
"""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

from sqlalchemy import func, select

from app.course_store import EXTENSION_KEY as COURSES_KEY
from app.extensions import db

FIXTURE_COURSES = Path(__file__).parent / "fixtures" / "courses"
PASSWORD = "una frase larga y secreta"
# The workshop's new-course form, filled in (the course's address: NEW_COURSE_SLUG).
NEW_COURSE_FORM = {
    "title": "Cuidados en la cooperativa",
    "summary": "Cómo cuidarnos entre socias y socios.",
    "audience": "Grupos preasociativos",
    "hours": "2,5",
    "level": "inicial",
    "licence": "CC BY-SA 4.0",
    "authors": "Equipo REFICOOP, Ana Pérez",
}
NEW_COURSE_SLUG = "cuidados-en-la-cooperativa"


# --- Database ------------------------------------------------------------------------------


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(row) for row in rows]
    return out


def wipe_database() -> None:
    """Delete every row (in the current app context), children first."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.remove()


def forget_publishes(app) -> None:
    """APP stops serving the courses published in a database that was just wiped, and forgets
    its publish counter (a wiped database counts from 0 again)."""
    state = app.extensions[COURSES_KEY]
    state["store"].apply_published({})
    state.update(published_seen=0, expected=(0, float("-inf")))


# --- Forms ---------------------------------------------------------------------------------


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def upload(client, text: str | bytes, encoding="utf-8"):
    """Send TEXT to the trainer's CSV import (the preview step)."""
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return client.post(
        "/formacion/importar",
        data={"file": (io.BytesIO(data), "personas.csv")},
        content_type="multipart/form-data",
    )


def token_of(html: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', html
    )
    assert match, html
    return unescape(match.group(1))


def confirm(client, html):
    """Confirm the CSV import previewed in HTML."""
    return client.post("/formacion/importar/confirmar", data={"token": token_of(html)})


# --- Logs must never hold secrets ------------------------------------------------------------
# conftest.py keeps every log record of the run and fails it if one contains a marker value: a
# password, a quiz answer, a disability declaration or a session cookie used in tests.
LOG_MARKERS = (
    PASSWORD,
    "otra frase bastante larga",
    "mi huerta tiene tres limones",
    "MARCADOR",
    "ÁSAMBLEA",
    "disability_declared",
    "session=",
)


def leaked_markers(lines: list[str]) -> list[str]:
    return [line for line in lines if any(marker in line for marker in LOG_MARKERS)]


# --- Quiz answers --------------------------------------------------------------------------


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


def confirm_upload(client, response):
    """Confirm the replacement that a .zip of a course the person edits asks for (the page
    RESPONSE shows its differences first): post its form as the button does."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Reemplazar" in html, html[:500]
    action = unescape(re.search(r'<form method="post" action="([^"]+/subir/\d+)"', html).group(1))
    actual = re.search(r'name="actual" value="(\d+)"', html).group(1)
    return client.post(action, data={"actual": actual})
