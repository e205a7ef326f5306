"""Load course folders into immutable Course objects, collecting every problem on the way."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .frontmatter import (
    Field,
    FrontMatter,
    check_fields,
    parse_bool,
    parse_front_matter,
    v_attempts,
    v_choice,
    v_easy_read_validation,
    v_percent,
    v_positive_int,
    v_positive_number,
    v_str,
    v_str_list,
)
from .langtags import valid_lang
from .limits import check_limits
from .lint import PLACEHOLDER, missing_sources, placeholder_lines, unpublished_file
from .model import (
    COURSE_LEVELS,
    Block,
    CompletionRule,
    Course,
    HtmlBlock,
    Lesson,
    LoadResult,
    Media,
    Problem,
    Quiz,
    QuizBlock,
)
from .problems import Reporter
from .quiz_lint import check_quizzes
from .quiz_parser import parse_easy_wording, parse_quiz, valid_quiz_id
from .renderer import (
    MEDIA_EXT,
    PageContext,
    PageTooComplex,
    SectionIndex,
    check_closed,
    container_name,
    parse_checked,
    render_page,
)
from .source import decode_source
from .textutil import norm_key

COURSE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
EASY_FILE = re.compile(r"^(\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.lf\.md$")
_QUESTION_HEADING = re.compile(r"^\s{0,3}#{2,6}\s+\S")
_EASY_QUIZ_OPEN = re.compile(r"^\s{0,3}:{3,}\s*prueba\b", re.IGNORECASE)
NARRATION_EXT = (".mp3", ".ogg")


def _v_lang(value: Any) -> str:
    text = v_str(value)
    if not valid_lang(text):
        raise ValueError("no es un código de idioma válido; usa por ejemplo es-CL")
    return text


def _v_completion(value: Any) -> CompletionRule:
    if not isinstance(value, dict):
        raise ValueError("debe tener las claves 'pruebas' y/o 'intento' en líneas con sangría")
    quizzes, ids, attempt = "all", (), "best"
    for raw_key, raw in value.items():
        key = norm_key(raw_key)
        if key == "pruebas":
            if isinstance(raw, list):
                quizzes, ids = "listed", tuple(v_str(x) for x in raw)
            elif norm_key(str(raw)) == "todas":
                quizzes = "all"
            elif norm_key(str(raw)) == "ninguna":
                quizzes = "none"
            else:
                raise ValueError("'pruebas' debe ser todas, ninguna o una lista de ids [id, id]")
        elif key == "intento":
            choice = norm_key(str(raw))
            if choice not in ("mejor", "ultimo"):
                raise ValueError("'intento' debe ser mejor o ultimo")
            attempt = "best" if choice == "mejor" else "last"
        else:
            raise ValueError(f"clave desconocida '{raw_key}'; usa pruebas e intento")
    return CompletionRule(quizzes=quizzes, quiz_ids=ids, attempt=attempt)  # type: ignore[arg-type]


def _v_quiz_id(value: Any) -> str:
    text = v_str(value)
    if not valid_quiz_id(text):
        raise ValueError("usa solo minúsculas sin tildes, números y guiones (ej.: prueba-modulo-1)")
    return text


COURSE_SCHEMA = {
    "titulo": Field(v_str, "error"),
    "resumen": Field(v_str, "error"),
    "idioma": Field(_v_lang),
    "horas": Field(v_positive_number, "error"),
    "nivel": Field(v_choice(*COURSE_LEVELS), "error"),
    "publico": Field(v_str, "error"),
    "autores": Field(v_str_list, "error"),
    "licencia": Field(v_str, "error"),
    "certificado": Field(parse_bool),
    "estado": Field(v_choice("publicado", "borrador")),
    "clave_inscripcion": Field(v_str),
    "aprobacion": Field(_v_completion),
    "lectura_facil_validada": Field(v_easy_read_validation),
}
LESSON_SCHEMA = {
    "titulo": Field(v_str, "error"),
    "minutos": Field(v_positive_int, "warning"),
    "objetivos": Field(v_str_list, "warning"),
    "tipo": Field(v_choice("leccion", "prueba")),
}
QUIZ_FILE_SCHEMA = {
    **LESSON_SCHEMA,
    "aprobacion": Field(v_percent),
    "intentos": Field(v_attempts),
    "tiempo": Field(v_positive_int),
    "obligatoria": Field(parse_bool),
    "id": Field(_v_quiz_id),
}
QUIZ_ONLY = {
    key: f"'{key}' solo vale en pruebas; agrega 'tipo: prueba' o borra esta línea"
    for key in ("aprobacion", "intentos", "tiempo", "obligatoria", "id")
}
EASY_SCHEMA = {"titulo": Field(v_str)}


def course_version(folder: Path, files: list[str] | None = None) -> str:
    """Hash every file of the course folder (sorted relative paths and bytes); 12 hex chars."""
    digest = hashlib.sha256()
    for rel in files if files is not None else list_files(folder):
        _add_file(digest, rel, (folder / rel).read_bytes())
    return digest.hexdigest()[:12]


def read_folder(folder: Path, files: list[str] | None = None) -> dict[str, bytes]:
    """The files of a course folder in memory: {relative posix path: bytes} (see list_files)."""
    return {rel: (folder / rel).read_bytes() for rel in (files or list_files(folder))}


def _add_file(digest, rel: str, data: bytes) -> None:
    # A course version hashes each file's relative path, size and bytes, in path order.
    digest.update(rel.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0")
    digest.update(data)


def files_version(files: Mapping[str, bytes]) -> str:
    """course_version() of files held in memory ({relative path: bytes}), e.g. a revision's."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        _add_file(digest, rel, files[rel])
    return digest.hexdigest()[:12]


