"""What the shipped courses promise their readers, checked on the real files (issue 16).

A suite that checks only a fixture misses what the shipped content does: these run over every
lesson in `courses/`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.content import CourseStore

COURSES = Path(__file__).resolve().parents[2] / "courses"
FULL_LESSONS = sorted(p for p in COURSES.glob("*/[0-9]*.md") if not p.name.endswith(".lf.md"))
EASY_LESSONS = sorted(COURSES.glob("*/[0-9]*.lf.md"))
ALL_TEXT = FULL_LESSONS + EASY_LESSONS + sorted(COURSES.glob("*/course.md"))

OFFICIAL_HOSTS = (
    "bcn.cl",
    "leychile.cl",
    "dt.gob.cl",
    "chileatiende.gob.cl",
    "sii.cl",
    "suseso.cl",
    "ips.cl",
    "senadis.gob.cl",
    "economia.gob.cl",
    "spensiones.cl",
)
OFFICIAL_LINK = re.compile(
    r"https?://(?:www\.)?(?:" + "|".join(re.escape(h) for h in OFFICIAL_HOSTS) + r")\b"
)
LAW = re.compile(r"\bLey(?:\s+N[°º]?)?\s+(\d{1,2}\.\d{3})")
HEDGE = re.compile(r"por confirmar", re.IGNORECASE)
STIGMA = re.compile(r"\b(incapaz|incapaces|minusválid[oa]s?|sufre de|padece)\b", re.IGNORECASE)

pytestmark = pytest.mark.nodb


def _sources(text: str) -> list[str]:
    """The items of a lesson's "## Fuentes" section (bullets, continuation lines joined)."""
    _body, _, section = text.partition("## Fuentes")
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif items and line.startswith(" "):
            items[-1] += " " + line.strip()
    return items


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_the_shipped_courses_are_there():
    assert len({p.parent for p in FULL_LESSONS}) >= 11
    assert len(FULL_LESSONS) >= 45 and len(EASY_LESSONS) >= 45


@pytest.mark.parametrize("path", FULL_LESSONS, ids=_id)
def test_every_law_named_has_an_official_link_in_the_sources(path):
    text = path.read_text(encoding="utf-8")
    body = text.partition("## Fuentes")[0]
    sources = _sources(text)
    for number in sorted({m.group(1) for m in LAW.finditer(body)}):
        items = [item for item in sources if number in item]
        assert items, f"Ley {number} is named but not in «## Fuentes»"
        assert any(OFFICIAL_LINK.search(item) for item in items), (
            f"Ley {number} has no link to an official text in «## Fuentes»"
        )


@pytest.mark.parametrize("path", FULL_LESSONS, ids=_id)
def test_every_full_lesson_has_sources(path):
    """A «## Fuentes» section that says something (a lesson citing no law may say so)."""
    _body, heading, section = path.read_text(encoding="utf-8").partition("## Fuentes")
    assert heading and section.strip(), "no «## Fuentes» section"


@pytest.mark.parametrize("path", EASY_LESSONS, ids=_id)
def test_easy_read_states_what_is_known(path):
    text = path.read_text(encoding="utf-8")
    assert not HEDGE.search(text), "an easy-read text must not hedge: say it or leave it out"
    assert not STIGMA.search(text), STIGMA.search(text).group(0) if STIGMA.search(text) else ""


def test_hedges_are_few_in_the_full_versions():
    per_course: dict[str, int] = {}
    for path in FULL_LESSONS:
        hits = len(HEDGE.findall(path.read_text(encoding="utf-8")))
        per_course[path.parent.name] = per_course.get(path.parent.name, 0) + hits
    assert {c: n for c, n in per_course.items() if n > 5} == {}


@pytest.mark.parametrize("path", ALL_TEXT, ids=_id)
def test_no_commercial_copies_of_the_law(path):
    assert not re.search(r"vlex\.|wikipedia\.org", path.read_text(encoding="utf-8"))


def _shipped_courses():
    return CourseStore(COURSES).load().all()


def test_every_shipped_quiz_can_be_answered_in_easy_read():
    """Issue 16: a participant reading the easy-read version gets the questions in easy read."""
    missing = [
        f"{course.slug}/{quiz_id}"
        for course in _shipped_courses()
        for quiz_id, quiz in course.quizzes.items()
        if quiz.easy_read is None
    ]
    assert missing == []
