"""Turn lesson Markdown into sanitised HTML blocks, checking it as we go."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from . import lint
from .langtags import valid_lang
from .limits import token_problem
from .model import Block, HtmlBlock, QuizBlock
from .problems import Reporter
from .sanitize import clean_html, clean_inline
from .textutil import norm_key, slugify

IMAGE_EXT = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
AUDIO_EXT = frozenset({".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav"})
VIDEO_EXT = frozenset({".mp4", ".webm"})
CAPTION_EXT = frozenset({".vtt"})
OTHER_EXT = frozenset({".txt", ".pdf"})
MEDIA_EXT = IMAGE_EXT | AUDIO_EXT | VIDEO_EXT | CAPTION_EXT | OTHER_EXT

CALLOUTS = {
    "nota": ("note", "Nota"),
    "consejo": ("tip", "Consejo"),
    "actividad": ("activity", "Actividad"),
    "ejercicio": ("activity", "Actividad"),
    "advertencia": ("warning", "Advertencia"),
}
BLOCK_NAMES = (*CALLOUTS, "lectura-facil", "idioma", "video", "audio", "prueba")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_STRAY_FENCE = re.compile(r"^\s*:{3,}")


def _any_params(params: str, markup: str) -> bool:
    # Every `::: name` line is a container; unknown names are reported, not ignored.
    return bool(params.strip())


def _build_md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    attrs_plugin(md, spans=True)
    container_plugin(md, "generic", validate=_any_params)
    # We vet every URL ourselves (and report bad ones); bleach is the second net.
    md.validateLink = lambda url: True
    for name, rule in _RULES.items():
        md.add_render_rule(name, rule)
    return md


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


# --- token helpers ---------------------------------------------------------------------------


def _inline_text(children: list[Token] | None) -> str:
    out = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "image":
            out.append(_inline_text(child.children))
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def annotate_lines(tokens: list[Token]) -> None:
    """Give every inline child token its 1-based file line (children carry no map)."""
    last = 1
    for tok in tokens:
        if tok.map:
            last = tok.map[0] + 1
        tok.meta.setdefault("line", last)
        if tok.type == "inline" and tok.children:
            line = last
            for child in tok.children:
                child.meta["line"] = line
                if child.type in ("softbreak", "hardbreak"):
                    line += 1


def container_name(tok: Token) -> tuple[str, str]:
    """Split a container's info into its normalised name and the rest."""
    parts = tok.info.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return norm_key(parts[0]).replace("_", "-"), (parts[1] if len(parts) > 1 else "")


def matching_close(tokens: list[Token], idx: int) -> int:
    """Index of the close token matching the container open at idx."""
    level = tokens[idx].level
    for j in range(idx + 1, len(tokens)):
        if tokens[j].type == "container_generic_close" and tokens[j].level == level:
            return j
    return len(tokens) - 1


def _container_closed(lines: list[str], tok: Token) -> bool:
    end = tok.map[1] if tok.map else 0
    if end >= len(lines):
        return False
    text = lines[end].strip()
    return bool(text) and set(text) == {":"} and len(text) >= len(tok.markup)


def _parse_params(text: str) -> tuple[list[str], dict[str, str]]:
    positional, named = [], {}
    for part in text.split():
        if "=" in part:
            key, _, value = part.partition("=")
            named[norm_key(key)] = value
        else:
            positional.append(part)
    return positional, named


# --- the checking/transform pass ---------------------------------------------------------------


