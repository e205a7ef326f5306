"""Load course folders into immutable Course objects, collecting every problem on the way.

A course loads in two passes: index.py reads every file into an immutable CourseIndex (files,
lessons, the course's front matter), then pages.py renders each page with a fresh context
against it; this module puts the pages together into a Course and checks what spans pages
(links to sections, answer patterns across quizzes, the quizzes named for completion).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .folder import (
    course_version,
    escaping_links,
    files_version,
    list_files,
    read_folder,
    within,
)
from .index import CourseIndex, build_index, is_media
from .index import hidden as _hidden
from .model import CompletionRule, Course, Lesson, LoadResult, Problem
from .page_cache import render_lesson_cached
from .pages import QuizTable, render_intro
from .problems import Reporter
from .quiz_lint import check_quizzes
from .renderer import PageTooComplex
from .schemas import (
    COURSE_SCHEMA,
    COURSE_SLUG,
    EASY_FILE,
    EASY_SCHEMA,
    LESSON_FILE,
    LESSON_SCHEMA,
    NARRATION_EXT,
    QUIZ_FILE_SCHEMA,
    QUIZ_ONLY,
)
from .sections import SectionIndex

__all__ = [  # what the rest of the app takes from here (the loader's public face)
    "COURSE_SCHEMA",
    "COURSE_SLUG",
    "EASY_FILE",
    "EASY_SCHEMA",
    "LESSON_FILE",
    "LESSON_SCHEMA",
    "NARRATION_EXT",
    "QUIZ_FILE_SCHEMA",
    "QUIZ_ONLY",
    "_hidden",
    "check_paths",
    "course_folders",
    "course_version",
    "escaping_links",
    "files_version",
    "is_media",
    "list_files",
    "load_course",
    "load_course_files",
    "load_courses",
    "load_many",
    "read_folder",
]


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _assemble(index: CourseIndex, rep: Reporter) -> Course | None:
    """Pass 2 and the course-wide checks: render every page, then put the course together."""
    sections = SectionIndex()  # heading ids and #links of every page, checked at the end
    table = QuizTable()
    course_meta = dict(index.course_meta)
    page_sections = SectionIndex()
    try:
        intro_html = render_intro(index, rep, page_sections)
    except PageTooComplex:
        course_meta, intro_html = {}, ""  # reported at its line
    finally:
        sections.merge(page_sections)
    built: list[Lesson] = []
    for entry in index.lessons:
        page_rep, page_sections = Reporter(), SectionIndex()
        try:
            lesson = render_lesson_cached(index, entry, table, page_rep, page_sections)
        except PageTooComplex:
            lesson = None  # reported at its line; rendering the rest would be slow
        except Exception as exc:  # noqa: BLE001 - a bad file must never stop the load
            page_rep.error(
                index.display(entry.path),
                0,
                "internal",
                f"error interno al leer este archivo ({type(exc).__name__}); avisa al equipo "
                "técnico",
            )
            lesson = None
        finally:
            rep.problems.extend(page_rep.problems)
            sections.merge(page_sections)
        if lesson is not None:
            built.append(lesson)
    sections.check(rep)  # links to #sections, now that every page is read
    check_quizzes(table.quizzes.values(), rep)  # course-wide answer patterns
    completion = course_meta.get("aprobacion", CompletionRule())
    if completion.quizzes == "listed":
        for qid in completion.quiz_ids:
            if qid not in table.quizzes:
                rep.error(
                    index.display("course.md"),
                    index.course_fm_lines.get("aprobacion", 1),
                    "completion-unknown-quiz",
                    f"la prueba '{qid}' de 'aprobacion' no existe en el curso; revisa el id",
                )
    if rep.has_errors() or not course_meta.get("titulo"):
        return None
    return Course(
        slug=index.slug,
        version=index.version,
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
        quizzes=dict(table.quizzes),
        media_files=index.media,
        media_hashes=dict(index.media_hashes),
        path=index.folder_display,
        easy_read_validation=course_meta.get("lectura_facil_validada"),
    )


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
    rep = Reporter()
    try:
        course = _assemble(build_index(slug, files, folder_display, base_url, rep), rep)
    except Exception as exc:  # noqa: BLE001 - report, never crash the caller
        rep.error(
            folder_display,
            0,
            "internal",
            f"error interno al cargar el curso ({type(exc).__name__}: {exc}); avisa al equipo "
            "técnico",
        )
        course = None
    return course, rep.problems


def _links_stay_inside(folder: Path, root: Path, folder_display: str, rep: Reporter) -> bool:
    """Report every symlink that would publish a file from outside the course."""
    if folder.is_symlink() and not within(folder, root.resolve()):
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
