"""Accessibility heuristics on text: vague links, colour-only cues, long easy-read sentences."""

from __future__ import annotations

import re
from typing import Any

from .textutil import strip_accents

VAGUE_LINK_TEXTS = frozenset(
    {
        "aqui", "aca", "click", "clic", "click aqui", "clic aqui", "haz clic", "haz click",
        "haz clic aqui", "haz click aqui", "pincha", "pincha aqui", "pinche aqui", "este enlace",
        "este link", "enlace", "link", "mas", "ver mas", "leer mas", "lee mas", "saber mas",
        "mas informacion", "here", "click here", "more", "read more",
    }
)  # fmt: skip

GENERIC_ALT = frozenset({"imagen", "foto", "fotografia", "image", "img", "picture", "dibujo"})

EASY_READ_MAX_WORDS = 20

_COLOUR = r"(?:roj[oa]s?|verdes?|azul(?:es)?|amarill[oa]s?|naranjas?|morad[oa]s?|rosad[oa]s?)"
_CUE = (
    r"(?:boton(?:es)?|texto|textos|letras?|palabras?|color|marcad[oa]s?|resaltad[oa]s?|"
    r"subrayad[oa]s?|casillas?|circulos?|flechas?|cuadros?|en|de color)"
)
_COLOUR_CUE = re.compile(rf"\b{_CUE}\s+(?:de\s+color\s+)?{_COLOUR}\b")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", strip_accents(text).lower()).strip()


def vague_link_text(label: str) -> bool:
    """True when a link's text does not say where it goes."""
    text = _PUNCT.sub("", _norm(label)).strip()
    return text in VAGUE_LINK_TEXTS


def colour_cue(text: str) -> bool:
    """True when the text seems to identify something only by its colour."""
    return bool(_COLOUR_CUE.search(_norm(text)))


def long_sentences(children: list[Any]) -> list[int]:
    """Lines where an easy-read sentence longer than the limit starts."""
    found: list[int] = []
    words = 0
    start_line = 0
    for child in children:
        if child.type not in ("text", "code_inline"):
            continue
        line = child.meta.get("line", 0)
        pos = 0
        content = child.content
        for end in _SENTENCE_END.finditer(content):
            piece = content[pos : end.end()]
            if _WORD.search(piece) and words == 0:
                start_line = line
            words += len(_WORD.findall(piece))
            if words > EASY_READ_MAX_WORDS:
                found.append(start_line)
            words = 0
            pos = end.end()
        rest = content[pos:]
        if _WORD.search(rest) and words == 0:
            start_line = line
        words += len(_WORD.findall(rest))
    if words > EASY_READ_MAX_WORDS:
        found.append(start_line)
    return found
