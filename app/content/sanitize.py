"""Last line of defence: every HTML string the engine emits passes through this allowlist."""

from __future__ import annotations

import re
from functools import lru_cache

import bleach

# Only what the renderer produces. Anything else (script, iframe, object, style, forms...) is
# stripped, whatever a course file contains.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "aside", "audio", "blockquote", "br", "code", "dd", "del", "details", "div",
        "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
        "ol", "p", "pre", "s", "span", "strong", "summary", "table", "tbody", "td", "th", "thead",
        "tr", "track", "ul", "video",
    }
)  # fmt: skip

INLINE_TAGS = frozenset({"a", "abbr", "br", "code", "del", "em", "s", "span", "strong"})

ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "a": ["href", "title", "rel", "class"],
    "aside": ["class", "aria-label"],
    "audio": ["src", "controls", "preload"],
    "code": ["class"],
    "details": ["id"],
    # role, tabindex, aria-label: table scroll regions and callout notes (html_rules.py)
    "div": ["class", "lang", "role", "tabindex", "aria-label"],
    "figure": ["class"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "h5": ["id"],
    "h6": ["id"],
    "img": ["src", "alt", "title", "loading"],
    "ol": ["start"],
    "p": ["class"],
    "span": ["class", "lang"],
    "td": ["class"],
    "th": ["scope", "class"],
    "track": ["kind", "srclang", "label", "src", "default"],
    "video": ["src", "controls", "preload"],
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_block_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)
_inline_cleaner = bleach.Cleaner(
    tags=INLINE_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


# Text that bleach provably returns unchanged: no markup-significant character (`<`, `>`, `&`), no
# character html5lib rewrites (CR, NUL, other C0/C1 controls, which bleach turns into "?" or drops)
# and no surrogate or non-character. Astral characters are left to bleach too. Quotes only matter
# inside attributes, and text with no `<` has none. Checked against both cleaners for every BMP
# character and with a hypothesis property (fast path output == bleach output).
_PLAIN_TEXT = re.compile(
    r"[\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd]*"
)


def is_plain_text(html: str) -> bool:
    """True when the string has nothing bleach would change (see _PLAIN_TEXT)."""
    return _PLAIN_TEXT.fullmatch(html) is not None


@lru_cache(maxsize=1024)
def clean_html(html: str) -> str:
    """Sanitise block HTML against the allowlist. Remembered: a course is checked again at every
    save in the workshop, and all its files but one render to the same HTML as before."""
    if not html or is_plain_text(html):
        return html
    return _block_cleaner.clean(html)


@lru_cache(maxsize=4096)
def clean_inline(html: str) -> str:
    """Sanitise inline HTML (quiz prompts, options, hints); short strings repeat a lot."""
    if not html or is_plain_text(html):
        return html
    return _inline_cleaner.clean(html)
