"""Pass 1 of loading a course: an immutable index of its files, built before any page renders.

The index holds what every page needs to know about the others (the file table, the media
hashes, the lessons and their slugs, the course's front matter and language) and each Markdown
file read and its header checked. Pass 2 (pages.py) renders each page against it with a fresh
context. The problems found here are kept with the file they concern, so the course's problem
list reads in the same order as before the split: a page's reading problems come just before
its rendering ones.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .folder import files_version
from .frontmatter import FrontMatter, check_fields, parse_front_matter
from .limits import check_limits
from .lint import PLACEHOLDER, placeholder_lines, unpublished_file
from .media_types import MEDIA_EXT
from .model import Problem
from .problems import Reporter
from .schemas import (
    COURSE_SCHEMA,
    COURSE_SLUG,
    EASY_FILE,
    EASY_SCHEMA,
    LESSON_FILE,
    LESSON_SCHEMA,
    QUIZ_FILE_SCHEMA,
    QUIZ_ONLY,
)
from .source import decode_source
from .textutil import norm_key

EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class SourceFile:
    """One Markdown file of the course, read and its header checked.

    LINES is None when the file is unusable (not text, too big): its problems say why. BODY is
    the file with its header lines blanked, so token maps are file lines.
    """

    rel: str  # relative to the course folder
    display: str  # how problems name it: 'course-slug/01-lesson.md'
    lines: tuple[str, ...] | None
    front: FrontMatter | None
    meta: MappingProxyType[str, Any]  # the header's values that passed the schema
    problems: tuple[Problem, ...]  # found reading it, in order
    digest: str = ""  # SHA-256 of its bytes

    @property
    def body(self) -> list[str]:
        assert self.lines is not None and self.front is not None
        return [""] * self.front.body_start + list(self.lines[self.front.body_start :])


@dataclass(frozen=True)
class LessonEntry:
    """A lesson file (NN-slug.md), its easy-read file (NN-slug.lf.md) if any, both read."""

    number: int
    slug: str
    path: str  # relative to the course folder
    easy_path: str | None
    source: SourceFile
    easy: SourceFile | None
    is_quiz: bool  # `tipo: prueba`: the whole file is a module test


@dataclass(frozen=True)
class CourseIndex:
    """Everything pass 2 needs about the course as a whole; nothing in it changes."""

    slug: str
    folder_display: str
    base_url: str
    version: str
    files: frozenset[str]  # every file, relative posix path
    media: frozenset[str]  # the files served as files
    media_hashes: MappingProxyType[str, str]  # SHA-256 of each media file
    lessons: tuple[LessonEntry, ...]  # in lesson order
    lesson_slugs: frozenset[str]
    course_file: SourceFile | None  # None when course.md is missing
    course_meta: MappingProxyType[str, Any]
    course_fm_lines: MappingProxyType[str, int]
    language: str
    # A digest of everything above that a page's rendering reads (names, files, media hashes,
    # lesson slugs): two indexes with the same one render the same file the same way.
    context: str = ""

    def display(self, rel: str) -> str:
        return f"{self.folder_display}/{rel}"


# How many decoded and header-checked files are remembered (read_source): a save reads every file
# of the course again, and all but one are the same bytes as the time before. An entry holds the
# file's bytes and lines: at most ≈ 150 kB at the size limit (MAX_FILE_CHARS).
FILES_KEPT = 128


@functools.lru_cache(maxsize=FILES_KEPT)
def read_source(data: bytes, rel: str, display: str, kind: str) -> SourceFile:
    """Decode file REL, check its size and placeholders, then its header against the schema of
    KIND ("course", "lesson": a lesson or a quiz file, "easy"). The same arguments give the
    same (immutable) SourceFile: the last FILES_KEPT are remembered."""
    rep = Reporter()
    digest = hashlib.sha256(data).hexdigest()
    lines = decode_source(data, display, rep)
    # Sizes are checked before parsing: the sanitiser is slow on huge tables (limits.py).
    if lines is None or not check_limits(lines, display, rep):
        return SourceFile(rel, display, None, None, EMPTY, tuple(rep.problems), digest)
    for line in placeholder_lines(lines):
        # An error, not a warning: example text left in place must never reach people.
        rep.error(
            display,
            line,
            "placeholder-text",
            f"aquí sigue el texto de ejemplo («{PLACEHOLDER}…»); reemplázalo por el tuyo",
        )
    fm = parse_front_matter(lines, display, rep)
    schema, extra = _SCHEMAS[kind](fm)
    meta = check_fields(fm, schema, display, rep, extra_allowed=extra)
    meta_view = MappingProxyType(meta)
    return SourceFile(rel, display, tuple(lines), fm, meta_view, tuple(rep.problems), digest)


def is_quiz_file(fm: FrontMatter) -> bool:
    return norm_key(str(fm.values.get("tipo", ""))) == "prueba"


def _lesson_schema(fm: FrontMatter) -> tuple[dict, dict | None]:
    return (QUIZ_FILE_SCHEMA, None) if is_quiz_file(fm) else (LESSON_SCHEMA, QUIZ_ONLY)


_SCHEMAS = {
    "course": lambda fm: (COURSE_SCHEMA, None),
    "lesson": _lesson_schema,
    "easy": lambda fm: (EASY_SCHEMA, None),
}


def hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def is_media(rel: str) -> bool:
    """Whether course file REL is served as a file (image, audio, video, captions, PDF...)."""
    return Path(rel).suffix.lower() in MEDIA_EXT and not hidden(rel)


@dataclass
class _Found:
    number: int
    slug: str
    path: str
    easy_path: str | None = None


def build_index(
    slug: str, files: dict[str, bytes] | Any, folder_display: str, base_url: str, rep: Reporter
) -> CourseIndex:
    """Pass 1: the course's index. Course-wide problems (folder name, file names, course.md)
    go to REP in order; each lesson file keeps its own."""

    def display(rel: str) -> str:
        return f"{folder_display}/{rel}"

    if not COURSE_SLUG.match(slug):
        rep.error(
            folder_display,
            0,
            "course-slug",
            "el nombre de la carpeta del curso debe tener solo minúsculas sin tildes, números "
            "y guiones (por ejemplo, cooperativismo-basico)",
        )
    all_files = sorted(files)
    media = frozenset(rel for rel in all_files if is_media(rel))
    version = files_version(files)
    media_hashes = {rel: hashlib.sha256(files[rel]).hexdigest() for rel in media}
    found = _discover(all_files, display, rep)
    course_file, course_meta, fm_lines = None, {}, {}
    if "course.md" not in files:
        rep.error(
            display("course.md"),
            0,
            "course-missing",
            "falta el archivo course.md con el título y los datos del curso",
        )
    else:
        course_file = read_source(
            bytes(files["course.md"]), "course.md", display("course.md"), "course"
        )
        rep.problems.extend(course_file.problems)
        if course_file.front is not None:
            course_meta, fm_lines = dict(course_file.meta), course_file.front.lines
    lessons = []
    for lf in found:
        source = read_source(bytes(files[lf.path]), lf.path, display(lf.path), "lesson")
        easy = None
        if lf.easy_path is not None:
            easy = read_source(
                bytes(files[lf.easy_path]),
                lf.easy_path,
                display(lf.easy_path),
                "easy",
            )
        is_quiz = source.front is not None and is_quiz_file(source.front)
        lessons.append(
            LessonEntry(lf.number, lf.slug, lf.path, lf.easy_path, source, easy, is_quiz)
        )
    context = hashlib.sha256(
        repr((slug, folder_display, base_url, all_files, sorted(media_hashes.items()))).encode()
        + repr(sorted(lf.slug for lf in found)).encode()
    ).hexdigest()
    return CourseIndex(
        slug=slug,
        folder_display=folder_display,
        base_url=base_url,
        version=version,
        files=frozenset(all_files),
        media=media,
        media_hashes=MappingProxyType(media_hashes),
        lessons=tuple(lessons),
        lesson_slugs=frozenset(lf.slug for lf in found),
        course_file=course_file,
        course_meta=MappingProxyType(course_meta),
        course_fm_lines=MappingProxyType(dict(fm_lines)),
        language=course_meta.get("idioma", "es-CL"),
        context=context,
    )


def _discover(all_files: list[str], display: Any, rep: Reporter) -> list[_Found]:
    """The lesson files in order, each with its easy-read file; file-name problems to REP."""
    lessons: list[_Found] = []
    easy: dict[str, str] = {}
    for rel in all_files:
        if hidden(rel):
            continue
        if "/" in rel:
            if Path(rel).suffix.lower() not in MEDIA_EXT:
                rep.warning(display(rel), 0, *unpublished_file(rel))
            continue
        if rel == "course.md":
            continue
        easy_match = EASY_FILE.match(rel)
        if easy_match:
            easy[easy_match.group(1)] = rel
            continue
        match = LESSON_FILE.match(rel)
        if match:
            lessons.append(_Found(int(match.group(1)), rel[:-3], rel))
        elif rel.lower().endswith(".md"):
            rep.error(
                display(rel),
                0,
                "lesson-filename",
                "nombre de lección no válido; usa dos cifras, guion y minúsculas sin tildes "
                "(por ejemplo, 01-comunicacion.md)",
            )
        elif Path(rel).suffix.lower() not in MEDIA_EXT:
            rep.warning(display(rel), 0, *unpublished_file(rel))
    lessons.sort(key=lambda lf: (lf.number, lf.slug))
    seen: dict[int, _Found] = {}
    expected = 1
    for lf in lessons:
        if lf.number in seen:
            rep.error(
                display(lf.path),
                0,
                "lesson-number-duplicate",
                f"hay dos lecciones con el número {lf.number:02d} "
                f"({seen[lf.number].path} y {lf.path}); cambia el número de una",
            )
            continue
        if lf.number != expected:
            missing = ", ".join(f"{n:02d}" for n in range(expected, lf.number)) or "—"
            rep.error(
                display(lf.path),
                0,
                "lesson-number-gap",
                f"los números de lección no siguen en orden: falta {missing}; renumera los "
                "archivos 01, 02, 03...",
            )
        seen[lf.number] = lf
        expected = lf.number + 1
    by_slug = {lf.slug: lf for lf in lessons}
    for slug, path in easy.items():
        if slug in by_slug:
            by_slug[slug].easy_path = path
        else:
            rep.error(
                display(path),
                0,
                "easy-read-orphan",
                f"no existe la lección {slug}.md para esta versión de lectura fácil; revisa "
                "el nombre",
            )
    return lessons
