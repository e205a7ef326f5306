"""Time the course check on pathological inputs (bench/pathological.py), family by family.

    .venv/bin/python bench/bench_pathological.py [--timeout 20] [--repeat 3] [FAMILY ...]

For each family the whole course is checked (load_course_files: parse, lint, render, sanitise)
at 1/64, 1/16, 1/4 and all of the largest size one file allows (MAX_FILE_CHARS), each run in a
child process killed after --timeout seconds; a family stops growing at its first timeout.
With --reported, each family the review named is run once at the size it reported. Prints a Markdown
table (median of --repeat runs, seconds) and, with --json FILE, writes the figures. Results
before and after the fix are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pathological import FAMILIES, REPORTED_SIZE, allowed_size  # noqa: E402

FRACTIONS = (64, 16, 4, 1)


def _check(family: str, size: int, queue) -> None:
    from app.content.loader import load_course_files

    files = FAMILIES[family](size)
    started = time.perf_counter()
    course, problems = load_course_files("curso-lento", files)
    elapsed = time.perf_counter() - started
    codes = sorted({p.code for p in problems if p.severity == "error"})
    queue.put((elapsed, course is not None, codes))


def time_once(family: str, size: int, timeout: float) -> tuple[float | None, list[str]]:
    """Seconds one check took in a fresh process, or None when it passed TIMEOUT."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_check, args=(family, size, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return None, []
    elapsed, _loaded, codes = queue.get(timeout=5)
    return elapsed, codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("families", nargs="*", default=list(FAMILIES))
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--reported", action="store_true", help="the review's sizes only")
    args = parser.parse_args(argv)
    figures: dict[str, list[dict]] = {}
    print("| family | size | median s | errors reported |")
    print("|---|---:|---:|---|")
    families = list(REPORTED_SIZE) if args.reported else args.families
    for family in families:
        rows = figures.setdefault(family, [])
        largest = allowed_size(family)
        sizes = [REPORTED_SIZE[family]] if args.reported else [largest // f for f in FRACTIONS]
        for size in sizes:
            runs = []
            codes: list[str] = []
            for _ in range(args.repeat):
                elapsed, codes = time_once(family, size, args.timeout)
                if elapsed is None:
                    runs = []
                    break
                runs.append(elapsed)
            median = statistics.median(runs) if runs else None
            rows.append({"size": size, "median_s": median, "errors": codes})
            shown = f"{median:.3f}" if median is not None else f"> {args.timeout:.0f}"
            print(f"| {family} | {size:,} | {shown} | {', '.join(codes)} |", flush=True)
            if median is None:
                break
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
