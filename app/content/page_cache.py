"""Rendered lessons remembered between loads, so a save renders again only what changed.

A lesson's page (its file and its easy-read file) renders the same way whenever the same bytes
meet the same course index and the same quiz ids already claimed by the pages before it: that is
the key (content hashes, CourseIndex.context, the claimed ids and their places). A hit replays
what the render gave: the Lesson, its problems, its section ids and links, the quiz ids it
claimed and the quizzes it added. At most PAGES_KEPT pages are kept, least recently used first
out. The check of a save runs in one long-lived child process (bounded.py), so the cache there
lives from save to save.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from .index import CourseIndex, LessonEntry
from .model import Lesson, Problem, Quiz
from .pages import QuizTable, render_lesson
from .problems import Reporter
from .sections import SectionIndex, SectionLink

# A page is its HTML (full and easy read), plain text and quizzes: tens of kB, at most ≈ 300 kB
# for a file at the size limit (MAX_FILE_CHARS). 128 hold the largest course the workshop takes
# (COURSE_TEXT_BUDGET: 34 lessons of 60,000 characters) with room for a few small ones.
PAGES_KEPT = 128


@dataclass(frozen=True)
class _Rendered:
    lesson: Lesson | None
    problems: tuple[Problem, ...]
    ids: tuple[tuple[str, tuple[str, ...]], ...]
    links: tuple[SectionLink, ...]
    places: tuple[tuple[str, str], ...]
    quizzes: tuple[tuple[str, Quiz], ...]


class PageCache:
    """A bounded, thread-safe map from a page's key to what rendering it gave."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.size = size
        self._pages: OrderedDict[tuple, _Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.hits = self.misses = 0

    def get(self, key: tuple) -> _Rendered | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple, rendered: _Rendered) -> None:
        with self._lock:
            self._pages[key] = rendered
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


PAGES = PageCache()


def _key(index: CourseIndex, entry: LessonEntry, table: QuizTable) -> tuple:
    return (
        index.context,
        entry.number,
        entry.slug,
        entry.path,
        entry.source.digest,
        entry.easy_path,
        entry.easy.digest if entry.easy is not None else "",
        tuple(sorted(table.claimed().items())),
    )


def render_lesson_cached(
    index: CourseIndex,
    entry: LessonEntry,
    table: QuizTable,
    rep: Reporter,
    sections: SectionIndex,
    cache: PageCache = PAGES,
) -> Lesson | None:
    """render_lesson, or what it gave for the same key; REP and SECTIONS must be the page's own
    (empty), as the loader hands them. A render that raises is not kept."""
    key = _key(index, entry, table)
    found = cache.get(key)
    if found is None:
        claimed, known = table.claimed(), set(table.quizzes)
        lesson = render_lesson(index, entry, table, rep, sections)
        found = _Rendered(
            lesson=lesson,
            problems=tuple(rep.problems),
            ids=tuple((page, tuple(ids)) for page, ids in sections.ids.items()),
            links=tuple(sections.links),
            places=tuple(i for i in table.claimed().items() if i[0] not in claimed),
            quizzes=tuple((qid, q) for qid, q in table.quizzes.items() if qid not in known),
        )
        cache.put(key, found)
        return lesson
    rep.problems.extend(found.problems)
    for page, ids in found.ids:
        sections.ids.setdefault(page, []).extend(ids)
    sections.links.extend(found.links)
    table.add(dict(found.places), dict(found.quizzes))
    return found.lesson
