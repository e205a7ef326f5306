"""A course's media library: each file of media/ with its size, where the pages use it, and the
Markdown to insert it, written so that what is offered passes the check as pasted (audio and
video come with the transcript and captions the checker asks for, taken from the course's own
.vtt or .txt file; without one, the library says what to upload instead of offering a block
that would be refused)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.authoring.uploads import link_label, md_text, media_kind, readable_size
from app.content.lint import GENERIC_ALT
from app.content.textutil import norm_key
from app.extensions import db
from app.revisions.models import CourseBlob, CourseRevisionFile
from app.revisions.services import LazyRevisionFiles

_MEDIA_REF = re.compile(r"(?:\./)?(media/[^\s)\"'<>\]]+)")
_IMAGE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\]\(\s*(?:\./)?(media/[^\s)]+)")


@dataclass(frozen=True)
class Use:
    path: str  # the page's file, e.g. 01-inicio.md
    line: int


@dataclass(frozen=True)
class MediaFile:
    """One file of media/ as the library shows it."""

    path: str
    kind: str  # image, audio, video, captions, pdf, text
    size: int
    uses: tuple[Use, ...]
    snippet: str  # the Markdown to insert ("" when none can be offered yet)
    advice: str  # what to do before or after inserting it

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def size_text(self) -> str:
        return readable_size(self.size)

    @property
    def anchor(self) -> str:
        """The id of its row in the library."""
        return "archivo-" + "".join(c if c.isalnum() else "-" for c in self.name)


def library(files: Mapping[str, bytes]) -> list[MediaFile]:
    """Every file of media/ in FILES (a draft's), read without the bytes of audio, video and
    images: only the pages' text and the small transcript and caption files."""
    media = sorted(rel for rel in files if rel.startswith("media/"))
    pages = {rel: files[rel] for rel in files if rel.endswith(".md")}
    texts = _read(files, [rel for rel in media if rel.endswith((".vtt", ".txt"))])
    sizes = _sizes(files, media)
    uses = _uses(pages, set(media))
    alts = _alts(pages)
    out = []
    for rel in media:
        snippet, advice = _offer(rel, set(media), texts, alts)
        out.append(
            MediaFile(rel, media_kind(rel) or "", sizes[rel], uses.get(rel, ()), snippet, advice)
        )
    return out


def offers(files: Mapping[str, bytes]) -> list[MediaFile]:
    """The files the edit page offers to insert (captions go inside an audio or video block)."""
    return [m for m in library(files) if m.kind != "captions"]


def entry(files: Mapping[str, bytes], rel: str) -> MediaFile | None:
    return next((m for m in library(files) if m.path == rel), None)


def image_snippet(rel: str, description: str) -> str:
    """The Markdown of image REL with DESCRIPTION, or "" when it describes nothing."""
    text = " ".join(description.split())
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    if not text or norm_key(text) in GENERIC_ALT or text.lower() in (stem, posixpath.basename(rel)):
        return ""
    return f"![{md_text(text)}]({rel})"


# --- reading ---------------------------------------------------------------------------------
def _read(files: Mapping[str, bytes], paths: list[str]) -> dict[str, bytes]:
    if not paths:
        return {}
    if isinstance(files, LazyRevisionFiles):  # one query, never the big files
        rows = db.session.execute(
            select(CourseRevisionFile.path, CourseBlob.data)
            .join(CourseBlob, CourseBlob.sha256 == CourseRevisionFile.blob_sha256)
            .where(
                CourseRevisionFile.revision_id == files.revision_id,
                CourseRevisionFile.path.in_(paths),
            )
        )
        return {path: bytes(data) for path, data in rows}
    return {rel: files[rel] for rel in paths}


def _sizes(files: Mapping[str, bytes], paths: list[str]) -> dict[str, int]:
    if isinstance(files, LazyRevisionFiles):
        rows = db.session.execute(
            select(CourseRevisionFile.path, CourseBlob.size)
            .join(CourseBlob, CourseBlob.sha256 == CourseRevisionFile.blob_sha256)
            .where(CourseRevisionFile.revision_id == files.revision_id)
        )
        found = dict(rows.tuples().all())
        return {rel: int(found.get(rel, 0)) for rel in paths}
    return {rel: len(files[rel]) for rel in paths}


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").lstrip("\ufeff").split("\n")


def _uses(pages: Mapping[str, bytes], media: set[str]) -> dict[str, tuple[Use, ...]]:
    found: dict[str, list[Use]] = {}
    for page in sorted(pages):
        for n, text in enumerate(_lines(pages[page]), 1):
            for ref in dict.fromkeys(m.group(1) for m in _MEDIA_REF.finditer(text)):
                if ref in media:
                    found.setdefault(ref, []).append(Use(page, n))
    return {rel: tuple(v) for rel, v in found.items()}


def _alts(pages: Mapping[str, bytes]) -> dict[str, str]:
    """The description each image already has on some page (the first one found)."""
    alts: dict[str, str] = {}
    for page in sorted(pages):
        for text in _lines(pages[page]):
            for m in _IMAGE.finditer(text):
                if m.group(1).strip():
                    alts.setdefault(m.group(2), m.group(1).strip())
    return alts


# --- what to insert --------------------------------------------------------------------------
def _offer(
    rel: str, media: set[str], texts: Mapping[str, bytes], alts: Mapping[str, str]
) -> tuple[str, str]:
    kind = media_kind(rel)
    stem = posixpath.splitext(rel)[0]
    captions = f"{stem}.vtt" if f"{stem}.vtt" in media else ""
    written = f"{stem}.txt" if f"{stem}.txt" in media else ""
    if kind == "image":
        if rel in alts:
            return f"![{alts[rel]}]({rel})", _(
                "La descripción es la que ya tiene en otra página; cámbiala si aquí muestra otra "
                "cosa."
            )
        return "", _("Escribe qué muestra la imagen para obtener el texto que la inserta.")
    if kind in ("audio", "video"):
        if kind == "video" and not captions:
            return "", _(
                "Para insertarlo, sube primero sus subtítulos como %(vtt)s (son obligatorios).",
                vtt=f"{stem}.vtt",
            )
        source = written or captions
        transcript = _transcript(texts.get(source, b""), source.endswith(".vtt")) if source else ""
        if not transcript:
            return "", _(
                "Para insertarlo, sube su transcripción (todo lo que se dice) como %(txt)s o sus "
                "subtítulos como %(vtt)s.",
                txt=f"{stem}.txt",
                vtt=f"{stem}.vtt",
            )
        head = f"::: {kind} {rel}" + (f" subtitulos={captions}" if captions else "")
        return f"{head}\n{transcript}\n:::", _(
            "La transcripción viene de %(file)s; revisa que diga todo lo que se dice y lo "
            "importante que se ve.",
            file=source,
        )
    if kind == "captions":
        return "", _(
            "Subtítulos: se insertan con su video o audio (el que tiene el mismo nombre, "
            "%(stem)s), no solos.",
            stem=posixpath.basename(stem),
        )
    what = "PDF" if kind == "pdf" else "texto"
    return f"[{md_text(link_label(rel))} ({what})]({rel})", _(
        "Si el texto del enlace no dice qué es el documento, cámbialo."
    )


_TIMING = re.compile(r"-->")
_TAG = re.compile(r"<[^>]*>")
# Characters that would make a transcript line Markdown (a heading, a list, a link, emphasis):
# escaped, so the text reads as written. A line starting with ::: would be read as the end of the
# block, escaped or not: its colons are dropped (they are never speech).
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~{}])")
_FENCE = re.compile(r"^:{3,}\s*")
_LEADING = re.compile(r"^([-+=]|\d+(?=[.)]))")  # a list item or a heading's underline


def _transcript(data: bytes, vtt: bool) -> str:
    lines = _cue_text(_lines(data)) if vtt else [line.strip() for line in _lines(data)]
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        text = _FENCE.sub("", " ".join(line.split()))
        escaped = _LEADING.sub(_escape_leading, _SPECIAL.sub(r"\\\1", text))
        if not out or escaped != out[-1]:
            out.append(escaped)
    return "\n".join(out).strip()


def _escape_leading(match: re.Match[str]) -> str:
    mark = match.group(1)
    return mark + "\\" if mark[0].isdigit() else "\\" + mark  # "1\. " and "\- "


def _cue_text(lines: Iterable[str]) -> list[str]:
    """The spoken text of a WebVTT file: its cues without header, notes, ids or timings."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    out: list[str] = []
    for block in blocks:
        if not block or block[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(block) if _TIMING.search(line)), None)
        if timing is None:
            continue
        out += [_TAG.sub("", line) for line in block[timing + 1 :]]
    return out