def transform(tokens: list[Token], ctx: PageContext, lines: list[str]) -> None:
    """Validate tokens and rewrite them in place for rendering."""
    for idx, tok in enumerate(tokens):
        kind = tok.type
        if kind == "heading_open":
            _heading(tokens, idx, ctx)
        elif kind == "inline":
            _inline(tok, ctx)
        elif kind == "table_open":
            _table(tokens, idx, ctx)
        elif kind in ("th_open", "td_open"):
            style = tok.attrs.pop("style", "")
            if isinstance(style, str) and "text-align:" in style:
                tok.attrs["class"] = "align-" + style.split(":", 1)[1].strip()
            if kind == "th_open":
                tok.attrs["scope"] = "col"
        elif kind == "container_generic_open":
            _container(tokens, idx, ctx, lines)
        elif kind in ("fence", "code_block"):
            ctx_text = ctx.easy_plain if ctx.easy_read else ctx.plain
            ctx_text.append(tok.content.rstrip("\n"))


def _heading(tokens: list[Token], idx: int, ctx: PageContext) -> None:
    tok = tokens[idx]
    line = tok.meta.get("line", 0)
    level = int(tok.tag[1])
    if level == 1:
        ctx.warning(
            line,
            "heading-h1",
            "usa ## para los títulos de sección: el título de la lección (#) ya viene de la "
            "cabecera",
        )
        level = 2
    if level > ctx.last_level + 1:
        ctx.warning(
            line,
            "heading-skip",
            f"el título salta del nivel {ctx.last_level} al {level}; usa "
            f"{'#' * (ctx.last_level + 1)} (no te saltes niveles)",
        )
    ctx.last_level = level
    text = _inline_text(tokens[idx + 1].children).strip()
    hid = ctx.unique_id(text)
    tok.tag = f"h{level}"
    tok.attrs = {"id": hid}
    tokens[idx + 2].tag = f"h{level}"
    if not ctx.easy_read:
        ctx.headings.append((level, hid, text))


def _table(tokens: list[Token], idx: int, ctx: PageContext) -> None:
    cells = []
    for j in range(idx + 1, len(tokens)):
        if tokens[j].type == "thead_close":
            break
        if tokens[j].type == "inline":
            cells.append(_inline_text(tokens[j].children).strip())
    if not any(cells):
        ctx.warning(
            tokens[idx].meta.get("line", 0),
            "table-empty-header",
            "la tabla no tiene encabezados; escribe en la primera fila qué contiene cada columna",
        )
    elif not all(cells):
        ctx.warning(
            tokens[idx].meta.get("line", 0),
            "table-empty-header-cell",
            "la primera fila de la tabla tiene una celda vacía; escribe qué contiene esa columna "
            "(en una tabla de doble entrada, qué hay en las filas, por ejemplo «Aspecto»)",
        )
    ctx.table_counter += 1
    lesson = _LESSON_NUMBER.match(posixpath.basename(ctx.display))
    number = f"{int(lesson.group(1))}.{ctx.table_counter}" if lesson else str(ctx.table_counter)
    tokens[idx].meta["label"] = table_label(number, cells)


TABLE_LABEL_MAX = 120
_LESSON_NUMBER = re.compile(r"^(\d{2})-")


def table_label(number: str, headers: list[str]) -> str:
    """The name of a table's scroll region: "Tabla 2.1" (lesson 2, first table) and its headers.

    Numbered like a book's tables so that the name stays unique on the whole-course page too,
    where every lesson's tables are landmarks of one page (axe: landmark-unique).
    """
    label = f"Tabla {number}"
    names = ", ".join(h for h in headers if h)
    if names:
        if len(names) > TABLE_LABEL_MAX:
            names = names[: TABLE_LABEL_MAX - 1].rstrip(" ,") + "…"
        label += f": {names}"
    return label


