"""Pass 2 of loading a course: render each page against the course index (index.py).

Every page (course.md, a lesson with its easy-read file, a quiz file) gets a fresh PageContext:
its own cursor (heading ids, counters, plain text) over the index, and the reporter and the
section collector the loader hands it, so a page's problems and anchors are its own until the
loader adds them to the course's. What pages share is the course's quiz table (QuizTable): quiz
ids are unique in the whole course.

An easy-read ::: prueba block is the easy wording of the lesson's quiz with the same id; a block
without an id takes the id of the lesson's quiz block in the same place (the first to the first),
whether or not that quiz could be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .index import CourseIndex, LessonEntry, SourceFile
from .lint import missing_sources
from .model import Block, HtmlBlock, Lesson, Media, Quiz, QuizBlock
from .narration import narration_filename
from .page_context import PageContext
from .problems import Reporter
from .quiz_parser import parse_easy_wording, parse_quiz, valid_quiz_id
from .renderer import parse_checked, render_page
from .schemas import NARRATION_EXT
from .sections import SectionIndex
from .tokens import check_closed, container_name

_QUESTION_HEADING = re.compile(r"^\s{0,3}#{2,6}\s+\S")
_EASY_QUIZ_OPEN = re.compile(r"^\s{0,3}:{3,}\s*prueba\b", re.IGNORECASE)


class QuizTable:
    """The course's quizzes by id, filled page by page; an id names one quiz in the course."""

    def __init__(self) -> None:
        self.quizzes: dict[str, Quiz] = {}
        self._places: dict[str, str] = {}  # id -> 'file:line' where it was first declared

    def register(self, quiz_id: str, ctx: PageContext, line: int) -> bool:
        """Claim QUIZ_ID for the quiz at LINE of the page; report why not when it cannot."""
        if not valid_quiz_id(quiz_id):
            ctx.error(
                line,
                "quiz-id",
                f"id de prueba no válido '{quiz_id}'; usa solo minúsculas sin tildes, números y "
                "guiones",
            )
            return False
        if quiz_id in self._places:
            ctx.error(
                line,
                "quiz-id-duplicate",
                f"ya existe una prueba con el id '{quiz_id}' ({self._places[quiz_id]}); "
                "usa otro id",
            )
            return False
        self._places[quiz_id] = f"{ctx.display}:{line}"
        return True

    def claimed(self) -> dict[str, str]:
        """The ids claimed so far and where (what register answers depends on)."""
        return dict(self._places)

    def add(self, places: dict[str, str], quizzes: dict[str, Quiz]) -> None:
        """Claim PLACES and add QUIZZES as a page rendered before would have (page_cache.py)."""
        self._places.update(places)
        self.quizzes.update(quizzes)


@dataclass
class _LessonQuizzes:
    """The quiz blocks of one lesson: every id declared, in place order, and those that loaded."""

    declared: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)


def _context(index: CourseIndex, display: str, rep: Reporter, sections: SectionIndex, **kw: Any):
    return PageContext(
        display=display,
        rep=rep,
        course_slug=index.slug,
        base_url=index.base_url,
        files=index.files,
        file_hashes=index.media_hashes,
        lesson_slugs=index.lesson_slugs,
        sections=sections,
        **kw,
    )


def render_intro(index: CourseIndex, rep: Reporter, sections: SectionIndex) -> str:
    """The HTML of course.md's body ("" when it is missing or unusable)."""
    source = index.course_file
    if source is None or source.lines is None:
        return ""
    ctx = _context(index, source.display, rep, sections, allow_quizzes=False)
    page = render_page(source.body, ctx, allow_easy_read=False)
    return "".join(b.html for b in page.body if isinstance(b, HtmlBlock))


