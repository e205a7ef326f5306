"""Check a lesson's links (web, mail, course files, other lessons and their sections) and give
each its address; a link that must not be published is reported and dropped."""

from __future__ import annotations

import difflib
import posixpath
import re
from urllib.parse import unquote

from markdown_it.token import Token

from . import lint
from .media_types import MEDIA_EXT
from .page_context import PageContext
from .sections import CLOSEST_MAX_CHARS, CLOSEST_MAX_IDS, SectionLink, page_key
from .tokens import inline_text

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def check_link(children: list[Token], i: int, ctx: PageContext) -> None:
    """Check a link and rewrite its href (or drop it, keeping its text, when it is broken)."""
    tok = children[i]
    line = tok.meta.get("line", 0)
    href = str(tok.attrs.get("href", "")).strip()
    tok.attrs = {}
    close, label = _link_close_and_label(children, i)
    if close is None:
        return
    _check_link_text(label, tok.markup == "autolink", line, ctx)
    target = _link_target(href, line, ctx)
    if target is None:
        tok.meta["drop"] = close.meta["drop"] = True
        return
    tok.attrs, close.meta["external"] = target


def _link_close_and_label(children: list[Token], i: int) -> tuple[Token | None, str]:
    """The link_close token of the link opened at I, and the link's text."""
    label = []
    for child in children[i + 1 :]:
        if child.type == "link_close":
            child.meta["external"] = False
            return child, "".join(label).strip()
        if child.type in ("text", "code_inline"):
            label.append(child.content)
        elif child.type == "image":
            label.append(inline_text(child.children))
    return None, "".join(label).strip()


def _check_link_text(label: str, autolink: bool, line: int, ctx: PageContext) -> None:
    if lint.vague_link_text(label):
        ctx.warning(
            line,
            "a11y-vague-link",
            f"el texto del enlace «{label}» no dice adónde lleva; escribe el destino "
            "(por ejemplo, «guía de asambleas»)",
        )
    elif not label and not autolink:
        ctx.error(line, "link-empty", "el enlace no tiene texto; escribe adónde lleva")


LinkTarget = tuple[dict[str, str], bool]  # the link's attributes, and whether it is external


def _link_target(href: str, line: int, ctx: PageContext) -> LinkTarget | None:
    """Where a link goes, or None (reported) when it must not be published."""
    scheme = SCHEME.match(href)
    if scheme:
        return _scheme_link(href, scheme.group(1).lower(), line, ctx)
    if href.startswith("//"):
        ctx.error(line, "link-scheme", "el enlace empieza con //; escríbelo completo con https://")
        return None
    if href.startswith("/"):
        return {"href": href}, False
    if href.startswith("#"):
        _expect_section(ctx, line, page_key(ctx.display), href[1:])
        return {"href": href}, False
    path, _, fragment = href.partition("#")
    path = unquote(path)
    if posixpath.basename(path).endswith(".md"):
        return _lesson_link(path, fragment, line, ctx)
    rel = ctx.resolve(path, line, MEDIA_EXT, "un enlace")
    if rel is None:
        return None
    return {"href": ctx.file_url(rel) + (f"#{fragment}" if fragment else "")}, False


def _scheme_link(href: str, name: str, line: int, ctx: PageContext) -> LinkTarget | None:
    if name in ("http", "https"):
        return {"href": href, "rel": "noopener noreferrer"}, True
    if name == "mailto":
        return {"href": href}, False
    ctx.error(
        line,
        "link-scheme",
        f"enlace no permitido ({name}:); usa solo enlaces http, https, mailto o a archivos del "
        "curso",
    )
    return None


def _lesson_link(path: str, fragment: str, line: int, ctx: PageContext) -> LinkTarget | None:
    """A link to course.md or to a lesson (NN-nombre.md, or its .lf.md), maybe to a section."""
    name = posixpath.basename(path)
    if name == "course.md":
        return {"href": f"{ctx.base_url}{ctx.course_slug}"}, False
    slug = page_key(name)
    if slug in ctx.lesson_slugs and posixpath.dirname(posixpath.normpath(path)) in ("", "."):
        _expect_section(ctx, line, slug, fragment, target=name)
        return {"href": ctx.lesson_url(slug, fragment)}, False
    ctx.error(line, "link-missing-lesson", _missing_lesson(path, ctx.lesson_slugs))
    return None


def _missing_lesson(path: str, lesson_slugs: frozenset[str]) -> str:
    """The message of a link to a lesson that does not exist: the closest lesson of this same
    course, or its lessons (a fixed example named a lesson of another course; issue 21)."""
    message = f"el enlace lleva a una lección que no existe: '{path}'; revisa el nombre del archivo"
    names = sorted(f"{slug}.md" for slug in lesson_slugs)
    if not names:
        return message
    wanted = posixpath.basename(path)[:CLOSEST_MAX_CHARS]
    shortened = [n[:CLOSEST_MAX_CHARS] for n in names[:CLOSEST_MAX_IDS]]
    close = difflib.get_close_matches(wanted, shortened, n=1, cutoff=0.6)
    if close:
        return f"{message}; ¿quisiste decir {names[shortened.index(close[0])]}?"
    listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return f"{message}; las lecciones de este curso son: {listed}"


def _expect_section(
    ctx: PageContext, line: int, page: str, fragment: str, target: str = ""
) -> None:
    # Checked once the whole course is read: the section may be further down, or in a lesson
    # that comes later (SectionIndex.check).
    fragment = unquote(fragment)
    if fragment:
        ctx.sections.links.append(SectionLink(ctx.display, line, page, fragment, target))