def _inline(tok: Token, ctx: PageContext) -> None:
    children = tok.children or []
    text = _inline_text(children)
    (ctx.easy_plain if ctx.easy_read else ctx.plain).append(text)
    # Check text by line for colour cues and stray fences.
    by_line: dict[int, list[str]] = {}
    for child in children:
        if child.type == "text":
            by_line.setdefault(child.meta.get("line", 0), []).append(child.content)
    for line, parts in by_line.items():
        line_text = "".join(parts)
        if _STRAY_FENCE.match(line_text):
            ctx.error(
                line,
                "container-stray-close",
                "cierre ::: sin bloque abierto; bórralo o abre el bloque (por ejemplo, ::: nota)",
            )
        if lint.colour_cue(line_text):
            ctx.warning(
                line,
                "a11y-colour-only",
                "no uses solo el color para identificar algo (no todas las personas lo ven); "
                "di también su nombre, forma o posición",
            )
    if ctx.easy_read:
        for line in lint.long_sentences(children):
            ctx.warning(
                line,
                "easy-read-long-sentence",
                "frase de más de 20 palabras en lectura fácil; divídela en frases cortas",
            )
    for i, child in enumerate(children):
        if child.type == "link_open":
            _link(children, i, ctx)
        elif child.type == "image":
            _image(child, ctx)
        elif child.type == "span_open":
            _span(child, ctx)
        elif child.type == "code_inline":
            child.attrs = {}


def _link(children: list[Token], i: int, ctx: PageContext) -> None:
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
            label.append(_inline_text(child.children))
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
    scheme = _SCHEME.match(href)
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


def _image(tok: Token, ctx: PageContext) -> None:
    line = tok.meta.get("line", 0)
    src = str(tok.attrs.get("src", "")).strip()
    alt = _inline_text(tok.children).strip()
    tok.attrs = {"src": "", "alt": ""}
    if not alt:
        ctx.error(
            line,
            "image-no-alt",
            "la imagen no tiene texto alternativo; escribe entre [ ] qué muestra la imagen",
        )
    if _SCHEME.match(src) or src.startswith("//"):
        ctx.error(
            line,
            "image-remote",
            "no se permiten imágenes de internet (privacidad y conexiones lentas); descárgala "
            "y ponla en la carpeta media/ del curso",
        )
        tok.meta["drop"] = True
        return
    rel = ctx.resolve(src, line, IMAGE_EXT, "una imagen")
    if rel is None:
        tok.meta["drop"] = True
        return
    base = posixpath.basename(rel)
    if alt and (
        norm_key(alt) in lint.GENERIC_ALT
        or alt.lower() in (base.lower(), posixpath.splitext(base)[0].lower())
    ):
        ctx.warning(
            line,
            "a11y-alt-generic",
            f"el texto alternativo «{alt}» no describe la imagen; escribe qué se ve en ella",
        )
    tok.attrs = {"src": ctx.file_url(rel), "alt": "", "loading": "lazy"}


def _span(tok: Token, ctx: PageContext) -> None:
    line = tok.meta.get("line", 0)
    attrs = dict(tok.attrs)
    lang = str(attrs.pop("lang", ""))
    tok.attrs = {}
    if attrs or not lang:
        ctx.error(
            line,
            "span-attrs",
            "entre llaves solo se permite el idioma, así: [Hello]{lang=en}",
        )
    if lang and not valid_lang(lang):
        ctx.error(
            line,
            "lang-invalid",
            f"'{lang}' no es un código de idioma válido; usa por ejemplo en, fr, arn",
        )
    elif lang:
        tok.attrs = {"lang": lang}


def _container(tokens: list[Token], idx: int, ctx: PageContext, lines: list[str]) -> None:
    tok = tokens[idx]
    line = tok.meta.get("line", 0)
    name, rest = container_name(tok)
    close = tokens[matching_close(tokens, idx)]
    check_closed(tok, lines, ctx, name)
    tok.meta["kind"] = close.meta["kind"] = "div"
    if name in CALLOUTS:
        kind, label = CALLOUTS[name]
        title = rest.strip()
        full = f"{label}: {title}" if title else label
        tok.meta.update(kind="callout", callout=kind, label=full)
        close.meta["kind"] = "callout"
    elif name == "idioma":
        lang = rest.strip()
        if not valid_lang(lang):
            ctx.error(
                line,
                "lang-invalid",
                f"'{lang}' no es un código de idioma válido; escribe por ejemplo ::: idioma en",
            )
        else:
            tok.meta.update(kind="lang", lang=lang)
    elif name in ("video", "audio"):
        _media_block(tokens, idx, ctx, name, rest)
        close.meta["kind"] = tok.meta["kind"]
    elif name == "lectura-facil":
        ctx.error(
            line,
            "easy-read-nested",
            "el bloque ::: lectura-facil debe ir directamente en la lección, no dentro de otro "
            "bloque ni dentro de otro lectura-facil",
        )
    elif name == "prueba":
        ctx.error(
            line,
            "quiz-nested",
            "el bloque ::: prueba debe ir directamente en la lección, fuera de otros bloques "
            "(y no dentro de lectura fácil)",
        )
    else:
        ctx.error(
            line,
            "container-unknown",
            f"bloque desconocido ::: {name}; usa " + ", ".join(BLOCK_NAMES),
        )


