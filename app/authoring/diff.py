"""A per-file, line-based comparison of two versions of a course (for people, not for patch).

The cost of a page is bounded whatever the files hold (issue 25: difflib's SequenceMatcher took
46 s on 1,500 lines of `a` against `a`/`c` alternating). Common first and last lines are set
aside in linear time; what is left is compared with Myers' O((N+M)·D) algorithm on line numbers,
stopped after WORK_BUDGET steps for the whole page. A file whose comparison would cost more, or
would show more than SHOWN_LINES_BUDGET lines on the page, is shown as a summary instead: how
many lines are new and how many are no longer there (counted by content, in linear time, so a
line that only moved counts as neither). Past COUNTED_BYTES_BUDGET or COUNTED_LINES_BUDGET of
text on one page, files are only named as changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

CONTEXT = 2  # unchanged lines shown around each change
WORK_BUDGET = 600_000  # Myers steps (diagonals tried + lines matched) for one page
SHOWN_LINES_BUDGET = 3_000  # lines shown line by line on one page
MAX_COMPARED_LINES = 20_000  # lines of one file (both versions, past the common ends)
COUNTED_BYTES_BUDGET = 8 * 1024 * 1024  # text split into lines on one page
COUNTED_LINES_BUDGET = 1_000_000  # and its lines

_BLOCK = 1024  # lines compared at once when looking for the common first and last lines

Opcode = tuple[str, int, int, int, int]


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
    added: int | None  # None: too much text on the page to count
    removed: int | None
    summary: bool = False  # too big to show line by line: only the counts are shown


class _Budget:
    """What one page may still spend."""

    def __init__(self) -> None:
        self.work = WORK_BUDGET
        self.shown = SHOWN_LINES_BUDGET
        self.bytes = COUNTED_BYTES_BUDGET
        self.lines = COUNTED_LINES_BUDGET

    def take(self, before: bytes, after: bytes) -> bool:
        """Whether the text of a file's two versions may still be split into lines."""
        size = len(before) + len(after)
        if size > self.bytes:
            return False
        lines = before.count(b"\n") + after.count(b"\n") + 2
        if lines > self.lines:
            return False
        self.bytes -= size
        self.lines -= lines
        return True


def compare(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[FileDiff]:
    """What changed from OLD to NEW, file by file in path order (unchanged files left out)."""
    out = []
    budget = _Budget()
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        if _binary(before) or _binary(after):
            out.append(FileDiff(path, status, True, (), 0, 0))
            continue
        if not budget.take(before or b"", after or b""):
            out.append(FileDiff(path, status, False, (), None, None, summary=True))
            continue
        old_lines, new_lines = _lines(before), _lines(after)
        if old_lines is None or new_lines is None:
            out.append(FileDiff(path, status, True, (), 0, 0))
            continue
        out.append(_file_diff(path, status, old_lines, new_lines, budget))
    return out


def _binary(data: bytes | None) -> bool:
    return data is not None and b"\0" in data


def _lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        return data.decode("utf-8").replace("\r\n", "\n").split("\n")
    except UnicodeDecodeError:
        return None


def _file_diff(path: str, status: str, a: list[str], b: list[str], budget: _Budget) -> FileDiff:
    codes = _opcodes(a, b, budget)
    if codes is not None:
        groups = list(_grouped(codes, CONTEXT))
        shown = sum(
            i2 - i1 + j2 - j1 if tag != "equal" else i2 - i1
            for g in groups
            for tag, i1, i2, j1, j2 in g
        )
        removed = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in codes if tag != "equal")
        added = sum(j2 - j1 for tag, _i1, _i2, j1, j2 in codes if tag != "equal")
        if shown <= budget.shown:
            budget.shown -= shown
            return FileDiff(path, status, False, _hunks(groups, a, b), added, removed)
        return FileDiff(path, status, False, (), added, removed, summary=True)
    before, after = Counter(a), Counter(b)
    return FileDiff(
        path,
        status,
        False,
        (),
        (after - before).total(),
        (before - after).total(),
        summary=True,
    )


