"""What the renderer knows about the page it renders, and where it reports problems."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from .problems import Reporter
from .sections import HeadingIds, SectionIndex, page_key
from .textutil import slugify


@dataclass
class PageContext:
    """Everything the renderer needs to know about the page it renders (and where to report)."""

    display: str
    rep: Reporter
    course_slug: str = ""
    base_url: str = "/cursos/"
    files: frozenset[str] = frozenset()  # every file in the course folder, relative posix path
    # SHA-256 of each media file: its URL carries the first 12 hex digits, so a browser never
    # keeps showing a replaced file under the same name.
    file_hashes: Mapping[str, str] = field(default_factory=dict)
    lesson_slugs: frozenset[str] = frozenset()
    heading_ids: HeadingIds = field(default_factory=HeadingIds)
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    last_level: int = 1
    media_counter: int = 0
    table_counter: int = 0
    easy_read: bool = False
    allow_quizzes: bool = True
    plain: list[str] = field(default_factory=list)
    easy_plain: list[str] = field(default_factory=list)
    # The heading ids and section links of this page; the loader checks the links once every
    # page of the course is rendered (SectionIndex.merge, SectionIndex.check).
    sections: SectionIndex = field(default_factory=SectionIndex)

    # --- helpers -------------------------------------------------------------------------------
    def error(self, line: int, code: str, message: str) -> None:
        self.rep.error(self.display, line, code, message)

    def warning(self, line: int, code: str, message: str) -> None:
        self.rep.warning(self.display, line, code, message)

    def file_url(self, rel: str) -> str:
        url = f"{self.base_url}{self.course_slug}/archivos/{quote(rel)}"
        digest = self.file_hashes.get(rel)
        return f"{url}?v={digest[:12]}" if digest else url

    def lesson_url(self, slug: str, fragment: str = "") -> str:
        return f"{self.base_url}{self.course_slug}/{slug}" + (f"#{fragment}" if fragment else "")

    def unique_id(self, text: str) -> str:
        candidate = self.heading_ids.take("c-" + slugify(text))
        self.sections.add_id(page_key(self.display), candidate)
        return candidate

    def resolve(self, ref: str, line: int, allowed: frozenset[str], what: str) -> str | None:
        """Check a reference to a file in the course folder; return its relative path."""
        ref = unquote(ref.strip())
        if ref.startswith("./"):
            ref = ref[2:]
        rel = posixpath.normpath(ref) if ref else ""
        if not rel or rel.startswith(("/", "..")) or rel == ".":
            self.error(
                line,
                "media-outside",
                f"la ruta '{ref}' sale de la carpeta del curso; pon el archivo dentro de ella "
                "(por ejemplo, media/archivo)",
            )
            return None
        ext = posixpath.splitext(rel)[1].lower()
        if ext not in allowed:
            self.error(
                line,
                "media-type",
                f"'{rel}' no es un tipo de archivo válido para {what}; usa "
                + ", ".join(sorted(allowed)),
            )
            return None
        if rel not in self.files:
            self.error(
                line,
                "media-missing",
                f"no existe el archivo '{rel}'; revisa el nombre (mayúsculas incluidas) o súbelo "
                "a la carpeta del curso",
            )
            return None
        return rel
