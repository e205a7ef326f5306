"""Storage budgets of the workshop: per course (text and media of one revision, separately) and
per trainer (the bytes of the blobs their own revisions added).

A 47 kB zip of 40 different lessons of 1 MB added 41 MB to the database in half a second
(issue 25). Every save path of the workshop (a file saved, lessons added or moved, media, a .zip,
a copy, a new course) goes through app.authoring.services._save, which calls `check` before
anything is written: past a budget the save is refused with a message that says which budget,
how much is used, how much the change adds and what to do. The limits are in app.config.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.content.loader import is_media
from app.errors import DomainError
from app.extensions import db
from app.revisions.models import CourseBlob, CourseRevision, CourseRevisionFile

KB = 1024
MB = 1024 * 1024


class BudgetExceeded(DomainError):
    """A save would pass a storage budget: nothing was written."""


def is_text(rel: str) -> bool:
    """Whether course file REL counts as text (Markdown and every file that is not media)."""
    return rel.endswith(".md") or not is_media(rel)


def split_sizes(sizes: Mapping[str, int]) -> tuple[int, int]:
    """(text bytes, media bytes) of SIZES ({path: bytes})."""
    text = sum(n for rel, n in sizes.items() if is_text(rel))
    return text, sum(sizes.values()) - text


def revision_sizes(revision_id: int | None) -> dict[str, int]:
    """{path: size} of a stored revision, read from the blob sizes (never their bytes)."""
    if revision_id is None:
        return {}
    rows = db.session.execute(
        select(CourseRevisionFile.path, CourseBlob.size)
        .join(CourseBlob, CourseBlob.sha256 == CourseRevisionFile.blob_sha256)
        .where(CourseRevisionFile.revision_id == revision_id)
    )
    return {path: size for path, size in rows}


def trainer_used(user_id: int) -> int:
    """The bytes of the distinct blobs first stored by a revision USER_ID authored."""
    own = (
        select(CourseRevisionFile.blob_sha256)
        .join(CourseRevision, CourseRevision.id == CourseRevisionFile.revision_id)
        .where(CourseRevision.author_id == user_id)
        .distinct()
        .scalar_subquery()
    )
    first = (
        select(
            CourseRevisionFile.blob_sha256.label("sha"),
            func.min(CourseRevisionFile.revision_id).label("first_id"),
        )
        .where(CourseRevisionFile.blob_sha256.in_(own))
        .group_by(CourseRevisionFile.blob_sha256)
        .subquery()
    )
    total = db.session.scalar(
        select(func.coalesce(func.sum(CourseBlob.size), 0))
        .join(first, first.c.sha == CourseBlob.sha256)
        .join(CourseRevision, CourseRevision.id == first.c.first_id)
        .where(CourseRevision.author_id == user_id)
    )
    return int(total or 0)


def new_blob_bytes(files: Mapping[str, bytes], digests: Mapping[str, str]) -> int:
    """The bytes FILES ({path: bytes}, DIGESTS {path: SHA-256}) would add to the database:
    distinct contents not stored yet."""
    sizes = {digests[rel]: len(data) for rel, data in files.items()}
    stored = set(
        db.session.scalars(select(CourseBlob.sha256).where(CourseBlob.sha256.in_(set(sizes))))
    )
    return sum(n for digest, n in sizes.items() if digest not in stored)


def size_text(n: int) -> str:
    """A size as people read it in Chile: 300 kB, 1,9 MB, 2 MB (rounded up)."""
    if n < MB:
        return f"{math.ceil(n / KB)} kB"
    tenths = math.ceil(n * 10 / MB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth} MB" if tenth else f"{whole} MB"


def trainer_budget(user: User) -> int | None:
    if user.has_role("admin"):
        return current_app.config.get("ADMIN_STORAGE_BUDGET")
    return current_app.config.get("TRAINER_STORAGE_BUDGET")


def check(
    actor: User,
    files: Mapping[str, bytes],
    before: Mapping[str, int],
    digests: Mapping[str, str],
) -> None:
    """Refuse (BudgetExceeded) FILES, the new files of a course that had BEFORE ({path: size}),
    when they pass the course's text or media budget or ACTOR's own budget. DIGESTS are the
    files' SHA-256 (revisions.file_digests), computed once for the check and the save. A course
    already over a budget (lowered since) may still shrink."""
    config = current_app.config
    old_text, old_media = split_sizes(before)
    new_text, new_media = split_sizes({rel: len(data) for rel, data in files.items()})
    text_budget = config.get("COURSE_TEXT_BUDGET")
    if text_budget is not None and new_text > text_budget and new_text > old_text:
        raise BudgetExceeded(
            _(
                "El curso pasaría de %(budget)s de texto (usa %(used)s; este cambio agrega "
                "%(added)s): divide o acorta las lecciones, o borra las que ya no uses.",
                budget=size_text(text_budget),
                used=size_text(old_text),
                added=size_text(new_text - old_text),
            )
        )
    media_budget = config.get("COURSE_MEDIA_BUDGET")
    if media_budget is not None and new_media > media_budget and new_media > old_media:
        raise BudgetExceeded(
            _(
                "El curso pasaría de %(budget)s de medios (usa %(used)s; este cambio agrega "
                "%(added)s): achica las imágenes, audios o videos, borra los que ya no uses o "
                "enlaza los videos largos desde otro sitio.",
                budget=size_text(media_budget),
                used=size_text(old_media),
                added=size_text(new_media - old_media),
            )
        )
    own_budget = trainer_budget(actor)
    if own_budget is None:
        return
    added = new_blob_bytes(files, digests)
    if added == 0:
        return
    used = trainer_used(actor.id)
    if used + added > own_budget:
        raise BudgetExceeded(
            _(
                "Pasarías de %(budget)s guardados a tu nombre en el taller (usas %(used)s; este "
                "cambio agrega %(added)s): descarta los borradores que no necesites, borra medios "
                "que no uses o pide más espacio a la administración.",
                budget=size_text(own_budget),
                used=size_text(used),
                added=size_text(added),
            )
        )