def _media_block(tokens: list[Token], idx: int, ctx: PageContext, name: str, rest: str) -> None:
    tok = tokens[idx]
    line = tok.meta.get("line", 0)
    positional, named = _parse_params(rest)
    for key in named:
        if key != "subtitulos":
            ctx.error(
                line,
                "media-param",
                f"opción desconocida '{key}=' en ::: {name}; la única opción es subtitulos=",
            )
    is_video = name == "video"
    if len(positional) != 1:
        ctx.error(
            line,
            "media-src",
            f"escribe un solo archivo después de ::: {name} (por ejemplo, ::: {name} "
            f"media/{'asamblea.mp4' if is_video else 'entrevista.mp3'})",
        )
        return
    src = ctx.resolve(positional[0], line, VIDEO_EXT if is_video else AUDIO_EXT, f"un {name}")
    captions = None
    if "subtitulos" in named:
        captions = ctx.resolve(named["subtitulos"], line, CAPTION_EXT, "los subtítulos")
    elif is_video:
        ctx.error(
            line,
            "video-no-captions",
            "el video no tiene subtítulos; agrega subtitulos=media/archivo.vtt",
        )
    if tokens[idx + 1].type == "container_generic_close":
        ctx.error(
            line,
            "media-no-transcript",
            f"el {name} no tiene transcripción; escríbela dentro del bloque (todo lo que se dice "
            "y lo importante que se ve)",
        )
    if src is None:
        return
    ctx.media_counter += 1
    tok.meta.update(
        kind=name,
        src=ctx.file_url(src),
        captions=ctx.file_url(captions) if captions else "",
        number=ctx.media_counter,
    )


# --- render rules --------------------------------------------------------------------------


def _r_container_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    kind = meta.get("kind", "div")
    if kind == "callout":
        label = escape(meta["label"])
        # A note, not an <aside> landmark: a lesson (and the whole-course page even more) has
        # many callouts with the same label, and landmarks must have unique names.
        return (
            f'<div class="callout callout-{meta["callout"]}" role="note" aria-label="{label}">\n'
            f'<p class="callout-label">{label}</p>\n'
        )
    if kind == "lang":
        return f'<div lang="{escape(meta["lang"])}">\n'
    if kind in ("video", "audio"):
        srclang = "es"
        track = (
            f'<track kind="captions" srclang="{srclang}" label="Español" '
            f'src="{escape(meta["captions"])}" default>'
            if meta["captions"]
            else ""
        )
        n = meta["number"]
        return (
            f'<figure class="media media-{kind}"><{kind} controls preload="none" '
            f'src="{escape(meta["src"])}">{track}</{kind}>\n<figcaption>'
            f'<a href="#transcripcion-{n}">Leer la transcripción</a>\n'
            f'<details id="transcripcion-{n}"><summary>Transcripción</summary>\n'
        )
    return "<div>\n"


def _r_container_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    kind = tokens[idx].meta.get("kind", "div")
    if kind == "callout":
        return "</div>\n"
    if kind in ("video", "audio"):
        return "</details></figcaption></figure>\n"
    return "</div>\n"


