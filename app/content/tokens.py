"""Helpers over markdown-it tokens: their text, their file lines, and ::: blocks."""

from __future__ import annotations

from markdown_it.token import Token

from .page_context import PageContext
from .textutil import norm_key


def inline_text(children: list[Token] | None) -> str:
    out = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "image":
            out.append(inline_text(child.children))
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


def parse_params(text: str) -> tuple[list[str], dict[str, str]]:
    positional, named = [], {}
    for part in text.split():
        if "=" in part:
            key, _, value = part.partition("=")
            named[norm_key(key)] = value
        else:
            positional.append(part)
    return positional, named


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