def list_files(folder: Path) -> list[str]:
    """Every regular file under folder, as sorted relative posix paths.

    A symlink whose target resolves outside the folder is never listed (so never hashed, read
    or served): `escaping_links` names them for the checker.
    """
    out = []
    inside = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        base = Path(dirpath)
        for name in filenames:
            path = base / name
            if path.is_symlink() and not _within(path, inside):
                continue
            if path.is_file():
                out.append(path.relative_to(folder).as_posix())
    return sorted(out)


def _within(path: Path, folder: Path) -> bool:
    """True when PATH, with every symlink followed, is inside the (resolved) FOLDER."""
    try:
        path.resolve().relative_to(folder)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def escaping_links(folder: Path) -> list[str]:
    """Relative paths of symlinks under folder (files or folders) that point outside it."""
    out = []
    inside = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in dirnames + filenames:
            path = base / name
            if path.is_symlink() and not _within(path, inside):
                out.append(path.relative_to(folder).as_posix())
    return sorted(out)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _blank_front_matter(lines: list[str], fm: FrontMatter) -> list[str]:
    # Keep the body at its real line numbers so token maps are file lines.
    return [""] * fm.body_start + lines[fm.body_start :]


@dataclass
class _LessonFile:
    number: int
    slug: str
    path: str  # relative to the course folder
    easy_path: str | None = None


