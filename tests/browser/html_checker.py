"""The Nu HTML Checker (vnu, from npm) over HTML files saved as the server sent them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str]:
    """The checker's command line (errors only, one line each); skipped without it, and a
    failure where the suite requires its browser tools (CI)."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        message = "the Nu HTML Checker needs java and node_modules/vnu-jar (npm ci)"
        if os.environ.get("AULA_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "gnu"]


def html_errors(paths: list[Path]) -> list[str]:
    """The checker's errors over the files PATHS, in one run (asserts the checker itself ran)."""
    result = subprocess.run(
        [*vnu_command(), *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode in (0, 1), result.stderr[-4000:]
    return [line for line in (result.stderr + result.stdout).splitlines() if ": error:" in line]


def save_page(context, url: str, path: Path) -> Path:
    """Write the HTML the server sends to CONTEXT (its cookies) for URL to PATH."""
    path.write_text(context.request.get(url).text(), encoding="utf-8")
    return path
