"""Turn the renderer's sanitised HTML into XHTML whose sentences can be narrated one by one.

Pure Python (html.parser, no Flask): `parse` builds a small tree, `mark_sentences` wraps every
sentence of running text in `<span id="frase-N">` (and gives each described image an id) and
returns what to say for each, `serialise` writes the tree as XHTML (void elements closed,
everything escaped). Links and image sources are rewritten by the caller on the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID = frozenset({"br", "hr", "img", "track", "wbr", "source", "col", "area", "input", "meta"})
INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins",
        "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "wbr",
    }
)  # fmt: skip
# A sentence ends at . ! ? or … (and any closing quote or bracket), before a space and a word
# that starts like a sentence: "art. 5" and "p. ej." stay whole.
_SENTENCE_END = re.compile(r"[.!?…]+[»”’\"')\]]*\s+(?=[^\sa-záéíóúñü0-9])")
SENTENCE_PREFIX = "frase-"


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        """This element and every element under it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


@dataclass(frozen=True)
class Sentence:
    """One narrated piece of a document: the id it has there, what to say, in which language."""

    id: str
    text: str
    lang: str


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The fragment HTML as a tree under a `root` element."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _speakable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _split_text(text: str) -> list[str]:
    """TEXT cut after each sentence end (the spaces stay with the sentence before)."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def _plain(nodes: list[Element | str]) -> str:
    return " ".join("".join(n if isinstance(n, str) else n.text() for n in nodes).split())


class _Marker:
    def __init__(self) -> None:
        self.sentences: list[Sentence] = []

    def next_id(self) -> str:
        return f"{SENTENCE_PREFIX}{len(self.sentences) + 1}"

    def element(self, element: Element, lang: str) -> None:
        lang = element.attrs.get("lang", lang)
        if element.tag in VOID:
            return
        if element.tag == "pre":  # read as one piece: its line breaks are its form
            element.children = self._group(element.children, lang)
            return
        out: list[Element | str] = []
        run: list[Element | str] = []
        for child in element.children:
            if isinstance(child, str) or child.tag in INLINE:
                run.append(child)
                continue
            out += self._run(run, lang)
            run = []
            self.element(child, lang)
            out.append(child)
        out += self._run(run, lang)
        element.children = out

    def _run(self, nodes: list[Element | str], lang: str) -> list[Element | str]:
        """Wrap each sentence of a run of inline nodes; whole inline elements stay together."""
        if not _speakable(_plain(nodes)) and not any(
            isinstance(n, Element) and n.tag == "img" for n in nodes
        ):
            return nodes
        groups: list[list[Element | str]] = [[]]
        for node in nodes:
            if isinstance(node, str):
                pieces = _split_text(node)
                groups[-1].append(pieces[0])
                for piece in pieces[1:]:
                    groups.append([piece])
            elif node.tag == "img":
                groups.append([node])
                groups.append([])
            else:
                groups[-1].append(node)
        out: list[Element | str] = []
        for group in groups:
            out += self._group(group, lang)
        return out

    def _group(self, group: list[Element | str], lang: str) -> list[Element | str]:
        if len(group) == 1 and isinstance(group[0], Element) and group[0].tag == "img":
            image = group[0]
            alt = " ".join(image.attrs.get("alt", "").split())
            if _speakable(alt):
                image.attrs["id"] = self.next_id()
                self.sentences.append(Sentence(image.attrs["id"], f"Imagen: {alt}", lang))
            return group
        text = _plain(group)
        if not _speakable(text):
            return group
        # Spaces around a sentence stay outside its span.
        lead = trail = ""
        if isinstance(group[0], str):
            lead = group[0][: len(group[0]) - len(group[0].lstrip())]
            group[0] = group[0][len(lead) :]
        if isinstance(group[-1], str):
            stripped = group[-1].rstrip()
            trail = group[-1][len(stripped) :]
            group[-1] = stripped
        span = Element("span", {"id": self.next_id()}, [n for n in group if n != ""])
        self.sentences.append(Sentence(span.attrs["id"], text, lang))
        return [n for n in (lead, span, trail) if n != ""]


def mark_sentences(root: Element, lang: str) -> list[Sentence]:
    """Give every sentence under ROOT an id (in reading order) and return them."""
    marker = _Marker()
    marker.element(root, lang)
    return marker.sentences


def ids_in(root: Element) -> set[str]:
    return {e.attrs["id"] for e in root.iter() if "id" in e.attrs}


def rewrite(root: Element, tag: str, attr: str, change: Callable[[str], str | None]) -> None:
    """Set ATTR of every TAG to CHANGE(value); None unwraps a link or drops an image."""
    for element in list(root.iter()):
        kept: list[Element | str] = []
        for child in element.children:
            if isinstance(child, Element) and child.tag == tag and attr in child.attrs:
                value = change(child.attrs[attr])
                if value is None:
                    if tag == "img":
                        kept.append(child.attrs.get("alt", ""))
                    else:
                        kept += child.children
                    continue
                child.attrs[attr] = value
            kept.append(child)
        element.children = kept


def serialise(node: Element | str) -> str:
    """NODE as XHTML (the `root` element itself is left out)."""
    if isinstance(node, str):
        return escape(node, quote=False)
    inner = "".join(serialise(c) for c in node.children)
    if node.tag == "root":
        return inner
    attrs = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in node.attrs.items())
    if node.tag in VOID:
        return f"<{node.tag}{attrs}/>"
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"
