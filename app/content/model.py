"""Immutable objects the content engine produces from a course folder.

Everything here is plain data: built once per course version by the loader, cached, and shared
read-only by every request. Nothing imports Flask or the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as date_type
from typing import Literal

Severity = Literal["error", "warning"]
QuestionKind = Literal["single", "multiple", "true_false", "text", "ordering"]
# The values of `nivel:` in course.md; their names for people are app.web.LEVEL_NAMES.
COURSE_LEVELS = ("inicial", "intermedio", "avanzado")


@dataclass(frozen=True)
class Problem:
    """One thing a course author must fix (error) or should look at (warning)."""

    path: str  # as given to the loader, relative to the courses root when possible
    line: int  # 1-based; 0 when the problem concerns the whole file
    severity: Severity
    message: str  # Spanish, says what to do
    code: str  # stable machine id, e.g. "front-matter-unknown-key"

    def format(self) -> str:
        sev = "error" if self.severity == "error" else "warning"
        return f"{self.path}:{self.line}: {sev}: {self.message}"


@dataclass(frozen=True)
class HtmlBlock:
    """A chunk of sanitised HTML, safe to insert into a page as is."""

    html: str


@dataclass(frozen=True)
class QuizBlock:
    """The place in a lesson where a quiz sits; the web app renders it."""

    quiz_id: str


Block = HtmlBlock | QuizBlock


@dataclass(frozen=True)
class Option:
    key: str  # stable within the question: "a", "b", ...
    html: str  # sanitised inline HTML
    text: str  # plain text (for exports, ordering selects, screen-reader labels)
    correct: bool
    feedback_html: str = ""  # shown only after submission


@dataclass(frozen=True)
class Question:
    key: str  # stable within the quiz: "p1", "p2", ...
    kind: QuestionKind
    prompt_html: str
    prompt_text: str
    options: tuple[Option, ...] = ()  # single/multiple/true_false; ordering items in right order
    answers: tuple[str, ...] = ()  # text questions: accepted variants as written
    points: int = 1
    hint_html: str = ""  # may be shown before submission
    feedback_html: str = ""  # shown only after submission
    line: int = 0


@dataclass(frozen=True)
class Quiz:
    id: str  # unique within the course
    title: str
    questions: tuple[Question, ...]
    passing_score: int = 60  # percent of points
    max_attempts: int | None = None  # None = unlimited
    time_limit_minutes: int | None = None  # None = no time limit
    required: bool = True  # counts for course completion
    lesson_slug: str = ""  # lesson where it sits (or the quiz file's own slug)
    intro_html: str = ""
    path: str = ""
    line: int = 0
    # The same questions worded in easy read (from the lesson's .lf.md): the loader checked that
    # they correspond one to one (same keys, kinds, options and answer keys), so they only
    # change what a reader sees. Grading always uses this quiz's own questions.
    easy_read: Quiz | None = None

    @property
    def max_score(self) -> int:
        return sum(q.points for q in self.questions)

    def wording(self, easy: bool) -> Quiz:
        """The quiz as a reader of the easy-read version (EASY) or of the full text sees it."""
        return self.easy_read if easy and self.easy_read is not None else self

    def worded(self, question: Question, easy: bool) -> Question:
        """QUESTION of this quiz in the wording of the version the reader reads."""
        if easy and self.easy_read is not None:
            for candidate in self.easy_read.questions:
                if candidate.key == question.key:
                    return candidate
        return question


@dataclass(frozen=True)
class Media:
    kind: Literal["audio", "video", "image"]
    src: str  # path relative to the course folder
    easy_read: bool = False  # a narration of the easy-read version (NN-slug.lf.mp3)


@dataclass(frozen=True)
class Lesson:
    slug: str  # "01-comunicacion" without ".md"; stable URL part
    number: int  # 1-based position in the course
    title: str
    minutes: int | None
    objectives: tuple[str, ...]
    body: tuple[Block, ...]
    easy_read: tuple[Block, ...] | None  # None when the lesson has no easy-read version
    kind: Literal["lesson", "quiz"] = "lesson"  # "quiz": a file that is a module test
    quiz_ids: tuple[str, ...] = ()  # quizzes that sit in this lesson, in order
    headings: tuple[tuple[int, str, str], ...] = ()  # (level, id, text) for a table of contents
    media: tuple[Media, ...] = ()
    plain_text: str = ""  # the lesson as readable plain text (narration, search)
    easy_read_text: str = ""
    path: str = ""

    def blocks(self, easy: bool) -> tuple[Block, ...]:
        """The blocks of the version asked for (the full text when there is no easy read)."""
        return self.easy_read if easy and self.easy_read is not None else self.body

    def quizzes_left_out(self, easy: bool) -> tuple[str, ...]:
        """Quizzes of this lesson that the version's text does not place (an easy-read text may
        leave them out): the reader still needs them, after the text."""
        placed = {b.quiz_id for b in self.blocks(easy) if isinstance(b, QuizBlock)}
        return tuple(q for q in self.quiz_ids if q not in placed)


@dataclass(frozen=True)
class CompletionRule:
    lessons: Literal["all"] = "all"
    quizzes: Literal["all", "none", "listed"] = "all"  # "all" = every quiz marked required
    quiz_ids: tuple[str, ...] = ()  # when quizzes == "listed"
    attempt: Literal["best", "last"] = "best"  # which attempt counts


@dataclass(frozen=True)
class EasyReadValidation:
    """Readers of the target group checked the easy-read version (UNE 153101 EX)."""

    date: date_type
    by: str  # who validated it (people, organisation)


@dataclass(frozen=True)
class Course:
    slug: str
    version: str  # content hash of every file in the folder (12 hex chars)
    title: str
    summary: str
    language: str  # BCP 47, e.g. "es-CL"
    hours: float
    level: str
    audience: str
    authors: tuple[str, ...]
    license: str
    certificate: bool
    status: Literal["published", "draft"]
    enrolment_key: str | None
    completion: CompletionRule
    intro_html: str
    lessons: tuple[Lesson, ...]
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    media_files: frozenset[str] = frozenset()  # relative paths that may be served
    # SHA-256 of each media file's bytes in this version: the server serves exactly those bytes.
    media_hashes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    path: str = ""
    # None: the easy-read texts were not validated with readers, so pages call them "versión
    # simplificada"; only a validated course says "lectura fácil".
    easy_read_validation: EasyReadValidation | None = None
    # Built from `lessons` in __post_init__ so lookups are a dict access, not a scan.
    lessons_by_slug: dict[str, Lesson] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.lessons_by_slug:
            object.__setattr__(self, "lessons_by_slug", {ls.slug: ls for ls in self.lessons})

    def lesson(self, slug: str) -> Lesson | None:
        return self.lessons_by_slug.get(slug)

    @property
    def easy_reading_file_part(self) -> str:
        """How file names call the easy-read version: "lectura-facil" only when validated with
        readers, else "version-simplificada" (books, audio downloads)."""
        return "lectura-facil" if self.easy_read_validation is not None else "version-simplificada"

    @property
    def required_quiz_ids(self) -> tuple[str, ...]:
        rule = self.completion
        if rule.quizzes == "none":
            return ()
        if rule.quizzes == "listed":
            return rule.quiz_ids
        return tuple(qid for qid, quiz in self.quizzes.items() if quiz.required)


@dataclass(frozen=True)
class LoadResult:
    """What loading a courses folder gives: the good courses and every problem found."""

    courses: dict[str, Course]
    problems: tuple[Problem, ...]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)