def render_lesson(
    index: CourseIndex,
    entry: LessonEntry,
    table: QuizTable,
    rep: Reporter,
    sections: SectionIndex,
) -> Lesson | None:
    """Render lesson ENTRY (and its easy-read file); None when its file is unusable."""
    source = entry.source
    rep.problems.extend(source.problems)
    if source.lines is None:
        return None
    display = source.display
    meta = source.meta
    title = meta.get("titulo") or entry.slug
    body_lines = source.body
    ctx = _context(index, display, rep, sections)
    ctx.plain.append(title)
    quizzes = _LessonQuizzes()
    if entry.is_quiz:
        body = _quiz_file(entry, source, body_lines, ctx, title, quizzes, table)
        easy_blocks: list[Block] | None = None
        easy_line = 0
    else:
        short = entry.slug.split("-", 1)[1]

        def read_quiz(tok: Any, qlines: list[tuple[int, str]]) -> str | None:
            return _quiz_block(tok, qlines, ctx, entry, title, short, quizzes, table)

        page = render_page(body_lines, ctx, on_quiz=read_quiz)
        body = page.body
        easy_blocks = page.easy_read
        easy_line = page.easy_read_line
    if entry.easy is not None:
        if easy_blocks is not None:
            rep.error(
                display,
                easy_line,
                "easy-read-both",
                f"esta lección tiene un bloque ::: lectura-facil y además el archivo "
                f"{entry.easy_path}; deja solo uno de los dos",
            )
        easy_blocks = _easy_file(index, entry.easy, ctx, quizzes, table)
    elif easy_blocks is None and not entry.is_quiz:
        rep.warning(
            display,
            0,
            "easy-read-missing",
            "la lección no tiene versión de lectura fácil; agrega un bloque ::: lectura-facil "
            f"o un archivo {entry.slug}.lf.md",
        )
    if not entry.is_quiz and (no_sources := missing_sources(ctx.headings)):
        rep.warning(display, 0, *no_sources)
    return Lesson(
        slug=entry.slug,
        number=entry.number,
        title=title,
        minutes=meta.get("minutos"),
        objectives=meta.get("objetivos", ()),
        body=tuple(body),
        easy_read=tuple(easy_blocks) if easy_blocks is not None else None,
        kind="quiz" if entry.is_quiz else "lesson",
        quiz_ids=tuple(quizzes.loaded),
        headings=tuple(ctx.headings),
        media=_narration(index, entry.slug),
        plain_text="\n".join(t for t in ctx.plain if t.strip()),
        easy_read_text="\n".join(t for t in ctx.easy_plain if t.strip()),
        path=display,
    )


def _narration(index: CourseIndex, slug: str) -> tuple[Media, ...]:
    found = []
    for easy in (False, True):
        for ext in NARRATION_EXT:
            rel = narration_filename(slug, easy, ext)
            if rel in index.files:
                found.append(Media("audio", rel, easy_read=easy))
    return tuple(found)


def _quiz_block(
    tok: Any,
    qlines: list[tuple[int, str]],
    ctx: PageContext,
    entry: LessonEntry,
    title: str,
    short: str,
    quizzes: _LessonQuizzes,
    table: QuizTable,
) -> str | None:
    line = tok.meta.get("line", 0)
    _name, rest = container_name(tok)
    words = rest.split()
    if len(words) > 1:
        ctx.error(
            line,
            "quiz-id",
            "después de ::: prueba va solo el id (una palabra con guiones), o nada",
        )
    # Without an id, a quiz is named by its place among the lesson's quiz blocks.
    place = len(quizzes.declared)
    quiz_id = words[0] if words else short + (f"-{place + 1}" if place else "")
    quizzes.declared.append(quiz_id)
    if not table.register(quiz_id, ctx, line):
        return None
    quiz = parse_quiz(
        qlines,
        ctx,
        quiz_id=quiz_id,
        title=f"Prueba: {title}",
        lesson_slug=entry.slug,
        line=line,
    )
    if quiz is None:
        return None
    table.quizzes[quiz_id] = quiz
    quizzes.loaded.append(quiz_id)
    return quiz_id


def _quiz_file(
    entry: LessonEntry,
    source: SourceFile,
    body_lines: list[str],
    ctx: PageContext,
    title: str,
    quizzes: _LessonQuizzes,
    table: QuizTable,
) -> list[Block]:
    fm, meta = source.front, source.meta
    assert fm is not None
    first = next(
        (
            i
            for i in range(fm.body_start, len(body_lines))
            if _QUESTION_HEADING.match(body_lines[i])
        ),
        len(body_lines),
    )
    intro_lines = body_lines[:first]
    ctx.allow_quizzes = False
    page = render_page(intro_lines, ctx, allow_easy_read=False)
    intro_html = "".join(b.html for b in page.body if isinstance(b, HtmlBlock))
    quiz_id = meta.get("id") or entry.slug.split("-", 1)[1]
    settings = {}
    for key, name in (
        ("aprobacion", "passing_score"),
        ("intentos", "max_attempts"),
        ("tiempo", "time_limit_minutes"),
        ("obligatoria", "required"),
    ):
        if key in meta:
            settings[name] = meta[key]
    line = fm.lines.get("id", first + 1)
    blocks: list[Block] = [HtmlBlock(intro_html)] if intro_html else []
    quizzes.declared.append(quiz_id)
    if not table.register(quiz_id, ctx, line):
        return blocks
    qlines = [(n + 1, body_lines[n]) for n in range(first, len(body_lines))]
    quiz = parse_quiz(
        qlines,
        ctx,
        quiz_id=quiz_id,
        title=title,
        lesson_slug=entry.slug,
        line=first + 1 if first < len(body_lines) else (fm.start or 1),
        settings=settings,
        allow_settings=False,
        intro_html=intro_html,
    )
    if quiz is not None:
        table.quizzes[quiz_id] = quiz
        quizzes.loaded.append(quiz_id)
        blocks.append(QuizBlock(quiz_id))
    return blocks