def _r_table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    # A wide table scrolls sideways inside this region; tabindex lets a keyboard reach it and
    # scroll it with the arrow keys, and the label says what a screen reader has landed on
    # (axe: scrollable-region-focusable).
    label = escape(tokens[idx].meta.get("label") or "Tabla")
    return (
        f'<div class="table-wrap table-scroll" role="region" tabindex="0" aria-label="{label}">'
        "\n<table>\n"
    )


def _r_table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return "</table>\n</div>\n"


def _r_link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].meta.get("drop"):
        return ""
    return self.renderToken(tokens, idx, options, env)


def _r_link_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    if meta.get("drop"):
        return ""
    suffix = (
        '<span class="visually-hidden"> (enlace externo)</span>' if meta.get("external") else ""
    )
    return suffix + "</a>"


def _r_image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    tok = tokens[idx]
    if tok.meta.get("drop"):
        return escape(_inline_text(tok.children))
    alt = escape(_inline_text(tok.children).strip())
    return f'<img src="{escape(tok.attrs.get("src", ""))}" alt="{alt}" loading="lazy">'


_RULES = {
    "container_generic_open": _r_container_open,
    "container_generic_close": _r_container_close,
    "table_open": _r_table_open,
    "table_close": _r_table_close,
    "link_open": _r_link_open,
    "link_close": _r_link_close,
    "image": _r_image,
}

MD = _build_md()


# --- public entry points -----------------------------------------------------------------------


@dataclass
class RenderedPage:
    """Blocks of a page body plus the easy-read blocks found inside it."""

    body: list[Block]
    easy_read: list[Block] | None
    easy_read_line: int = 0


def parse(lines: list[str]) -> list[Token]:
    """Parse Markdown lines into tokens annotated with file lines."""
    tokens = MD.parse("\n".join(lines), {})
    annotate_lines(tokens)
    return tokens


def _render_tokens(tokens: list[Token], ctx: PageContext) -> str:
    if not tokens:
        return ""
    return clean_html(MD.renderer.render(tokens, MD.options, {"ctx": ctx}))


def render_tokens_html(tokens: list[Token], ctx: PageContext) -> str:
    """Sanitised HTML of TOKENS, already transformed (the workshop's preview, block by block)."""
    return _render_tokens(tokens, ctx)


class PageTooComplex(Exception):
    """A page passed a limit on its parsed tokens; the problem is already reported."""


def parse_checked(lines: list[str], ctx: PageContext) -> list[Token]:
    """parse(LINES), refused (reported at its line, then PageTooComplex) past the token limits."""
    tokens = parse(lines)
    problem = token_problem(tokens)
    if problem is not None:
        ctx.error(*problem)
        raise PageTooComplex(problem[1])
    return tokens


# Reads a top-level ::: prueba block (its open token and its lines) and gives the id of the
# quiz it holds, or None when the quiz is not usable (reported).
QuizReader = Callable[[Token, list[tuple[int, str]]], str | None]


def render_page(
    lines: list[str],
    ctx: PageContext,
    *,
    allow_easy_read: bool = True,
    on_quiz: QuizReader | None = None,
) -> RenderedPage:
    """Render a whole page body (front matter lines already blanked)."""
    tokens = parse_checked(lines, ctx)
    return render_tokens(tokens, lines, ctx, allow_easy_read=allow_easy_read, on_quiz=on_quiz)


