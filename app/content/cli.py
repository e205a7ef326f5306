"""Command line: `python -m app.content check [PATH...] [--format json]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .loader import check_paths
from .problems import format_problems


def run_check(paths: list[str], fmt: str = "text") -> tuple[str, int]:
    """Check paths; return the report and the exit code (1 when there are errors)."""
    problems = check_paths([Path(p) for p in paths or ["courses"]])
    code = 1 if any(p.severity == "error" for p in problems) else 0
    return format_problems(problems, fmt), code


def main(argv: list[str] | None = None) -> int:
    """Entry point for the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m app.content", description="Revisa cursos de Aula REFICOOP."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="revisa cursos y muestra errores y avisos")
    check.add_argument("paths", nargs="*", default=["courses"], metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    report, code = run_check(args.paths, args.format)
    sys.stdout.write(report + "\n")
    return code
