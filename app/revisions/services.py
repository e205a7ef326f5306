"""Record course folders as revisions, publish them, read them back and export them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import and_, delete, event, func, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record
from app.content.loader import files_version, read_folder
from app.errors import DomainError
from app.events import courses_published, version_published
from app.extensions import db
from app.revisions.models import (
    ContentState,
    CourseBlob,
    CourseDraft,
    CoursePublication,
    CoursePublishEvent,
    CourseReview,
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


def is_known(slug: str) -> bool:
    """Whether SLUG has a publication row (published now, or withdrawn)."""
    return db.session.get(CoursePublication, slug) is not None


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
    # Read once: the version is the hash of exactly the bytes stored (symlinks that leave the
    # folder are never listed).
    return record_files(
        folder.name, read_folder(folder), author=author, author_label=author_label, note=note
    )


def file_digests(files: Mapping[str, bytes]) -> dict[str, str]:
    """{path: SHA-256 hex} of FILES: the names their blobs are stored under."""
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in files.items()}


def record_files(
    slug: str,
    files: Mapping[str, bytes],
    *,
    author: User | None = None,
    author_label: str = "",
    note: str = "",
    digests: Mapping[str, str] | None = None,
) -> tuple[CourseRevision, bool]:
    """Record FILES ({relative path: bytes}) as a revision of SLUG, or find the one with the
    same content. DIGESTS, when the caller hashed the files already (file_digests), saves
    hashing them again. Returns (revision, created)."""
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
        author_label=author_label or (author.full_name if author else ""),
        note=note,
    )
    db.session.add(revision)
    db.session.flush()
    if digests is None:
        digests = file_digests(files)
    # Which blobs are stored already: one query on their names, never reading their bytes.
    stored = set(
        db.session.scalars(
            select(CourseBlob.sha256).where(CourseBlob.sha256.in_(set(digests.values())))
        )
    )
    for rel, data in files.items():
        digest = digests[rel]
        if digest not in stored:  # each distinct file once
            db.session.add(CourseBlob(sha256=digest, size=len(data), data=data))
            stored.add(digest)
        db.session.add(CourseRevisionFile(revision_id=revision.id, path=rel, blob_sha256=digest))
    db.session.flush()
    record("course_revision_recorded", actor=author, target=revision, course=slug)
    return revision, True


def publish(
    revision: CourseRevision,
    *,
    actor: User | None = None,
    note: str = "",
    action: str = "publish",
) -> bool:
    """Make REVISION the published one of its course, write it in the course's history
    (ACTION: "publish", or "rollback" for an older revision published again) and tell every
    process; False if it already was the published one."""
    publication = db.session.get(CoursePublication, revision.course_slug)
    if publication is not None and publication.revision_id == revision.id:
        return False
    if publication is None:
        publication = CoursePublication(course_slug=revision.course_slug)
        db.session.add(publication)
    publication.revision_id = revision.id
    publication.changed_at = utcnow()
    number_publication(revision)
    _history(revision.course_slug, action, revision, actor, note)
    record(
        "course_published",
        actor=actor,
        target=revision,
        course=revision.course_slug,
        number=revision.number,
        publication_number=revision.publication_number,
        note=note,
    )
    announce_publish()
    # version_published goes out once this is committed (send_published_after_commit).
    db.session.info.setdefault(_PUBLISHED_KEY, []).append((revision.course_slug, revision.id))
    return True


def number_publication(revision: CourseRevision) -> int:
    """REVISION's version number as people see it (1, 2, 3... per course), given at its first
    publication; a revision published again (a rollback) keeps its number."""
    if revision.publication_number is None:
        latest = db.session.scalar(
            select(func.max(CourseRevision.publication_number)).where(
                CourseRevision.course_slug == revision.course_slug
            )
        )
        revision.publication_number = (latest or 0) + 1
        db.session.flush()
    return revision.publication_number


def withdrawn_at(slug: str) -> datetime | None:
    """When SLUG was withdrawn (None: published now, or never published)."""
    publication = db.session.get(CoursePublication, slug)
    if publication is None or publication.revision_id is not None:
        return None
    return publication.changed_at


def last_published_revision(slug: str) -> CourseRevision | None:
    """The revision of SLUG published most recently (the one a withdrawal took down)."""
    return db.session.scalar(
        select(CourseRevision)
        .join(CoursePublishEvent, CoursePublishEvent.revision_id == CourseRevision.id)
        .where(CoursePublishEvent.course_slug == slug)
        .order_by(CoursePublishEvent.id.desc())
        .limit(1)
    )


_PUBLISHED_KEY = "aula_versions_published"


def send_published_after_commit() -> None:
    """Send `version_published` for every publish of a transaction once it is committed (and
    never for one rolled back): whatever the path (sync, workshop, rollback, approval)."""
    if not event.contains(Session, "after_commit", _send_published):
        event.listen(Session, "after_commit", _send_published)
        event.listen(Session, "after_rollback", _forget_published)


def _send_published(session: Session) -> None:
    for slug, revision_id in session.info.pop(_PUBLISHED_KEY, []):
        version_published.send(course_slug=slug, revision_id=revision_id)


def _forget_published(session: Session) -> None:
    session.info.pop(_PUBLISHED_KEY, None)


def withdraw(slug: str, *, actor: User | None = None) -> bool:
    """Stop publishing SLUG (its revisions stay), write it in the history and tell every
    process; False if nothing was published."""
    publication = db.session.get(CoursePublication, slug)
    if publication is None or publication.revision_id is None:
        return False
    publication.revision_id = None
    publication.changed_at = utcnow()
    _history(slug, "withdraw", None, actor, "")
    record("course_withdrawn", actor=actor, target=slug, target_type="course", course=slug)
    announce_publish()
    return True


def _history(
    slug: str, action: str, revision: CourseRevision | None, actor: User | None, note: str
) -> None:
    """One line of the course's history (the workshop's history page)."""
    label = actor.full_name if actor else (revision.author_label if revision else "")
    db.session.add(
        CoursePublishEvent(
            course_slug=slug,
            action=action,
            revision_id=revision.id if revision else None,
            actor_id=actor.id if actor else None,
            actor_label=label,
            note=note[:500],
        )
    )
    db.session.flush()


def revision_files(revision: CourseRevision) -> dict[str, bytes]:
    """Every file of REVISION: {relative path: bytes} (in this request's transaction)."""
    rows = db.session.execute(_files_query(revision.id))
    return {path: bytes(data) for path, data in sorted(rows)}


def _files_query(revision_id: int):
    return (
        select(CourseRevisionFile.path, CourseBlob.data)
        .join(CourseBlob, CourseBlob.sha256 == CourseRevisionFile.blob_sha256)
        .where(CourseRevisionFile.revision_id == revision_id)
    )


def _files_of(revision_id: int) -> dict[str, bytes]:
    """revision_files on a connection of its own: a process loading a publication never
    touches the request's session (nor its transaction); it sees committed revisions only."""
    with db.engine.connect() as connection:
        rows = connection.execute(_files_query(revision_id))
        return {path: bytes(data) for path, data in sorted(rows)}


def revision_files_by_version(slug: str, version: str) -> dict[str, bytes] | None:
    """The files of SLUG's revision with content hash VERSION, or None if none was recorded."""
    with db.engine.connect() as connection:
        revision_id = connection.execute(
            select(CourseRevision.id).where(
                CourseRevision.course_slug == slug, CourseRevision.version == version
            )
        ).scalar()
    return _files_of(revision_id) if revision_id is not None else None


def published_versions() -> dict[str, tuple[str, Callable[[], Mapping[str, bytes]]] | None]:
    """Every course the database has a publication for: {slug: (version, read its files) or
    None when withdrawn}, read on a connection of its own."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(
                CoursePublication.course_slug, CourseRevision.id, CourseRevision.version
            ).outerjoin(CourseRevision, CourseRevision.id == CoursePublication.revision_id)
        ).all()
    return {
        slug: None if revision_id is None else (version, partial(_files_of, revision_id))
        for slug, revision_id, version in rows
    }


def announce_publish() -> int:
    """Tell every process that courses changed (called after a publish); the new generation."""
    changed = db.session.execute(
        update(ContentState)
        .where(ContentState.id == 1)
        .values(generation=ContentState.generation + 1, changed_at=utcnow())
    )
    if changed.rowcount == 0:
        db.session.add(ContentState(id=1, generation=1))
    db.session.flush()
    generation = db.session.scalar(select(ContentState.generation).where(ContentState.id == 1))
    courses_published.send(generation=generation)
    return generation


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


def lock_draft(slug: str) -> int | None:
    """Lock the draft row of SLUG until the transaction ends and return its revision id as it
    is now (None: no draft). Publishes and approvals take this lock first, so two of them never
    act on the same draft at once, and a save racing them either lands before (and is what
    they see) or is refused after (its conditional update finds the draft gone)."""
    locked = db.session.execute(
        update(CourseDraft)
        .where(CourseDraft.course_slug == slug)
        .values(updated_at=CourseDraft.updated_at)  # a no-op write: the row lock is the point
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        return None
    # A column read, not the identity map: the request may hold the draft as it was earlier.
    return db.session.scalar(select(CourseDraft.revision_id).where(CourseDraft.course_slug == slug))


def drop_draft(slug: str, revision_id: int) -> bool:
    """Delete SLUG's draft only while it still points at REVISION_ID (just published): a save
    that moved it since keeps its draft. False if nothing was deleted."""
    dropped = db.session.execute(
        delete(CourseDraft)
        .where(CourseDraft.course_slug == slug, CourseDraft.revision_id == revision_id)
        .execution_options(synchronize_session="fetch")  # the session forgets it too
    )
    return dropped.rowcount == 1


@dataclass(frozen=True)
class Pruned:
    """What a prune removed: draft revisions (slug, number), blobs, and the bytes freed."""

    revisions: tuple[tuple[str, int], ...]
    blobs: int
    bytes_freed: int


def kept_revision_ids(slug: str | None = None) -> set[int]:
    """Revisions a prune never deletes: published now or ever (publish events), a draft's current
    or base revision, and any revision a review names."""
    queries = [
        select(CoursePublication.revision_id),
        select(CoursePublishEvent.revision_id),
        select(CourseDraft.revision_id),
        select(CourseDraft.base_revision_id),
        select(CourseReview.revision_id),
        select(CourseReview.base_revision_id),
    ]
    kept: set[int] = set()
    for query in queries:
        kept.update(i for i in db.session.scalars(query) if i is not None)
    return kept


def prune_drafts(
    *, older_than: timedelta | None = None, slug: str | None = None, now: datetime | None = None
) -> Pruned:
    """Delete the draft revisions never published that are older than OLDER_THAN (None: any
    age) of SLUG (None: every course), unless something refers to them (kept_revision_ids);
    revisions saved from a deleted one are re-pointed to its nearest kept ancestor. Then delete
    the blobs no revision file uses any more. Does not commit."""
    query = select(CourseRevision.id, CourseRevision.course_slug, CourseRevision.parent_id)
    if slug is not None:
        query = query.where(CourseRevision.course_slug == slug)
    rows = db.session.execute(query).all()
    parents = {rid: parent for rid, _slug, parent in rows}
    kept = kept_revision_ids()
    cutoff = (now or utcnow()) - older_than if older_than is not None else None
    candidates = [rid for rid, _slug, _parent in rows if rid not in kept]
    if cutoff is not None and candidates:
        old = set(
            db.session.scalars(
                select(CourseRevision.id).where(
                    CourseRevision.id.in_(candidates), CourseRevision.created_at < cutoff
                )
            )
        )
        candidates = [rid for rid in candidates if rid in old]
    doomed = set(candidates)
    removed: list[tuple[str, int]] = []
    if doomed:
        # Revisions of other courses never have a parent here; read the rest of the parents
        # when only one course was listed.
        if slug is not None:
            children = db.session.execute(
                select(CourseRevision.id, CourseRevision.parent_id).where(
                    CourseRevision.parent_id.in_(doomed)
                )
            )
            parents.update((child, parent) for child, parent in children)

        def ancestor(rid: int | None) -> int | None:
            seen = set()
            while rid is not None and rid in doomed and rid not in seen:
                seen.add(rid)
                rid = parents.get(rid)
            return rid if rid not in doomed else None

        for child, parent in list(parents.items()):
            if child not in doomed and parent in doomed:
                db.session.execute(
                    update(CourseRevision)
                    .where(CourseRevision.id == child)
                    .values(parent_id=ancestor(parent))
                    .execution_options(synchronize_session=False)
                )
        removed = [
            (s, n)
            for s, n in db.session.execute(
                select(CourseRevision.course_slug, CourseRevision.number)
                .where(CourseRevision.id.in_(doomed))
                .order_by(CourseRevision.course_slug, CourseRevision.number)
            ).tuples()
        ]
        db.session.execute(
            delete(CourseRevisionFile)
            .where(CourseRevisionFile.revision_id.in_(doomed))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(CourseRevision)
            .where(CourseRevision.id.in_(doomed))
            .values(parent_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(CourseRevision)
            .where(CourseRevision.id.in_(doomed))
            .execution_options(synchronize_session=False)
        )
    blobs, freed = prune_blobs()
    db.session.expire_all()
    return Pruned(tuple(removed), blobs, freed)


def prune_blobs() -> tuple[int, int]:
    """Delete the blobs nothing uses: (how many, their bytes). A blob is used while any table
    refers to it: a revision's files, and what jobs made from a revision (narration, books)."""
    unused = and_(
        *(
            ~select(column).where(column == CourseBlob.sha256).exists()
            for column in _blob_references()
        )
    )
    count, size = db.session.execute(
        select(func.count(), func.coalesce(func.sum(CourseBlob.size), 0)).where(unused)
    ).one()
    if count:
        db.session.execute(
            delete(CourseBlob).where(unused).execution_options(synchronize_session=False)
        )
    return int(count), int(size)


def _blob_references() -> list:
    """Every column of every table with a foreign key to course_blobs.sha256."""
    return [
        fk.parent
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column is CourseBlob.__table__.c.sha256
    ]


class LazyRevisionFiles(Mapping[str, bytes]):
    """The files of a stored revision, read only when their bytes are needed: the workshop's
    lists and course page need the paths and the check (cached by version), not megabytes of
    media (issue 25: the admin's index read every course's files, media included). The paths
    come in one query; course.md alone in one more; any other Markdown file reads every
    Markdown file at once, and any other file every file."""

    def __init__(self, revision_id: int) -> None:
        self.revision_id = revision_id
        self._paths: list[str] | None = None
        self._data: dict[str, bytes] = {}
        self._complete = False

    def _keys(self) -> list[str]:
        if self._paths is None:
            self._paths = sorted(
                db.session.scalars(
                    select(CourseRevisionFile.path).where(
                        CourseRevisionFile.revision_id == self.revision_id
                    )
                )
            )
        return self._paths

    def __iter__(self):
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        return key in set(self._keys())

    def __getitem__(self, key: str) -> bytes:
        if key in self._data:
            return self._data[key]
        if key not in self:
            raise KeyError(key)
        if key == "course.md" and not self._complete:
            data = db.session.scalar(
                select(CourseBlob.data)
                .join(CourseRevisionFile, CourseRevisionFile.blob_sha256 == CourseBlob.sha256)
                .where(
                    CourseRevisionFile.revision_id == self.revision_id,
                    CourseRevisionFile.path == key,
                )
            )
            self._data[key] = bytes(data)
            return self._data[key]
        if key.endswith(".md") and not self._complete:
            # The pages' text, never the media: the course page lists the files nothing uses.
            rows = db.session.execute(
                _files_query(self.revision_id).where(CourseRevisionFile.path.like("%.md"))
            )
            self._data.update({path: bytes(data) for path, data in rows})
            return self._data[key]
        self._load_all()
        return self._data[key]

    def _load_all(self) -> None:
        if not self._complete:
            rows = db.session.execute(_files_query(self.revision_id))
            self._data = {path: bytes(data) for path, data in rows}
            self._complete = True

    def loaded(self) -> bool:
        """Whether every file's bytes were read (tests and benchmarks)."""
        return self._complete


def lazy_revision_files(revision: CourseRevision) -> LazyRevisionFiles:
    """REVISION's files as a mapping that reads bytes only when asked (LazyRevisionFiles)."""
    return LazyRevisionFiles(revision.id)
