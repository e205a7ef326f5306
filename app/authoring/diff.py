"""A per-file, line-based comparison of two versions of a course (for people, not for patch)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

CONTEXT = 2  # unchanged lines shown around each change


@dataclass(frozen=True)
class Line:
    kind: str  # "same", "added", "removed"
    old: int | None  # line number in the old text
    new: int | None  # line number in the new text
    text: str


@dataclass(frozen=True)
class FileDiff:
    path: str
    status: str  # "added", "removed", "changed"
    binary: bool
    hunks: tuple[tuple[Line, ...], ...]  # runs of lines around the changes (text files)
    added: int
    removed: int


def compare(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[FileDiff]:
    """What changed from OLD to NEW, file by file in path order (unchanged files left out)."""
    out = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        old_lines, new_lines = _lines(before), _lines(after)
        if old_lines is None or new_lines is None:
            out.append(FileDiff(path, status, True, (), 0, 0))
            continue
        hunks, added, removed = _hunks(old_lines, new_lines)
        out.append(FileDiff(path, status, False, hunks, added, removed))
    return out


def _lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8").replace("\r\n", "\n").split("\n")
    except UnicodeDecodeError:
        return None


def _hunks(a: list[str], b: list[str]) -> tuple[tuple[tuple[Line, ...], ...], int, int]:
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    hunks = []
    added = removed = 0
    for group in matcher.get_grouped_opcodes(CONTEXT):
        lines: list[Line] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
                continue
            if tag in ("replace", "delete"):
                lines += [Line("removed", i + 1, None, a[i]) for i in range(i1, i2)]
                removed += i2 - i1
            if tag in ("replace", "insert"):
                lines += [Line("added", None, j + 1, b[j]) for j in range(j1, j2)]
                added += j2 - j1
        hunks.append(tuple(lines))
    return tuple(hunks), added, removed
