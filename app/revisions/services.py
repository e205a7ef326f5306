"""Record course folders as revisions, publish them, read them back and export them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import record
from app.content.loader import files_version, list_files
from app.errors import DomainError
from app.extensions import db
from app.revisions.models import (
    CourseBlob,
    CoursePublication,
    CourseRevision,
    CourseRevisionFile,
)
from app.timeutil import utcnow

FOLDER_AUTHOR = "carpeta courses/"


def published_revision(slug: str) -> CourseRevision | None:
    """The revision of SLUG that is published now, or None."""
    return db.session.scalar(
        select(CourseRevision)
        .join(CoursePublication, CoursePublication.revision_id == CourseRevision.id)
        .where(CoursePublication.course_slug == slug)
    )


def revisions_of(slug: str) -> list[CourseRevision]:
    """Every revision of SLUG, newest first."""
    return list(
        db.session.scalars(
            select(CourseRevision)
            .where(CourseRevision.course_slug == slug)
            .order_by(CourseRevision.number.desc())
        )
    )


def record_folder(
    folder: Path, *, author: User | None = None, author_label: str = FOLDER_AUTHOR, note: str = ""
) -> tuple[CourseRevision, bool]:
    """Record the files of course FOLDER as a revision (or find the one with the same content).

    Returns (revision, created). Unchanged files reuse their stored blob.
    """
    slug = folder.name
    # Read once: the version is the hash of exactly the bytes stored (symlinks that leave the
    # folder are never listed).
    files = {rel: (folder / rel).read_bytes() for rel in list_files(folder)}
    version = files_version(files)
    existing = db.session.scalar(
        select(CourseRevision)
        .where(CourseRevision.course_slug == slug, CourseRevision.version == version)
        .order_by(CourseRevision.number.desc())
    )
    if existing is not None:
        return existing, False
    number = (
        db.session.scalar(
            select(func.max(CourseRevision.number)).where(CourseRevision.course_slug == slug)
        )
        or 0
    ) + 1
    revision = CourseRevision(
        course_slug=slug,
        number=number,
        version=version,
        author_id=author.id if author else None,
        author_label=author_label,
        note=note,
    )
    db.session.add(revision)
    db.session.flush()
    for rel, data in files.items():
        db.session.add(
            CourseRevisionFile(revision_id=revision.id, path=rel, blob_sha256=_keep_blob(data))
        )
    db.session.flush()
    record("course_revision_recorded", actor=author, target=revision, course=slug)
    return revision, True


def publish(revision: CourseRevision, *, actor: User | None = None, note: str = "") -> bool:
    """Make REVISION the published one of its course; False if it already was."""
    publication = db.session.get(CoursePublication, revision.course_slug)
    if publication is not None and publication.revision_id == revision.id:
        return False
    if publication is None:
        publication = CoursePublication(course_slug=revision.course_slug)
        db.session.add(publication)
    publication.revision_id = revision.id
    publication.changed_at = utcnow()
    db.session.flush()
    record(
        "course_published",
        actor=actor,
        target=revision,
        course=revision.course_slug,
        number=revision.number,
        note=note,
    )
    return True


def revision_files(revision: CourseRevision) -> dict[str, bytes]:
    """Every file of REVISION: {relative path: bytes}."""
    rows = db.session.execute(
        select(CourseRevisionFile.path, CourseBlob.data)
        .join(CourseBlob, CourseBlob.sha256 == CourseRevisionFile.blob_sha256)
        .where(CourseRevisionFile.revision_id == revision.id)
        .order_by(CourseRevisionFile.path)
    )
    return {path: bytes(data) for path, data in sorted(rows)}


def export_revision(revision: CourseRevision, target: Path) -> Path:
    """Write REVISION out as a course folder TARGET/<slug>; refuses to overwrite one."""
    folder = target / revision.course_slug
    if folder.exists():
        raise DomainError(f"ya existe {folder}; elige otra carpeta o bórrala primero")
    for rel, data in revision_files(revision).items():
        path = folder / rel
        if not path.resolve().is_relative_to(folder.resolve()):
            raise DomainError(f"ruta no válida en la revisión: {rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def _keep_blob(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    if db.session.get(CourseBlob, digest) is None:
        db.session.add(CourseBlob(sha256=digest, size=len(data), data=data))
    return digest
