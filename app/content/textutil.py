"""Small text helpers shared by the content modules."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
_KEY_SEP = re.compile(r"[\s-]+")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_accents(text: str) -> str:
    """Return text without combining marks (é -> e, ñ -> n)."""
    if text.isascii():
        return text  # the common case; NFKD would not change it
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    """Lowercase without accents ("José Núñez" -> "jose nunez"): how names are compared."""
    return strip_accents(text or "").lower()


def norm_key(text: str) -> str:
    """Normalise a key for matching: lowercase, no accents, spaces as underscores."""
    return _norm_key(str(text))


@lru_cache(maxsize=4096)
def _norm_key(text: str) -> str:
    # Keys, block names and option values repeat across every lesson.
    return _KEY_SEP.sub("_", strip_accents(text).strip().lower())


def slugify(text: str) -> str:
    """Make an ascii slug (for heading ids)."""
    slug = _SLUG_STRIP.sub("-", strip_accents(text).lower()).strip("-")
    return slug or "seccion"


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' ¿quisiste decir 'x'?' when a close choice exists, else ''."""
    match = difflib.get_close_matches(norm_key(word), list(choices), n=1, cutoff=0.6)
    return f" ¿quisiste decir '{match[0]}'?" if match else ""


def shorten(text: str, limit: int) -> str:
    """TEXT cut to LIMIT characters, with "..." when it was longer (quotes in messages)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