def _easy_file(
    index: CourseIndex,
    source: SourceFile,
    lesson_ctx: PageContext,
    quizzes: _LessonQuizzes,
    table: QuizTable,
) -> list[Block]:
    """The blocks of the lesson's easy-read file: part of the lesson's page (same heading ids,
    same narration text), its problems named by its own file."""
    lesson_ctx.rep.problems.extend(source.problems)
    if source.lines is None:
        return []
    ctx = _context(
        index,
        source.display,
        lesson_ctx.rep,
        lesson_ctx.sections,
        heading_ids=lesson_ctx.heading_ids,
        easy_read=True,
    )
    ctx.easy_plain = lesson_ctx.easy_plain
    body_lines = source.body
    blocks: list[Block] = []
    done = 0  # lines before this one are rendered
    # A ::: prueba block here is the easy-read wording of one of the lesson's quizzes: the
    # text around it is rendered in pieces so the quiz card sits where the author put it.
    for start, end, quiz_block in _easy_quizzes(body_lines, ctx, quizzes, table):
        piece = [""] * done + body_lines[done:start]
        blocks += render_page(piece, ctx, allow_easy_read=False).body
        blocks += quiz_block
        done = end + 1
    piece = [""] * done + body_lines[done:]
    blocks += render_page(piece, ctx, allow_easy_read=False).body
    if not blocks:
        ctx.error(0, "easy-read-empty", "la versión de lectura fácil está vacía; escríbela")
    return blocks


def _easy_quizzes(
    lines: list[str], ctx: PageContext, quizzes: _LessonQuizzes, table: QuizTable
) -> list[tuple[int, int, list[Block]]]:
    """Read each top-level ::: prueba block of an easy-read file as the easy-read wording of
    the lesson's quiz with that id (or, without an id, of the quiz block in the same place):
    (first line index, last line index, the quiz's block or nothing)."""
    if not any(_EASY_QUIZ_OPEN.match(text) for text in lines):
        return []  # most files have none: parse them once, in render_page
    found: list[tuple[int, int, list[Block]]] = []
    seen: dict[str, int] = {}
    declared = quizzes.declared
    for tok in parse_checked(lines, ctx):
        if tok.type != "container_generic_open" or tok.level != 0 or not tok.map:
            continue
        name, rest = container_name(tok)
        if name != "prueba":
            continue
        start, end = tok.map[0], min(tok.map[1], len(lines) - 1)
        line = start + 1
        check_closed(tok, lines, ctx, name, line)
        words = rest.split()
        place = len(found)
        quiz_id = words[0] if words else (declared[place] if place < len(declared) else "")
        found.append((start, end, []))
        if quiz_id not in declared:
            ctx.error(
                line,
                "quiz-easy-unknown",
                (
                    f"la lección no tiene una prueba con el id '{quiz_id}'; "
                    if quiz_id
                    else "la lección no tiene una prueba para este bloque; "
                )
                + "en lectura fácil, ::: prueba lleva el id de una prueba de la lección "
                "(el mismo que en la versión completa)",
            )
            continue
        if quiz_id in seen:
            ctx.error(
                line,
                "quiz-easy-duplicate",
                f"la prueba '{quiz_id}' ya tiene su versión de lectura fácil en la línea "
                f"{seen[quiz_id]}; deja una sola",
            )
            continue
        seen[quiz_id] = line
        if quiz_id not in quizzes.loaded:
            continue  # the full quiz has errors, already reported
        full = table.quizzes[quiz_id]
        plain_before = len(ctx.easy_plain)
        qlines = [(n + 1, lines[n]) for n in range(start + 1, end)]
        easy = parse_easy_wording(qlines, ctx, full=full, line=line)
        del ctx.easy_plain[plain_before:]  # quiz text is not lesson prose (narration)
        if easy is not None:
            table.quizzes[quiz_id] = replace(full, easy_read=easy)
            found[-1][2].append(QuizBlock(quiz_id))
    return found
