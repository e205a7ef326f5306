"""Section ids of a course's pages and the links to them: each heading's unique id, and the
links to a section (#id) checked once every page of the course is read."""

from __future__ import annotations

import difflib
import posixpath
from dataclasses import dataclass, field

from .problems import Reporter

SECTION_IDS_SHOWN = 8


def page_key(display: str) -> str:
    """The page a file belongs to: '01-inicio' for 01-inicio.md and 01-inicio.lf.md."""
    name = posixpath.basename(display)
    name = name[:-3] if name.endswith(".md") else name
    return name[:-3] if name.endswith(".lf") else name


@dataclass(frozen=True)
class SectionLink:
    """A link to a section (#id) seen on a page, checked once every page of the course is read."""

    display: str  # the file the link is in
    line: int
    page: str  # page_key of the target page
    fragment: str
    target: str = ""  # the file name as written in the link; "" for a link within the page


class HeadingIds:
    """The section ids handed out on one page (and its easy-read version), each unique.

    A repeated title gets -2, -3...; the next number to try is remembered per title, so 10,000
    identical headings cost 10,000 steps, not 50 million (issue 25)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self._next: dict[str, int] = {}

    def __contains__(self, hid: object) -> bool:
        return hid in self.taken

    def take(self, base: str) -> str:
        n = self._next.get(base, 1)
        candidate = base if n == 1 else f"{base}-{n}"
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self._next[base] = n
        self.taken.add(candidate)
        return candidate


# A missing section's message names the closest id; comparing is quadratic in the ids' length,
# so only this many ids (of this length) are compared, for this many links of a course.
CLOSEST_MAX_IDS = 200


CLOSEST_MAX_CHARS = 80


CLOSEST_MAX_LINKS = 50


@dataclass
class SectionIndex:
    """Heading ids of every page of a course and the section links that point at them."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    links: list[SectionLink] = field(default_factory=list)

    def add_id(self, page: str, hid: str) -> None:
        self.ids.setdefault(page, []).append(hid)

    def merge(self, other: SectionIndex) -> None:
        """Add the ids and links of OTHER (a page rendered after the ones already here)."""
        for page, ids in other.ids.items():
            self.ids.setdefault(page, []).extend(ids)
        self.links.extend(other.links)

    def check(self, rep: Reporter) -> None:
        """Report every link to a section id that its page does not have."""
        known = {page: set(ids) for page, ids in self.ids.items()}
        missing = 0
        for link in self.links:
            if link.fragment in known.get(link.page, ()):
                continue
            ids = self.ids.get(link.page, [])
            missing += 1
            message = _missing_section(link, ids, closest=missing <= CLOSEST_MAX_LINKS)
            rep.error(link.display, link.line, "link-missing-section", message)


def _closest(fragment: str, ids: list[str]) -> list[str]:
    """The id most like FRAGMENT, compared on bounded prefixes of bounded many ids."""
    shortened = {hid[:CLOSEST_MAX_CHARS]: hid for hid in reversed(ids[:CLOSEST_MAX_IDS])}
    found = difflib.get_close_matches(fragment[:CLOSEST_MAX_CHARS], list(shortened), n=1, cutoff=0)
    return [shortened[found[0]]] if found else []


def _missing_section(link: SectionLink, ids: list[str], *, closest: bool = True) -> str:
    where = link.target or "esta lección"
    message = f"el enlace lleva a la sección '#{link.fragment}', que no existe en {where}; "
    if not ids:
        return message + (
            f"{where} no tiene títulos de sección (##): enlaza la lección sin '#{link.fragment}'"
        )
    nearest = _closest(link.fragment, ids) if closest else []
    ordered = nearest + [hid for hid in ids[: SECTION_IDS_SHOWN + 1] if hid not in nearest]
    shown = ", ".join(f"#{hid}" for hid in ordered[:SECTION_IDS_SHOWN])
    if len(ids) > SECTION_IDS_SHOWN:
        shown += f" y {len(ids) - SECTION_IDS_SHOWN} más"
    return message + (
        f"usa una de sus secciones: {shown} (el id es c- y el título en minúsculas, sin tildes "
        "y con guiones)"
    )
