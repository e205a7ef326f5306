"""Command line: `python -m app.content check [PATH...] [--format json]` and
`python -m app.content quiz-cues [PATH...]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .loader import check_paths, course_folders, load_course
from .problems import format_problems, plural
from .quiz_cues import course_figures, figures_line, has_easy_read


def run_check(paths: list[str], fmt: str = "text") -> tuple[str, int]:
    """Check paths; return the report and the exit code (1 when there are errors)."""
    problems = check_paths([Path(p) for p in paths or ["courses"]])
    code = 1 if any(p.severity == "error" for p in problems) else 0
    return format_problems(problems, fmt), code


def _course_folder_list(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The course folders PATHS name (a courses root, a course folder or a file of a course),
    and a Spanish line for each path that names none."""
    folders: list[Path] = []
    bad: list[str] = []
    for path in paths:
        if not path.exists():
            bad.append(f"{path}: no existe este archivo o carpeta")
        elif (path / "course.md").is_file():
            folders.append(path)
        elif path.is_file() and (path.parent / "course.md").is_file():
            folders.append(path.parent)
        elif path.is_dir() and course_folders(path):
            folders.extend(course_folders(path))
        else:
            bad.append(f"{path}: aquí no hay cursos (cada curso es una carpeta con course.md)")
    unique = list(dict.fromkeys(f.resolve() for f in folders))
    return unique, bad


def run_quiz_cues(paths: list[str]) -> tuple[str, int]:
    """The quiz-cue figures of each course in PATHS, one line per course; the exit code is 1
    when a path names no course or a course does not load."""
    folders, bad = _course_folder_list([Path(p) for p in paths or ["courses"]])
    lines = list(bad)
    for folder in folders:
        course, problems = load_course(folder, root=folder.parent)
        if course is None:
            errors = sum(1 for p in problems if p.severity == "error")
            lines.append(
                f"{folder.name}: no se puede medir: tiene {plural(errors, 'error', 'errores')}; "
                "corrígelos (flask courses check)"
            )
            bad.append(folder.name)
            continue
        quizzes = list(course.quizzes.values())
        lines.append(figures_line(course.slug, course_figures(quizzes)))
        if has_easy_read(quizzes):
            lines.append(
                figures_line(f"{course.slug} (lectura fácil)", course_figures(quizzes, True))
            )
    return "\n".join(lines), 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point for the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m app.content", description="Revisa cursos de Aula REFICOOP."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="revisa cursos y muestra errores y avisos")
    check.add_argument("paths", nargs="*", default=["courses"], metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    cues = sub.add_parser(
        "quiz-cues",
        help="cuánto acierta en las pruebas de cada curso quien elige solo por la forma",
    )
    cues.add_argument("paths", nargs="*", default=["courses"], metavar="PATH")
    args = parser.parse_args(argv)
    if args.command == "quiz-cues":
        report, code = run_quiz_cues(args.paths)
    else:
        report, code = run_check(args.paths, args.format)
    sys.stdout.write(report + "\n")
    return code
