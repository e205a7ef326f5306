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
# What the warning advises to add: the thing's name (in quotes, or «que dice ...»), its place or
# its shape. With any of them the colour is no longer the only cue (issue 21: the advice,
# followed, left the warning in place).
_NAMED = re.compile(r"[«\"“‘'][^«»\"“”‘’']{1,80}[»\"”’']")
_NAME_WORDS = re.compile(
    r"\b(?:que dice|que tiene escrito|llamad[oa]s?|con el texto|con la palabra|con el nombre)\b"
)
_PLACE_OR_SHAPE = re.compile(
    r"\b(?:arriba|abajo|izquierda|derecha|esquina|superior|inferior|centro|debajo|encima|"
    r"al (?:final|inicio|principio|lado)|junto a|primer[oa]?|segund[oa]|ultim[oa]|"
    r"redond[oa]s?|cuadrad[oa]s?|circular(?:es)?|triangular(?:es)?|rectangular(?:es)?|"
    r"(?:con|en) forma de)\b"
)
# Only at the start of a run of marks: trying every position inside a run of 100,000 dots made
# the search quadratic (issue 25).
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++(?=\s|$)")
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
    """True when the text seems to identify something only by its colour (and says neither its
    name, nor its place, nor its shape)."""
    norm = _norm(text)
    if not _COLOUR_CUE.search(norm):
        return False
    described = _NAMED.search(text) or _NAME_WORDS.search(norm) or _PLACE_OR_SHAPE.search(norm)
    return not described


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


SOURCES_HEADING = "fuentes"


def missing_sources(headings: Any) -> tuple[str, str] | None:
    """(code, message) when a lesson has no "## Fuentes" section, else None.

    HEADINGS are the (level, id, text) of the full version. Every lesson says where its facts
    come from (laws, guides, interviews) so a participant or a trainer can check them.
    """
    for level, _hid, text in headings:
        if level == 2 and _norm(text).startswith(SOURCES_HEADING):
            return None
    return (
        "sources-missing",
        "la lección no tiene la sección «## Fuentes»; agrégala al final con de dónde sale la "
        "información (leyes, guías, páginas web, entrevistas), una por línea",
    )


# The example text the workshop puts in a new course or lesson (app/authoring/files.py).
PLACEHOLDER = "Escribe aquí"


def placeholder_lines(lines: list[str]) -> list[int]:
    """Line numbers (1-based) that still hold the workshop's example text."""
    return [n for n, text in enumerate(lines, start=1) if PLACEHOLDER in text]


def unpublished_file(rel: str) -> tuple[str, str]:
    """(code, message) for a file in the course folder whose type is never published."""
    name = rel.rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "md" and "/" in rel:
        message = (
            "este archivo no se publica: las lecciones van directamente en la carpeta del curso, "
            "no en subcarpetas; muévelo junto a course.md"
        )
    elif ext == "svg":
        message = (
            "este tipo de archivo no se publica (.svg puede llevar código); guárdalo como .png "
            "o .jpg"
        )
    else:
        kind = f" (.{ext})" if ext else " (sin extensión)"
        message = (
            f"este tipo de archivo no se publica{kind}; conviértelo a uno permitido (jpg, png, "
            "mp3, mp4, vtt, pdf, txt...) o sácalo de la carpeta"
        )
    return "media-not-served", message
