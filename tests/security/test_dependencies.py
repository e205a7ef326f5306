"""The environment `scripts/setup.sh` builds (issue 13, finding 16)."""

from __future__ import annotations

from importlib.metadata import version

import pytest


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


@pytest.mark.nodb
def test_setuptools_is_upgraded_past_known_cves():
    """Issue 13 finding 16: a new venv's setuptools (65.x on Python 3.11) has known CVEs
    (CVE-2024-6345 fixed in 70.0.0, CVE-2025-47273 fixed in 78.1.1); setup.sh upgrades it."""
    assert _release(version("setuptools")) >= (78, 1, 1)
