"""Operations on a course's files in memory ({relative path: bytes}): no database, no Flask.

Lessons are `NN-name.md` with, beside them, files that share their stem (`NN-name.lf.md`, the
easy-read version; `NN-name.mp3`, `NN-name.lf.ogg`, narration). Adding, renaming, moving and
deleting a lesson moves all of them together, keeps the numbers 01, 02, 03... without gaps, and
rewrites the links other pages make to a renamed file. A link to a deleted lesson is left as
it is: the checker names it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import yaml
from flask_babel import gettext as _

from app.content.lint import PLACEHOLDER
from app.content.loader import LESSON_FILE, NARRATION_EXT
from app.content.narration import EASY_READ_MARK
from app.content.textutil import slugify
from app.errors import DomainError

Files = dict[str, bytes]
_TITLE_LINE = re.compile(r"^titulo:.*$", re.MULTILINE)
MAX_NAME = 60

# Text files a trainer edits in the browser: course.md, lessons, easy-read versions, captions.
EDITABLE = re.compile(r"^(course\.md|\d{2}-[a-z0-9-]+(\.lf)?\.md|media/[a-z0-9._-]+\.(vtt|txt))$")


def lesson_stems(files: Mapping[str, bytes]) -> list[str]:
    """Stems of the lessons ('01-bienvenida'), in order."""
    return sorted(rel[:-3] for rel in files if LESSON_FILE.match(rel))


def name_of(title: str) -> str:
    """The file-name part of a lesson titled TITLE: 'trabajo-en-equipo'."""
    return slugify(title)[:MAX_NAME].strip("-") or "leccion"


def new_lesson(files: Mapping[str, bytes], title: str) -> tuple[Files, str]:
    """FILES with a new last lesson titled TITLE; its path."""
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("Escribe el título de la lección."), field="title")
    number = len(lesson_stems(files)) + 1
    if number > 99:
        raise DomainError(_("Un curso tiene como máximo 99 lecciones."), field="title")
    path = f"{number:02d}-{name_of(title)}.md"
    header = yaml.safe_dump(
        {
            "titulo": title,
            "minutos": 15,
            "objetivos": [f"{PLACEHOLDER} lo que la persona podrá hacer después de la lección."],
        },
        allow_unicode=True,
        sort_keys=False,
    ).strip()
    body = (
        f"---\n{header}\n---\n\n"
        f"{PLACEHOLDER} el texto de la lección.\n\n"
        "## Fuentes\n\n"
        f"- {PLACEHOLDER} la fuente oficial de lo que dice la lección, con su enlace.\n"
    )
    out = dict(files)
    out[path] = body.encode("utf-8")
    return out, path


def rename_lesson(files: Mapping[str, bytes], stem: str, new_name: str) -> tuple[Files, str]:
    """Give lesson STEM the name NEW_NAME (its number stays); the new stem."""
    _require_lesson(files, stem)
    name = name_of(new_name)
    new_stem = f"{stem[:2]}-{name}"
    if new_stem != stem and f"{new_stem}.md" in files:
        raise DomainError(_("Ya hay una lección llamada %(name)s.md.", name=new_stem), field="name")
    return _rename({stem: new_stem}, files), new_stem


def retitle_lesson(files: Mapping[str, bytes], stem: str, title: str) -> Files:
    """FILES with lesson STEM titled TITLE (the `titulo:` of its header)."""
    _require_lesson(files, stem)
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("Escribe el título de la lección."), field="title")
    out = dict(files)
    out[f"{stem}.md"] = retitle(files[f"{stem}.md"], title)
    return out


def lesson_title(files: Mapping[str, bytes], stem: str) -> str:
    """The `titulo:` in the header of lesson STEM ("" if it has none or is unreadable)."""
    try:
        text = files[f"{stem}.md"].decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return ""
    if not text.startswith("---\n"):
        return ""
    header = text[4:].split("\n---", 1)[0]
    match = _TITLE_LINE.search(header)
    if match is None:
        return ""
    try:
        value = yaml.safe_load(match.group(0))
    except yaml.YAMLError:
        return ""
    title = value.get("titulo") if isinstance(value, dict) else None
    return " ".join(str(title).split()) if title else ""


def lesson_titles(files: Mapping[str, bytes]) -> dict[str, str]:
    """{stem: title} of every lesson (the course page lists lessons by their titles)."""
    return {stem: lesson_title(files, stem) for stem in lesson_stems(files)}


def rename_and_retitle(
    files: Mapping[str, bytes], stem: str, *, title: str, name: str, name_follows_title: bool
) -> tuple[Files, str]:
    """Lesson STEM with a new TITLE ("": unchanged) and file NAME (or, when NAME_FOLLOWS_TITLE,
    the name made from the title); links to a renamed file are rewritten. The new stem."""
    out: Files = dict(files)
    if " ".join(title.split()) and " ".join(title.split()) != lesson_title(files, stem):
        out = retitle_lesson(out, stem, title)
    if name_follows_title:
        name = title or lesson_title(out, stem)
    if name_of(name) == stem[3:]:
        return out, stem
    return rename_lesson(out, stem, name)


def move_lesson(files: Mapping[str, bytes], stem: str, offset: int) -> Files:
    """Move lesson STEM one place up (offset -1) or down (+1), swapping numbers."""
    stems = lesson_stems(files)
    _require_lesson(files, stem)
    i = stems.index(stem)
    j = i + offset
    if not 0 <= j < len(stems):
        raise DomainError(_("Esa lección ya está en el extremo de la lista."))
    other = stems[j]
    return _rename({stem: other[:2] + stem[2:], other: stem[:2] + other[2:]}, files)


def delete_lesson(files: Mapping[str, bytes], stem: str) -> Files:
    """FILES without lesson STEM and its companions; the lessons after it move up one number."""
    _require_lesson(files, stem)
    out = {rel: data for rel, data in files.items() if not _belongs(rel, stem)}
    following = [s for s in lesson_stems(out) if s > stem]
    return _rename({s: f"{int(s[:2]) - 1:02d}{s[2:]}" for s in following}, out)


def with_narration(files: Mapping[str, bytes], target: str, ext: str, data: bytes) -> Files:
    """FILES with DATA as the recorded narration TARGET ('01-name' for the full lesson,
    '01-name.lf' for its easy-read version), replacing one in another format."""
    stem = target.removesuffix(EASY_READ_MARK)
    _require_lesson(files, stem)
    if ext not in NARRATION_EXT:
        raise DomainError(
            _("La narración de una lección debe ser un audio MP3 u OGG."), field="file"
        )
    out = {rel: blob for rel, blob in files.items() if rel not in _narrations(target)}
    out[f"{target}{ext}"] = data
    return out


def _narrations(target: str) -> set[str]:
    return {f"{target}{ext}" for ext in NARRATION_EXT}


def course_md(
    *,
    title: str,
    summary: str,
    audience: str,
    hours: float,
    level: str,
    licence: str,
    authors: list[str],
) -> bytes:
    """The course.md of a new course (its header, and a first paragraph to replace)."""
    header = {
        "titulo": title,
        "resumen": summary,
        "idioma": "es-CL",
        "horas": int(hours) if float(hours).is_integer() else hours,
        "nivel": level,
        "publico": audience,
        "autores": authors,
        "licencia": licence,
        "certificado": True,
    }
    text = yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=1000).strip()
    # The presentation starts from what the form already asked (no example text to replace:
    # example text left in place is an error the checker reports, issue 21).
    return (
        f"---\n{text}\n---\n\n¡Te damos la bienvenida a este curso! {summary}\n\n"
        f"Es para: {audience}.\n"
    ).encode()


def retitle(course_md_bytes: bytes, title: str) -> bytes:
    """course.md with TITLE as its `titulo:` (the first one in the header)."""
    line = "titulo: " + yaml.safe_dump(title, allow_unicode=True, width=1000).strip()
    line = line.removesuffix("\n...").strip()
    text = course_md_bytes.decode("utf-8")
    changed, count = _TITLE_LINE.subn(lambda _m: line, text, count=1)
    if not count:
        changed = text.replace("---\n", f"---\n{line}\n", 1)
    return changed.encode("utf-8")


def _require_lesson(files: Mapping[str, bytes], stem: str) -> None:
    if f"{stem}.md" not in files or not LESSON_FILE.match(f"{stem}.md"):
        raise DomainError(_("Esa lección no existe en el borrador."))


def _belongs(rel: str, stem: str) -> bool:
    """REL is lesson STEM or a file beside it that shares its stem (easy read, narration)."""
    return "/" not in rel and (rel == f"{stem}.md" or rel.startswith(f"{stem}."))


def _rename(mapping: dict[str, str], files: Mapping[str, bytes]) -> Files:
    """Rename every file of each stem in MAPPING (old stem -> new stem) at once, and rewrite
    Markdown links to them in every page."""
    mapping = {old: new for old, new in mapping.items() if old != new}
    if not mapping:
        return dict(files)
    out: Files = {}
    for rel, data in files.items():
        target = rel
        for old, new in mapping.items():
            if _belongs(rel, old):
                target = new + rel[len(old) :]
                break
        out[target] = data
    link = re.compile(
        r"(\]\(\s*)(" + "|".join(re.escape(old) for old in mapping) + r")(?=(\.lf)?\.md\b)"
    )
    for rel, data in out.items():
        if rel.endswith(".md"):
            text = data.decode("utf-8", errors="surrogateescape")
            changed = link.sub(lambda m: m.group(1) + mapping[m.group(2)], text)
            if changed != text:
                out[rel] = changed.encode("utf-8", errors="surrogateescape")
    return out


# --- easy-read versions and orphans (issue 21) ---------------------------------------------------
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_RETOLD = {"fuentes", "lo más importante"}  # sources stay in the full lesson only
# The file is course content (Spanish), whatever language the workshop is shown in.
_EASY_HINT = "con frases cortas, una idea por frase."
_EASY_BLOCK = re.compile(r"^:::\s*lectura-facil\b", re.MULTILINE)


def easy_read_path(stem: str) -> str:
    return f"{stem}.lf.md"


def easy_read_inside(files: Mapping[str, bytes]) -> set[str]:
    """The lessons whose easy-read version is written inside them (a `::: lectura-facil`
    block): they take no STEM.lf.md file."""
    return {
        stem
        for stem in lesson_stems(files)
        if _EASY_BLOCK.search(files[f"{stem}.md"].decode("utf-8", errors="replace"))
    }


def new_easy_read(files: Mapping[str, bytes], stem: str) -> tuple[Files, str]:
    """FILES with STEM's easy-read version (`STEM.lf.md`), prefilled with the lesson's title,
    its `##` headings and «Lo más importante», each with the workshop's example text (the
    checker reports it until it is written); its path."""
    _require_lesson(files, stem)
    path = easy_read_path(stem)
    if path in files:
        raise DomainError(_("La lección %(stem)s ya tiene su versión simplificada.", stem=stem))
    text = files[f"{stem}.md"].decode("utf-8", errors="replace")
    if _EASY_BLOCK.search(text):
        raise DomainError(
            _(
                "La lección %(stem)s ya tiene su versión simplificada dentro, en un bloque "
                "«::: lectura-facil»: usa solo una de las dos formas.",
                stem=stem,
            )
        )
    title, headings = _title_and_headings(text)
    header = yaml.safe_dump(
        {"titulo": f"{title or stem[3:]} (versión simplificada)"},
        allow_unicode=True,
        sort_keys=False,
    ).strip()
    parts = [f"---\n{header}\n---\n"]
    for heading in [*headings, "Lo más importante"]:
        parts.append(f"## {heading}\n\n{PLACEHOLDER} {_EASY_HINT}\n")
    out = dict(files)
    out[path] = "\n".join(parts).encode("utf-8")
    return out, path


def _title_and_headings(text: str) -> tuple[str, list[str]]:
    lines = text.splitlines()
    title = ""
    start = 0
    if lines and lines[0].strip() == "---":
        for n, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                start = n + 1
                break
            match = _TITLE_LINE.match(line)
            if match:
                title = line.split(":", 1)[1].strip().strip("'\"")
    headings, fenced = [], False
    for line in lines[start:]:
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match and match.group(1).strip().lower() not in _NOT_RETOLD:
            headings.append(match.group(1).strip())
    return title, headings


def orphans(files: Mapping[str, bytes]) -> list[str]:
    """Files nothing uses: an easy-read version whose lesson is gone, a media file no page
    (lesson, easy-read version, course.md, quiz) names."""
    lessons = set(lesson_stems(files))
    out = [rel for rel in files if rel.endswith(".lf.md") and rel[: -len(".lf.md")] not in lessons]
    # Only the pages' bytes: FILES may read lazily, and a course's media can be megabytes.
    pages = b"\n".join(files[rel] for rel in files if rel.endswith(".md"))
    for rel in files:
        if rel.startswith("media/") and rel.encode("utf-8") not in pages:
            out.append(rel)
    return sorted(out)


def delete_orphan(files: Mapping[str, bytes], rel: str) -> Files:
    """FILES without REL, which must be an orphan (orphans())."""
    if rel not in orphans(files):
        raise DomainError(_("Solo se pueden borrar aquí los archivos que ninguna página usa."))
    return {k: v for k, v in files.items() if k != rel}
