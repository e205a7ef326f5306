"""One course file rendered for the workshop's side-by-side preview, block by block, each block
with the source lines it came from, so the checker's problems can be shown where they are.

The preview renders whatever the file holds, errors included: its own problems are not reported
(the course check reports them once); a quiz is shown as its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token

from .frontmatter import parse_front_matter
from .limits import check_limits
from .page_context import PageContext
from .problems import Reporter
from .renderer import PageTooComplex, parse_checked, render_tokens_html, transform
from .source import decode_source
from .textutil import norm_key
from .tokens import container_name, matching_close


@dataclass(frozen=True)
class PreviewBlock:
    """A top-level piece of the page: its HTML, a quiz's text, or an easy-read block's pieces."""

    first: int  # 1-based lines of the source it shows
    last: int
    kind: str = "html"  # html | quiz | easy
    html: str = ""  # sanitised (kind html)
    source: str = ""  # the quiz's Markdown (kind quiz)
    children: tuple[PreviewBlock, ...] = ()  # kind easy

    def walk(self) -> Iterator[PreviewBlock]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class FilePreview:
    """A file's preview; SHOWN is False when its text could not be read at all."""

    title: str
    header_last: int  # the last line of the front matter (0: none)
    blocks: tuple[PreviewBlock, ...] = ()
    shown: bool = True
    _all: tuple[PreviewBlock, ...] = field(default=(), repr=False)

    def anchor(self, line: int) -> int:
        """The first line of the block that shows LINE (0: the top of the preview, for the
        whole file and the front matter); a line between blocks goes to the block before it."""
        if line <= self.header_last:
            return 0
        containing = [b for b in self._all if b.first <= line <= b.last]
        if containing:
            return containing[-1].first  # the innermost: children follow their container
        before = [b for b in self._all if b.first <= line]
        return before[-1].first if before else 0


def preview_file(
    rel: str,
    data: bytes,
    *,
    course_slug: str,
    files: Iterable[str],
    base_url: str = "/cursos/",
) -> FilePreview:
    """Render course file REL (Markdown) of a course whose files are FILES, for the preview."""
    rep = Reporter()  # problems found here are the course check's: not reported twice
    lines = decode_source(data, rel, rep)
    if lines is None or not check_limits(lines, rel, rep):
        return FilePreview(title="", header_last=0, shown=False)
    fm = parse_front_matter(lines, rel, rep)
    names = frozenset(files)
    easy_file = rel.endswith(".lf.md")
    ctx = PageContext(
        display=rel,
        rep=rep,
        course_slug=course_slug,
        base_url=base_url,
        files=names,
        lesson_slugs=frozenset(n[:-3] for n in names if _is_lesson(n)),
        easy_read=easy_file,
        allow_quizzes=rel != "course.md",
    )
    body = [""] * fm.body_start + lines[fm.body_start :]
    title = str(fm.values.get("titulo") or "")
    if norm_key(str(fm.values.get("tipo", ""))) == "prueba":  # a quiz file: all of it is a quiz
        last = len(lines)
        quiz = PreviewBlock(
            fm.body_start + 1, last, "quiz", source="\n".join(body[fm.body_start :])
        )
        blocks: tuple[PreviewBlock, ...] = (quiz,) if fm.body_start < last else ()
    else:
        try:
            tokens = parse_checked(body, ctx)
        except PageTooComplex:
            return FilePreview(title=title, header_last=fm.body_start, shown=False)
        lesson = rel != "course.md" and not easy_file
        blocks = tuple(_blocks(tokens, 0, body, ctx, lesson=lesson))
    every = tuple(b for top in blocks for b in top.walk())
    return FilePreview(title=title, header_last=fm.body_start, blocks=blocks, _all=every)


def _is_lesson(name: str) -> bool:
    return (
        len(name) > 6
        and name[:2].isdigit()
        and name[2] == "-"
        and "/" not in name
        and (name.endswith(".md") and not name.endswith(".lf.md"))
    )


def _pieces(tokens: list[Token], level: int) -> Iterator[list[Token]]:
    """Split TOKENS into the blocks that open and close at LEVEL."""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.nesting == 1 and tok.level == level:
            if tok.type == "container_generic_open":
                j = matching_close(tokens, i)
            else:
                close = tok.type.replace("_open", "_close")
                j = next(
                    (k for k in range(i + 1, len(tokens)) if tokens[k].type == close
                     and tokens[k].level == level),
                    len(tokens) - 1,
                )  # fmt: skip
            yield tokens[i : j + 1]
            i = j + 1
        else:
            yield [tok]
            i += 1


def _span(piece: list[Token]) -> tuple[int, int]:
    maps = [t.map for t in piece if t.map]
    if not maps:
        line = piece[0].meta.get("line", 0)
        return line, line
    return maps[0][0] + 1, max(m[1] for m in maps)


def _blocks(
    tokens: list[Token], level: int, lines: list[str], ctx: PageContext, *, lesson: bool
) -> Iterator[PreviewBlock]:
    for piece in _pieces(tokens, level):
        first, last = _span(piece)
        head = piece[0]
        name = container_name(head)[0] if head.type == "container_generic_open" else ""
        if name == "prueba" and ctx.allow_quizzes:
            source = "\n".join(lines[first:last])  # between the ::: lines
            yield PreviewBlock(first, last, "quiz", source=source)
        elif name == "lectura-facil" and lesson and level == 0:
            ctx.easy_read = True
            saved = ctx.last_level, ctx.table_counter
            ctx.last_level, ctx.table_counter = 1, 0
            children = tuple(_blocks(piece[1:-1], level + 1, lines, ctx, lesson=False))
            ctx.last_level, ctx.table_counter = saved
            ctx.easy_read = False
            yield PreviewBlock(first, last, "easy", children=children)
        else:
            transform(piece, ctx, lines)
            html = render_tokens_html(piece, ctx)
            if html.strip():
                yield PreviewBlock(first, last, html=html)
