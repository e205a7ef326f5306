"""Turn lesson Markdown into sanitised HTML blocks, checking it as we go.

The checking pass (`transform`) walks the tokens in page order: headings, tables, inline text
(links in links.py, images, language spans) and ::: blocks (containers.py); html_rules.py then
writes the HTML, which the sanitiser cleans. A page's context (page_context.py) carries what the
pass needs and collects its section ids (sections.py)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it.token import Token

from . import lint
from .containers import check_container
from .html_rules import MD
from .langtags import valid_lang
from .limits import token_problem
from .links import SCHEME, check_link
from .media_types import IMAGE_EXT
from .model import Block, HtmlBlock, QuizBlock
from .page_context import PageContext
from .sanitize import clean_html, clean_inline
from .textutil import norm_key
from .tokens import annotate_lines, check_closed, container_name, inline_text, matching_close

_STRAY_FENCE = re.compile(r"^\s*:{3,}")


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
            check_container(tokens, idx, ctx, lines)
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
    text = inline_text(tokens[idx + 1].children).strip()
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
            cells.append(inline_text(tokens[j].children).strip())
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
    text = inline_text(children)
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
            check_link(children, i, ctx)
        elif child.type == "image":
            _image(child, ctx)
        elif child.type == "span_open":
            _span(child, ctx)
        elif child.type == "code_inline":
            child.attrs = {}


def _image(tok: Token, ctx: PageContext) -> None:
    line = tok.meta.get("line", 0)
    src = str(tok.attrs.get("src", "")).strip()
    alt = inline_text(tok.children).strip()
    tok.attrs = {"src": "", "alt": ""}
    if not alt:
        ctx.error(
            line,
            "image-no-alt",
            "la imagen no tiene texto alternativo; escribe entre [ ] qué muestra la imagen",
        )
    if SCHEME.match(src) or src.startswith("//"):
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


# --- render rules --------------------------------------------------------------------------


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
    return clean_inline(html).strip(), inline_text(tok.children).strip()