class _CourseLoader:
    """Load one course from its files in memory (one instance per load): no file system."""

    def __init__(
        self, slug: str, files: Mapping[str, bytes], folder_display: str, base_url: str
    ) -> None:
        self.sources = files  # {relative posix path: bytes}
        self.folder_display = folder_display
        self.base_url = base_url
        self.slug = slug
        self.rep = Reporter()
        self.quizzes: dict[str, Quiz] = {}
        self.quiz_lines: dict[str, str] = {}
        self.sections = SectionIndex()  # heading ids and #links of every page, checked at the end

    def display(self, rel: str) -> str:
        """How problems name file REL: 'course-slug/01-lesson.md'."""
        return f"{self.folder_display}/{rel}"

    def read(self, rel: str, display: str) -> list[str] | None:
        """Decode file REL into lines; report and return None when unusable."""
        lines = decode_source(self.sources[rel], display, self.rep)
        # Sizes are checked before parsing: the sanitiser is slow on huge tables (limits.py).
        if lines is None or not check_limits(lines, display, self.rep):
            return None
        for line in placeholder_lines(lines):
            # An error, not a warning: example text left in place must never reach people.
            self.rep.error(
                display,
                line,
                "placeholder-text",
                f"aquí sigue el texto de ejemplo («{PLACEHOLDER}…»); reemplázalo por el tuyo",
            )
        return lines

    def ctx(self, display: str, **kwargs: Any) -> PageContext:
        return PageContext(
            display=display,
            rep=self.rep,
            course_slug=self.slug,
            base_url=self.base_url,
            files=self.files,
            file_hashes=self.media_hashes,
            lesson_slugs=self.lesson_slugs,
            language=self.language,
            sections=self.sections,
            **kwargs,
        )

    def load(self) -> Course | None:
        folder_display = self.folder_display
        if not COURSE_SLUG.match(self.slug):
            self.rep.error(
                folder_display,
                0,
                "course-slug",
                "el nombre de la carpeta del curso debe tener solo minúsculas sin tildes, números "
                "y guiones (por ejemplo, cooperativismo-basico)",
            )
        all_files = sorted(self.sources)
        media = frozenset(rel for rel in all_files if is_media(rel))
        self.version = files_version(self.sources)
        media_hashes = {rel: hashlib.sha256(self.sources[rel]).hexdigest() for rel in media}
        self.media_hashes = media_hashes
        self.files = frozenset(all_files)
        self.language = "es-CL"
        lessons = self._discover(all_files)
        self.lesson_slugs = frozenset(lf.slug for lf in lessons)
        try:
            course_meta, intro_html = self._course_file()
        except PageTooComplex:
            course_meta, intro_html = {}, ""  # reported at its line
        built = []
        for lesson_file in lessons:
            try:
                lesson = self._lesson(lesson_file)
            except PageTooComplex:
                lesson = None  # reported at its line; rendering the rest would be slow
            except Exception as exc:  # noqa: BLE001 - a bad file must never stop the load
                self.rep.error(
                    self.display(lesson_file.path),
                    0,
                    "internal",
                    f"error interno al leer este archivo ({type(exc).__name__}); avisa al equipo "
                    "técnico",
                )
                lesson = None
            if lesson is not None:
                built.append(lesson)
        self.sections.check(self.rep)  # links to #sections, now that every page is read
        check_quizzes(self.quizzes.values(), self.rep)  # course-wide answer patterns
        completion = course_meta.get("aprobacion", CompletionRule())
        if completion.quizzes == "listed":
            for qid in completion.quiz_ids:
                if qid not in self.quizzes:
                    self.rep.error(
                        self.display("course.md"),
                        self.course_fm_lines.get("aprobacion", 1),
                        "completion-unknown-quiz",
                        f"la prueba '{qid}' de 'aprobacion' no existe en el curso; revisa el id",
                    )
        if self.rep.has_errors() or not course_meta.get("titulo"):
            return None
        return Course(
            slug=self.slug,
            version=self.version,
            title=course_meta["titulo"],
            summary=course_meta.get("resumen", ""),
            language=course_meta.get("idioma", "es-CL"),
            hours=course_meta.get("horas", 0.0),
            level=course_meta.get("nivel", ""),
            audience=course_meta.get("publico", ""),
            authors=course_meta.get("autores", ()),
            license=course_meta.get("licencia", ""),
            certificate=course_meta.get("certificado", True),
            status="draft" if course_meta.get("estado") == "borrador" else "published",
            enrolment_key=course_meta.get("clave_inscripcion"),
            completion=completion,
            intro_html=intro_html,
            lessons=tuple(built),
            quizzes=dict(self.quizzes),
            media_files=media,
            media_hashes=media_hashes,
            path=folder_display,
            easy_read_validation=course_meta.get("lectura_facil_validada"),
        )

    # --- discovery ---------------------------------------------------------------------------
    def _discover(self, all_files: list[str]) -> list[_LessonFile]:
        lessons: list[_LessonFile] = []
        easy: dict[str, str] = {}
        for rel in all_files:
            if _hidden(rel):
                continue
            if "/" in rel:
                if Path(rel).suffix.lower() not in MEDIA_EXT:
                    self.rep.warning(self.display(rel), 0, *unpublished_file(rel))
                continue
            path = rel
            if rel == "course.md":
                continue
            easy_match = EASY_FILE.match(rel)
            if easy_match:
                easy[easy_match.group(1)] = path
                continue
            match = LESSON_FILE.match(rel)
            if match:
                lessons.append(_LessonFile(int(match.group(1)), rel[:-3], path))
            elif rel.lower().endswith(".md"):
                self.rep.error(
                    self.display(path),
                    0,
                    "lesson-filename",
                    "nombre de lección no válido; usa dos cifras, guion y minúsculas sin tildes "
                    "(por ejemplo, 01-comunicacion.md)",
                )
            elif Path(rel).suffix.lower() not in MEDIA_EXT:
                self.rep.warning(self.display(path), 0, *unpublished_file(rel))
        lessons.sort(key=lambda lf: (lf.number, lf.slug))
        seen: dict[int, _LessonFile] = {}
        expected = 1
        for lf in lessons:
            if lf.number in seen:
                self.rep.error(
                    self.display(lf.path),
                    0,
                    "lesson-number-duplicate",
                    f"hay dos lecciones con el número {lf.number:02d} "
                    f"({seen[lf.number].path} y {lf.path}); cambia el número de una",
                )
                continue
            if lf.number != expected:
                missing = ", ".join(f"{n:02d}" for n in range(expected, lf.number)) or "—"
                self.rep.error(
                    self.display(lf.path),
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
                self.rep.error(
                    self.display(path),
                    0,
                    "easy-read-orphan",
                    f"no existe la lección {slug}.md para esta versión de lectura fácil; revisa "
                    "el nombre",
                )
        return lessons

    # --- course.md -----------------------------------------------------------------------------
    def _course_file(self) -> tuple[dict[str, Any], str]:
        path = "course.md"
        display = self.display(path)
        self.course_fm_lines: dict[str, int] = {}
        if path not in self.sources:
            self.rep.error(
                display,
                0,
                "course-missing",
                "falta el archivo course.md con el título y los datos del curso",
            )
            return {}, ""
        lines = self.read(path, display)
        if lines is None:
            return {}, ""
        fm = parse_front_matter(lines, display, self.rep)
        self.course_fm_lines = fm.lines
        meta = check_fields(fm, COURSE_SCHEMA, display, self.rep)
        self.language = meta.get("idioma", "es-CL")
        ctx = self.ctx(display, allow_quizzes=False)
        page = render_page(_blank_front_matter(lines, fm), ctx, allow_easy_read=False)
        intro = "".join(b.html for b in page.body if isinstance(b, HtmlBlock))
        return meta, intro

    # --- lessons -------------------------------------------------------------------------------
    def _lesson(self, lf: _LessonFile) -> Lesson | None:
        display = self.display(lf.path)
        lines = self.read(lf.path, display)
        if lines is None:
            return None
        fm = parse_front_matter(lines, display, self.rep)
        is_quiz = norm_key(str(fm.values.get("tipo", ""))) == "prueba"
        if is_quiz:
            meta = check_fields(fm, QUIZ_FILE_SCHEMA, display, self.rep)
        else:
            meta = check_fields(fm, LESSON_SCHEMA, display, self.rep, extra_allowed=QUIZ_ONLY)
        title = meta.get("titulo") or lf.slug
        body_lines = _blank_front_matter(lines, fm)
        ctx = self.ctx(display)
        ctx.plain.append(title)
        quiz_ids: list[str] = []
        short = lf.slug.split("-", 1)[1]
        if is_quiz:
            body = self._quiz_file(lf, meta, fm, body_lines, ctx, title, quiz_ids)
            easy_blocks: list[Block] | None = None
            easy_line = 0
        else:
            ctx.on_quiz = lambda tok, qlines: self._quiz_block(
                tok, qlines, ctx, lf, title, short, quiz_ids
            )
            page = render_page(body_lines, ctx)
            body = page.body
            easy_blocks = page.easy_read
            easy_line = page.easy_read_line
        if lf.easy_path is not None:
            if easy_blocks is not None:
                self.rep.error(
                    display,
                    easy_line,
                    "easy-read-both",
                    f"esta lección tiene un bloque ::: lectura-facil y además el archivo "
                    f"{lf.easy_path}; deja solo uno de los dos",
                )
            easy_blocks = self._easy_file(lf.easy_path, ctx, quiz_ids)
        elif easy_blocks is None and not is_quiz:
            self.rep.warning(
                display,
                0,
                "easy-read-missing",
                "la lección no tiene versión de lectura fácil; agrega un bloque ::: lectura-facil "
                f"o un archivo {lf.slug}.lf.md",
            )
        if not is_quiz and (no_sources := missing_sources(ctx.headings)):
            self.rep.warning(display, 0, *no_sources)
        return Lesson(
            slug=lf.slug,
            number=lf.number,
            title=title,
            minutes=meta.get("minutos"),
            objectives=meta.get("objetivos", ()),
            body=tuple(body),
            easy_read=tuple(easy_blocks) if easy_blocks is not None else None,
            kind="quiz" if is_quiz else "lesson",
            quiz_ids=tuple(quiz_ids),
            headings=tuple(ctx.headings),
            media=self._narration(lf.slug),
            plain_text="\n".join(t for t in ctx.plain if t.strip()),
            easy_read_text="\n".join(t for t in ctx.easy_plain if t.strip()),
            path=display,
        )

    def _narration(self, slug: str) -> tuple[Media, ...]:
        found = []
        for suffix in ("", ".lf"):
            for ext in NARRATION_EXT:
                rel = f"{slug}{suffix}{ext}"
                if rel in self.files:
                    found.append(Media("audio", rel, easy_read=bool(suffix)))
        return tuple(found)

    def _easy_file(self, path: str, lesson_ctx: PageContext, quiz_ids: list[str]) -> list[Block]:
        display = self.display(path)
        lines = self.read(path, display)
        if lines is None:
            return []
        fm = parse_front_matter(lines, display, self.rep)
        check_fields(fm, EASY_SCHEMA, display, self.rep)
        ctx = self.ctx(display, heading_ids=lesson_ctx.heading_ids, easy_read=True)
        ctx.easy_plain = lesson_ctx.easy_plain
        body_lines = _blank_front_matter(lines, fm)
        blocks: list[Block] = []
        done = 0  # lines before this one are rendered
        # A ::: prueba block here is the easy-read wording of one of the lesson's quizzes: the
        # text around it is rendered in pieces so the quiz card sits where the author put it.
        for start, end, quiz_block in self._easy_quizzes(body_lines, ctx, quiz_ids):
            piece = [""] * done + body_lines[done:start]
            blocks += render_page(piece, ctx, allow_easy_read=False).body
            blocks += quiz_block
            done = end + 1
        piece = [""] * done + body_lines[done:]
        blocks += render_page(piece, ctx, allow_easy_read=False).body
        if not blocks:
            self.rep.error(
                display, 0, "easy-read-empty", "la versión de lectura fácil está vacía; escríbela"
            )
        return blocks

    def _easy_quizzes(
        self, lines: list[str], ctx: PageContext, quiz_ids: list[str]
    ) -> list[tuple[int, int, list[Block]]]:
        """Read each top-level ::: prueba block of an easy-read file as the easy-read wording
        of the lesson's quiz with that id (or, without an id, of the quiz in the same place):
        (first line index, last line index, the quiz's block or nothing)."""
        if not any(_EASY_QUIZ_OPEN.match(text) for text in lines):
            return []  # most files have none: parse them once, in render_page
        found: list[tuple[int, int, list[Block]]] = []
        seen: dict[str, int] = {}
        tokens = parse_checked(lines, ctx)
        for tok in tokens:
            if tok.type != "container_generic_open" or tok.level != 0 or not tok.map:
                continue
            name, rest = container_name(tok)
            if name != "prueba":
                continue
            start, end = tok.map[0], min(tok.map[1], len(lines) - 1)
            line = start + 1
            check_closed(tok, lines, ctx, name, line)
            words = rest.split()
            position = len(found)
            quiz_id = (
                words[0] if words else (quiz_ids[position] if position < len(quiz_ids) else "")
            )
            found.append((start, end, []))
            if quiz_id not in quiz_ids:
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
            full = self.quizzes.get(quiz_id)
            if full is None:
                continue  # the full quiz has errors, already reported
            plain_before = len(ctx.easy_plain)
            qlines = [(n + 1, lines[n]) for n in range(start + 1, end)]
            easy = parse_easy_wording(qlines, ctx, full=full, line=line)
            del ctx.easy_plain[plain_before:]  # quiz text is not lesson prose (narration)
            if easy is not None:
                self.quizzes[quiz_id] = replace(full, easy_read=easy)
                found[-1][2].append(QuizBlock(quiz_id))
        return found

    def _register_quiz(self, quiz_id: str, display: str, line: int) -> bool:
        if not valid_quiz_id(quiz_id):
            self.rep.error(
                display,
                line,
                "quiz-id",
                f"id de prueba no válido '{quiz_id}'; usa solo minúsculas sin tildes, números y "
                "guiones",
            )
            return False
        if quiz_id in self.quiz_lines:
            self.rep.error(
                display,
                line,
                "quiz-id-duplicate",
                f"ya existe una prueba con el id '{quiz_id}' ({self.quiz_lines[quiz_id]}); "
                "usa otro id",
            )
            return False
        self.quiz_lines[quiz_id] = f"{display}:{line}"
        return True

    def _quiz_block(
        self,
        tok: Any,
        qlines: list[tuple[int, str]],
        ctx: PageContext,
        lf: _LessonFile,
        title: str,
        short: str,
        quiz_ids: list[str],
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
        quiz_id = words[0] if words else short + (f"-{len(quiz_ids) + 1}" if quiz_ids else "")
        if not self._register_quiz(quiz_id, ctx.display, line):
            return None
        quiz = parse_quiz(
            qlines,
            ctx,
            quiz_id=quiz_id,
            title=f"Prueba: {title}",
            lesson_slug=lf.slug,
            line=line,
        )
        if quiz is None:
            return None
        self.quizzes[quiz_id] = quiz
        quiz_ids.append(quiz_id)
        return quiz_id

    def _quiz_file(
        self,
        lf: _LessonFile,
        meta: dict[str, Any],
        fm: FrontMatter,
        body_lines: list[str],
        ctx: PageContext,
        title: str,
        quiz_ids: list[str],
    ) -> list[Block]:
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
        quiz_id = meta.get("id") or lf.slug.split("-", 1)[1]
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
        if not self._register_quiz(quiz_id, ctx.display, line):
            return blocks
        qlines = [(n + 1, body_lines[n]) for n in range(first, len(body_lines))]
        quiz = parse_quiz(
            qlines,
            ctx,
            quiz_id=quiz_id,
            title=title,
            lesson_slug=lf.slug,
            line=first + 1 if first < len(body_lines) else (fm.start or 1),
            settings=settings,
            allow_settings=False,
            intro_html=intro_html,
        )
        if quiz is not None:
            self.quizzes[quiz_id] = quiz
            quiz_ids.append(quiz_id)
            blocks.append(QuizBlock(quiz_id))
        return blocks


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def is_media(rel: str) -> bool:
    """Whether course file REL is served as a file (image, audio, video, captions, PDF...)."""
    return Path(rel).suffix.lower() in MEDIA_EXT and not _hidden(rel)


def load_course(
    folder: Path, *, root: Path | None = None, base_url: str = "/cursos/"
) -> tuple[Course | None, list[Problem]]:
    """Load one course folder; the course is None when it has errors."""
    folder = Path(folder)
    root = Path(root) if root is not None else folder.parent
    folder_display = _display(folder, root)
    rep = Reporter()
    if not _links_stay_inside(folder, root, folder_display, rep):
        return None, rep.problems
    try:
        files = read_folder(folder)
    except OSError as exc:
        rep.error(folder_display, 0, "unreadable", f"no se pudo leer el curso ({exc.strerror})")
        return None, rep.problems
    return load_course_files(folder.name, files, folder_display=folder_display, base_url=base_url)


def load_course_files(
    slug: str,
    files: Mapping[str, bytes],
    *,
    folder_display: str | None = None,
    base_url: str = "/cursos/",
) -> tuple[Course | None, list[Problem]]:
    """Load one course from its files in memory ({relative posix path: bytes}, e.g. a stored
    revision's); problems name files as FOLDER_DISPLAY/path (default: the slug)."""
    folder_display = folder_display if folder_display is not None else slug
    loader = _CourseLoader(slug, files, folder_display, base_url)
    try:
        course = loader.load()
    except Exception as exc:  # noqa: BLE001 - report, never crash the caller
        loader.rep.error(
            folder_display,
            0,
            "internal",
            f"error interno al cargar el curso ({type(exc).__name__}: {exc}); avisa al equipo "
            "técnico",
        )
        course = None
    return course, loader.rep.problems


def _links_stay_inside(folder: Path, root: Path, folder_display: str, rep: Reporter) -> bool:
    """Report every symlink that would publish a file from outside the course."""
    if folder.is_symlink() and not _within(folder, root.resolve()):
        rep.error(
            folder_display,
            0,
            "symlink-outside",
            "la carpeta del curso es un enlace simbólico a otra carpeta fuera de los cursos; "
            "copia los archivos dentro de la carpeta en vez de enlazarlos",
        )
        return False
    escaping = escaping_links(folder)
    for rel in escaping:
        rep.error(
            f"{folder_display}/{rel}",
            0,
            "symlink-outside",
            "este archivo es un enlace simbólico a un archivo fuera del curso, que no se "
            "publica; copia el archivo dentro de la carpeta del curso",
        )
    # Nothing else is read: an error message must never quote a file from outside.
    return not escaping


def course_folders(root: Path) -> list[Path]:
    """Subfolders of root that hold a course.md, sorted by name."""
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and (p / "course.md").is_file()
    )


def _stray_folders(root: Path) -> list[Problem]:
    problems = []
    for p in sorted(root.iterdir()) if root.is_dir() else []:
        if (
            p.is_dir()
            and not p.name.startswith((".", "_"))
            and not (p / "course.md").is_file()
            and any(child.suffix == ".md" for child in p.iterdir())
        ):
            problems.append(
                Problem(
                    p.name,
                    0,
                    "warning",
                    "esta carpeta tiene lecciones pero no course.md, así que no se carga; "
                    "agrega course.md",
                    "course-missing",
                )
            )
    return problems


def _load_args(args: tuple[Path, Path, str]) -> tuple[Course | None, list[Problem]]:
    folder, root, base_url = args
    return load_course(folder, root=root, base_url=base_url)


# Below this many courses a process pool costs more than it saves.
PARALLEL_MIN_COURSES = 8


def _source_size(folder: Path) -> int:
    """Bytes of Markdown directly in a course folder: a cheap estimate of its parsing time."""
    try:
        with os.scandir(folder) as entries:
            return sum(e.stat().st_size for e in entries if e.name.endswith(".md") and e.is_file())
    except OSError:
        return 0


def load_many(
    folders: list[Path],
    root: Path,
    base_url: str,
    workers: int | None = None,
    on_result: Callable[[Path, tuple[Course | None, list[Problem]]], None] | None = None,
) -> list[tuple[Course | None, list[Problem]]]:
    """Load several course folders, on all CPU cores when there are many.

    ON_RESULT, when given, is called in this process with each folder and its result as soon as
    it is ready (in no particular order), so the caller can store it while the rest parse.
    """
    jobs = [(folder, root, base_url) for folder in folders]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    workers = min(workers, len(jobs))
    results: list[tuple[Course | None, list[Problem]] | None] = [None] * len(jobs)
    if workers > 1 and len(jobs) >= PARALLEL_MIN_COURSES:
        # Biggest courses first, one course per task: workers stay busy until the end instead of
        # one of them finishing a long batch alone.
        order = sorted(range(len(jobs)), key=lambda i: -_source_size(jobs[i][0]))
        # forkserver, not fork: the caller may be a threaded web worker, and forking a process
        # that holds locks in other threads can deadlock.
        try:
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(_load_args, jobs[i]): i for i in order}
                for future in as_completed(futures):
                    i = futures[future]
                    results[i] = future.result()
                    if on_result is not None:
                        on_result(jobs[i][0], results[i])
            return results  # type: ignore[return-value]
        except (OSError, BrokenProcessPool, pickle.PicklingError):
            pass  # fall back to loading here, one by one (the ones not loaded yet)
    for i, job in enumerate(jobs):
        if results[i] is None:
            results[i] = _load_args(job)
            if on_result is not None:
                on_result(job[0], results[i])
    return results  # type: ignore[return-value]


