"""Put every lesson of a course on one page: headings one level down, ids made unique.

Works on the sanitiser's output (lower-case tags, double-quoted attributes), so simple
patterns are enough. The result stays safe: only tag names and id values change.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from app.content.safe import content_html

_HEADING = re.compile(r"<(/?)h([1-6])\b")
_ID_ATTR = re.compile(r'\b(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]+)"')
_LOCAL_HREF = re.compile(r'\bhref="#([^"]+)"')
_DETAILS = re.compile(r"<details\b(?![^>]*\bopen\b)")


def shift_headings(html: str, by: int = 1) -> str:
    """Move every heading BY levels down (h2 -> h3), never past h6."""

    def repl(m: re.Match) -> str:
        return f"<{m.group(1)}h{min(6, int(m.group(2)) + by)}"

    return _HEADING.sub(repl, html)


def prefix_ids(html: str, prefix: str) -> str:
    """Prefix every id and every reference to one, so lessons on one page never clash."""

    def ids(m: re.Match) -> str:
        values = " ".join(f"{prefix}-{v}" for v in m.group(2).split())
        return f'{m.group(1)}="{values}"'

    html = _ID_ATTR.sub(ids, html)
    return _LOCAL_HREF.sub(lambda m: f'href="#{prefix}-{m.group(1)}"', html)


def link_lessons_in_page(html: str, course_slug: str, lesson_slugs: set[str]) -> str:
    """Turn links to another lesson of the course into links within the page."""
    pattern = re.compile(
        r'href="/cursos/' + re.escape(course_slug) + r'/([A-Za-z0-9_-]+)(?:#([^"]+))?"'
    )

    def repl(m: re.Match) -> str:
        slug, fragment = m.group(1), m.group(2)
        if slug not in lesson_slugs:
            return m.group(0)
        if fragment:
            return f'href="#{slug}-{fragment}"'
        return f'href="#leccion-{slug}"'

    return pattern.sub(repl, html)


def open_details(html: str) -> str:
    """Transcripts open: a printed page cannot be clicked."""
    return _DETAILS.sub("<details open", html)


def for_full_page(html: str, course_slug: str, lesson_slug: str, lesson_slugs: set[str]) -> Markup:
    html = prefix_ids(shift_headings(html), lesson_slug)
    html = link_lessons_in_page(html, course_slug, lesson_slugs)
    return content_html(open_details(html))  # sanitised content; ids and headings renamed only