def _hunks(groups: list[list[Opcode]], a: list[str], b: list[str]) -> tuple[tuple[Line, ...], ...]:
    hunks = []
    for group in groups:
        lines: list[Line] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
                continue
            lines += [Line("removed", i + 1, None, a[i]) for i in range(i1, i2)]
            lines += [Line("added", None, j + 1, b[j]) for j in range(j1, j2)]
        hunks.append(tuple(lines))
    return tuple(hunks)


def _opcodes(a: list[str], b: list[str], budget: _Budget) -> list[Opcode] | None:
    """difflib-style opcodes from A to B (a shortest edit), or None when over the budget."""
    n, m = len(a), len(b)
    start = _common_run(a, b, min(n, m), lambda i, j: (slice(i, j), slice(i, j)))
    end = _common_run(
        a, b, min(n, m) - start, lambda i, j: (slice(n - j, n - i), slice(m - j, m - i))
    )
    middle_a, middle_b = a[start : n - end], b[start : m - end]
    if len(middle_a) + len(middle_b) > MAX_COMPARED_LINES:
        return None
    ids: dict[str, int] = {}
    xs = [ids.setdefault(line, len(ids)) for line in middle_a]
    ys = [ids.setdefault(line, len(ids)) for line in middle_b]
    matches = _myers(xs, ys, budget)
    if matches is None:
        return None
    blocks = [(0, 0, start)] if start else []
    for i, j in matches:
        i, j = i + start, j + start
        if blocks and blocks[-1][0] + blocks[-1][2] == i and blocks[-1][1] + blocks[-1][2] == j:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] + 1)
        else:
            blocks.append((i, j, 1))
    if end:
        blocks.append((n - end, m - end, end))
    codes: list[Opcode] = []
    i = j = 0
    for bi, bj, size in [*blocks, (n, m, 0)]:
        if i < bi or j < bj:
            tag = "replace" if i < bi and j < bj else "delete" if i < bi else "insert"
            codes.append((tag, i, bi, j, bj))
        if size:
            codes.append(("equal", bi, bi + size, bj, bj + size))
        i, j = bi + size, bj + size
    return codes


def _common_run(a: list[str], b: list[str], most: int, at) -> int:
    """How many lines (at most MOST) A and B share at one end; AT(i, j) gives the slices of A and
    B that hold lines i to j counted from that end. Compared 1,024 lines at a time (in C: a loop
    over lines in Python is slow), then line by line in the first block that differs."""
    done = 0
    while done < most:
        stop = min(done + _BLOCK, most)
        sa, sb = at(done, stop)
        if a[sa] != b[sb]:
            break
        done = stop
    while done < most:
        sa, sb = at(done, done + 1)
        if a[sa] != b[sb]:
            break
        done += 1
    return done


def _myers(a: list[int], b: list[int], budget: _Budget) -> list[tuple[int, int]] | None:
    """The pairs (i, j) with a[i] == b[j] kept by a shortest edit script from A to B (Myers,
    1986), in order; None once the page's work budget is spent."""
    n, m = len(a), len(b)
    if not n or not m:
        return []
    offset = n + m + 1
    v = [0] * (2 * offset + 1)
    trace: list[list[int]] = []  # v[-d-1 .. d+1] at the start of each step d
    for d in range(n + m + 1):
        trace.append(v[offset - d - 1 : offset + d + 2])
        budget.work -= d + 1
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            x0 = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            budget.work -= x - x0
            v[offset + k] = x
            if x >= n and y >= m:
                return _backtrack(trace, n, m)
        if budget.work < 0:
            return None
    return None  # not reached: D <= n + m


def _backtrack(trace: list[list[int]], x: int, y: int) -> list[tuple[int, int]]:
    pairs = []
    for d in range(len(trace) - 1, -1, -1):
        v = trace[d]  # index k + d + 1
        k = x - y
        down = k == -d or (k != d and v[k - 1 + d + 1] < v[k + 1 + d + 1])
        prev_k = k + 1 if down else k - 1
        prev_x = v[prev_k + d + 1]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x, y = x - 1, y - 1
            pairs.append((x, y))
        if d:
            x, y = prev_x, prev_y
    pairs.reverse()
    return pairs


def _grouped(codes: list[Opcode], n: int) -> Iterator[list[Opcode]]:
    """The changes with N lines of context around them (difflib's get_grouped_opcodes)."""
    codes = list(codes)
    if not codes:
        return
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group
