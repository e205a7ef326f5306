"""Collect problems while loading and format them for people and machines."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .model import Problem


class Reporter:
    """Accumulate problems for one load."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, path: str, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(path, line, "error", message, code))

    def warning(self, path: str, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(path, line, "warning", message, code))

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Order problems by file and line so output reads top to bottom."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.severity != "error", p.code))


def plural(n: int, one: str, many: str) -> str:
    """'1 error', '2 errores': the count and the word that agrees with it."""
    return f"{n} {one if n == 1 else many}"


def summary(problems: Iterable[Problem]) -> str:
    """One line: how many errors and warnings."""
    items = list(problems)
    errors = sum(1 for p in items if p.severity == "error")
    warnings = len(items) - errors
    if not items:
        return "Todo bien: 0 errores, 0 avisos."
    return f"{plural(errors, 'error', 'errores')}, {plural(warnings, 'aviso', 'avisos')}."


def format_problems(problems: Iterable[Problem], fmt: str = "text") -> str:
    """Render problems as `path:line: severity: message` lines plus a summary, or as JSON."""
    items = sort_problems(problems)
    if fmt == "json":
        data = {
            "errors": sum(1 for p in items if p.severity == "error"),
            "warnings": sum(1 for p in items if p.severity == "warning"),
            "problems": [
                {
                    "path": p.path,
                    "line": p.line,
                    "severity": p.severity,
                    "code": p.code,
                    "message": p.message,
                }
                for p in items
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}")
    lines = [p.format() for p in items]
    lines.append(summary(items))
    return "\n".join(lines)
