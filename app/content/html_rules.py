"""The Markdown parser and the HTML it writes for ::: blocks, tables, links and images (after
the checking pass has marked their tokens)."""

from __future__ import annotations

from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from .tokens import inline_text


def _any_params(params: str, markup: str) -> bool:
    # Every `::: name` line is a container; unknown names are reported, not ignored.
    return bool(params.strip())


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
        return escape(inline_text(tok.children))
    alt = escape(inline_text(tok.children).strip())
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


MD = _build_md()
