"""Fixtures for the content engine tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The editable install may predate the app package; make the repo root importable regardless.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from .helpers import CourseBuilder  # noqa: E402


@pytest.fixture
def build(tmp_path: Path) -> CourseBuilder:
    return CourseBuilder(tmp_path / "courses")