def load_courses(
    root: Path, *, base_url: str = "/cursos/", workers: int | None = None
) -> LoadResult:
    """Load every course under root; a broken course never stops the others."""
    root = Path(root)
    courses: dict[str, Course] = {}
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(
            Problem(root.as_posix(), 0, "error", "no existe la carpeta de cursos", "no-root")
        )
        return LoadResult({}, tuple(problems))
    for course, found in load_many(course_folders(root), root, base_url, workers):
        problems.extend(found)
        if course is not None:
            courses[course.slug] = course
    problems.extend(_stray_folders(root))
    return LoadResult(courses, tuple(problems))


def check_paths(paths: list[Path]) -> list[Problem]:
    """Check courses given as the courses root, a course folder, or one .md file of a course."""
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(
                Problem(str(raw), 0, "error", "no existe este archivo o carpeta", "no-path")
            )
        elif path.is_file():
            folder = path.parent
            if not (folder / "course.md").is_file():
                problems.append(
                    Problem(
                        str(raw),
                        0,
                        "error",
                        "el archivo no está en una carpeta de curso (falta course.md al lado)",
                        "not-in-course",
                    )
                )
                continue
            _course, found = load_course(folder, root=folder.parent)
            wanted = _display(path, folder.parent)
            problems.extend(p for p in found if p.path == wanted)
        elif (path / "course.md").is_file():
            problems.extend(load_course(path, root=path.parent)[1])
        else:
            if not course_folders(path):
                problems.append(
                    Problem(
                        str(raw),
                        0,
                        "error",
                        "no hay cursos en esta carpeta (cada curso es una carpeta con course.md)",
                        "no-courses",
                    )
                )
            problems.extend(load_courses(path).problems)
    return problems