def render_tokens(
    tokens: list[Token],
    lines: list[str],
    ctx: PageContext,
    *,
    allow_easy_read: bool = True,
    on_quiz: QuizReader | None = None,
) -> RenderedPage:
    """Split top-level quiz and easy-read blocks out, render the rest; ON_QUIZ reads each quiz
    block (without it, quiz blocks are left out)."""
    body: list[Block] = []
    easy: list[Block] | None = None
    easy_line = 0
    chunk: list[Token] = []

    def flush(target: list[Block]) -> None:
        if chunk:
            html = _render_tokens(chunk, ctx)
            if html.strip():
                target.append(HtmlBlock(html))
            chunk.clear()

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "container_generic_open" and tok.level == 0:
            name, rest = container_name(tok)
            if name == "prueba" and ctx.allow_quizzes and not ctx.easy_read:
                j = matching_close(tokens, i)
                flush(body)
                check_closed(tok, lines, ctx, name)
                start = tok.map[0] + 1 if tok.map else 0
                end = tok.map[1] if tok.map else start
                quiz_lines = [(n + 1, lines[n]) for n in range(start, min(end, len(lines)))]
                quiz_id = on_quiz(tok, quiz_lines) if on_quiz else None
                if quiz_id:
                    body.append(QuizBlock(quiz_id))
                i = j + 1
                continue
            if name == "lectura-facil" and allow_easy_read and not ctx.easy_read:
                j = matching_close(tokens, i)
                flush(body)
                check_closed(tok, lines, ctx, name)
                if easy is not None:
                    ctx.error(
                        tok.meta.get("line", 0),
                        "easy-read-duplicate",
                        "ya hay un bloque ::: lectura-facil en esta lección; júntalos en uno solo",
                    )
                easy_line = easy_line or tok.meta.get("line", 0)
                inner = tokens[i + 1 : j]
                ctx.easy_read = True
                saved_level, saved_tables = ctx.last_level, ctx.table_counter
                ctx.last_level, ctx.table_counter = 1, 0  # the easy-read page counts its own
                transform(inner, ctx, lines)
                html = _render_tokens(inner, ctx)
                ctx.easy_read = False
                ctx.last_level, ctx.table_counter = saved_level, saved_tables
                easy = easy if easy is not None else []
                if html.strip():
                    easy.append(HtmlBlock(html))
                else:
                    ctx.error(
                        tok.meta.get("line", 0),
                        "easy-read-empty",
                        "el bloque ::: lectura-facil está vacío; escribe la versión fácil",
                    )
                i = j + 1
                continue
        # Transform lazily, chunk by chunk, so heading order checks follow the page order.
        chunk.append(tok)
        i += 1
        if tok.level == 0 and tok.nesting <= 0:
            _transform_pending(chunk, ctx, lines)
    _transform_pending(chunk, ctx, lines)
    flush(body)
    return RenderedPage(body, easy, easy_line)


def _transform_pending(chunk: list[Token], ctx: PageContext, lines: list[str]) -> None:
    # Transform the tokens of the chunk that have not been transformed yet.
    start = 0
    for k in range(len(chunk) - 1, -1, -1):
        if chunk[k].meta.get("done"):
            start = k + 1
            break
    pending = chunk[start:]
    if pending:
        transform(pending, ctx, lines)
        for tok in pending:
            tok.meta["done"] = True


def check_closed(
    tok: Token, lines: list[str], ctx: PageContext, name: str, line: int | None = None
) -> None:
    """Report the ::: block TOK (named NAME, opened at LINE) if no closing line ends it."""
    if not _container_closed(lines, tok):
        ctx.error(
            tok.meta.get("line", 0) if line is None else line,
            "container-unclosed",
            f"el bloque ::: {name} no se cierra; agrega una línea {tok.markup} al final del bloque",
        )


def render_inline(text: str, ctx: PageContext, line: int) -> tuple[str, str]:
    """Render one line of inline Markdown (quiz prompts, options): (safe html, plain text)."""
    tokens = MD.parseInline(text, {})
    if not tokens:
        return "", ""
    tok = tokens[0]
    tok.map = [line - 1, line]
    annotate_lines(tokens)
    plain_before = len(ctx.plain)
    _inline(tok, ctx)
    del ctx.plain[plain_before:]  # quiz text is not lesson prose
    html = MD.renderer.renderInline(tok.children or [], MD.options, {"ctx": ctx})
    return clean_inline(html).strip(), _inline_text(tok.children).strip()
