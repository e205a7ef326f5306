"""The trainer's course workspace: who edits what, drafts and their saves, publishing, history.

Every save makes a new immutable revision (app.revisions) and moves the course's draft to it.
Nothing here commits: the request's unit of work does (app.web.unit_of_work).
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import STAFF, User
from app.audit.services import record
from app.authoring import budgets, reviews
from app.authoring import files as course_files
from app.certificates.models import Certificate
from app.content.frontmatter import parse_front_matter
from app.content.loader import (
    COURSE_SLUG,
    NARRATION_EXT,
    course_folders,
    is_media,
    read_folder,
)
from app.content.model import Course, Problem
from app.content.narration import narration_filename
from app.content.problems import Reporter, sort_problems
from app.content.source import decode_source
from app.content.textutil import slugify
from app.course_store import get_store
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.learning.models import Enrollment
from app.revisions import services as revisions
from app.revisions.models import (
    CourseBlob,
    CourseDraft,
    CourseEditor,
    CoursePublishEvent,
    CourseReview,
    CourseRevision,
    CourseRevisionFile,
)
from app.timeutil import utcnow

MAX_NOTE = 500


@dataclass(frozen=True)
class Workspace:
    """What the workspace shows of one course: the files being worked on and their check."""

    slug: str
    revision: CourseRevision | None  # the draft's latest save, the published revision, or
    # None for a course known only from its folder (recorded at its first save)
    is_draft: bool
    files: Mapping[str, bytes]  # a stored revision's are read lazily (LazyRevisionFiles)
    course: Course | None  # None while the files have errors
    problems: tuple[Problem, ...]
    published: CourseRevision | None

    @property
    def revision_id(self) -> int:
        """What an edit form was opened on (0: the folder, nothing recorded yet)."""
        return self.revision.id if self.revision is not None else 0

    @property
    def title(self) -> str:
        return self.course.title if self.course else (_title_of(self.files) or self.slug)

    def narrations(self, stem: str) -> list[str]:
        """The recorded narrations of lesson STEM (full and easy-read versions)."""
        names = {
            narration_filename(stem, easy, ext) for easy in (False, True) for ext in NARRATION_EXT
        }
        return sorted(names & set(self.files))

    @property
    def media_paths(self) -> list[str]:
        return sorted(rel for rel in self.files if rel.startswith("media/"))

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    def problems_of(self, path: str) -> list[Problem]:
        display = f"{self.slug}/{path}"
        return [p for p in self.problems if p.path == display]


class EditConflict(Conflict):
    """Someone saved the same file since this person opened it: nothing is overwritten."""

    def __init__(self, path: str, mine: str, theirs: str):
        super().__init__(
            _("Otra persona guardó %(path)s mientras lo editabas. No se perdió nada.", path=path)
        )
        self.path = path
        self.mine = mine
        self.theirs = theirs


# --- who may do what -----------------------------------------------------------------------------
def can_edit(user: User, slug: str) -> bool:
    if user.has_role("admin"):
        return True
    if not user.has_role("trainer"):
        return False
    return db.session.get(CourseEditor, (slug, user.id)) is not None


def require_editor(user: User, slug: str) -> None:
    """NotFound unless USER may edit SLUG and the course exists (others learn nothing of it)."""
    if not can_edit(user, slug) or not course_exists(slug):
        raise NotFound(_("No encontramos ese curso."))


def editable_slugs(user: User) -> list[str]:
    if user.has_role("admin"):
        return sorted(known_slugs())
    return list(
        db.session.scalars(
            select(CourseEditor.course_slug)
            .where(CourseEditor.user_id == user.id)
            .order_by(CourseEditor.course_slug)
        )
    )


def known_slugs() -> set[str]:
    """Every course the site knows: in a folder, recorded, or being drafted."""
    stored = set(db.session.scalars(select(CourseRevision.course_slug).distinct()))
    folders = {folder.name for folder in course_folders(_courses_dir())}
    return stored | {c.slug for c in get_store().all()} | folders


def course_exists(slug: str) -> bool:
    """Whether SLUG is a course the site knows (checked on every workshop page: one course)."""
    if get_store().get(slug) is not None or (_courses_dir() / slug / "course.md").is_file():
        return COURSE_SLUG.match(slug) is not None
    return (
        db.session.scalar(select(CourseRevision.id).where(CourseRevision.course_slug == slug))
        is not None
    )


def draft_media(slug: str, path: str) -> bytes | None:
    """The bytes of media file PATH in SLUG's draft (for its preview), or None: one query,
    without reading or checking the rest of the draft."""
    if not is_media(path):
        return None
    return db.session.scalar(
        select(CourseBlob.data)
        .join(CourseRevisionFile, CourseRevisionFile.blob_sha256 == CourseBlob.sha256)
        .join(CourseDraft, CourseDraft.revision_id == CourseRevisionFile.revision_id)
        .where(CourseDraft.course_slug == slug, CourseRevisionFile.path == path)
    )


def editors_of(slug: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CourseEditor, CourseEditor.user_id == User.id)
            .where(CourseEditor.course_slug == slug)
            .order_by(User.full_name)
        )
    )


def add_editor(actor: User, slug: str, user: User) -> bool:
    if not user.has_role(*STAFF) or not user.active:
        raise DomainError(_("Solo una persona facilitadora activa puede editar cursos."))
    if db.session.get(CourseEditor, (slug, user.id)) is not None:
        return False
    db.session.add(CourseEditor(course_slug=slug, user_id=user.id, added_by_id=actor.id))
    db.session.flush()
    record("course_editor_added", actor=actor, target=user, course=slug)
    return True


def editor_of(slug: str, user_id: int) -> User:
    """The person USER_ID among SLUG's editors (NotFound otherwise)."""
    if db.session.get(CourseEditor, (slug, user_id)) is None:
        raise NotFound(_("Esa persona no edita este curso."))
    return db.session.get(User, user_id)


def remove_editor(actor: User, slug: str, user: User) -> bool:
    editor = db.session.get(CourseEditor, (slug, user.id))
    if editor is None:
        return False
    db.session.delete(editor)
    db.session.flush()
    record("course_editor_removed", actor=actor, target=user, course=slug)
    return True


# --- reading -------------------------------------------------------------------------------------
def workspace(slug: str) -> Workspace:
    """The draft of SLUG if there is one, else its published (or last) revision, checked."""
    draft = db.session.get(CourseDraft, slug)
    published = revisions.published_revision(slug)
    if draft is not None:
        revision = db.session.get(CourseRevision, draft.revision_id)
    else:
        revision = published or _last_revision(slug)
    # The bytes are read only if the check is not cached for this version (issue 25).
    files = revisions.lazy_revision_files(revision) if revision is not None else _folder_files(slug)
    return _checked(slug, revision, files, is_draft=draft is not None, published=published)


def _checked(
    slug: str,
    revision: CourseRevision | None,
    files: Mapping[str, bytes],
    *,
    is_draft: bool,
    published: CourseRevision | None,
) -> Workspace:
    """The workspace of FILES, checked (the store remembers recent checks by version)."""
    version = revision.version if revision is not None else None
    course, problems = get_store().load_files(slug, files, version)
    return Workspace(
        slug=slug,
        revision=revision,
        is_draft=is_draft,
        files=files,
        course=course,
        problems=tuple(sort_problems(problems)),
        published=published,
    )


def revision_by_number(slug: str, number: int) -> CourseRevision:
    revision = db.session.scalar(
        select(CourseRevision).where(
            CourseRevision.course_slug == slug, CourseRevision.number == number
        )
    )
    if revision is None:
        raise NotFound(_("No existe esa versión del curso."))
    return revision


def published_by_number(slug: str, number: int) -> CourseRevision:
    """SLUG's published version NUMBER (1, 2, 3... per course); NotFound if none."""
    revision = db.session.scalar(
        select(CourseRevision).where(
            CourseRevision.course_slug == slug, CourseRevision.publication_number == number
        )
    )
    if revision is None:
        raise NotFound(_("No existe esa versión del curso."))
    return revision


def publish_event_of(revision: CourseRevision) -> CoursePublishEvent | None:
    """REVISION's first publication (its note is the one typed on the publish form)."""
    return db.session.scalar(
        select(CoursePublishEvent)
        .where(
            CoursePublishEvent.revision_id == revision.id, CoursePublishEvent.action == "publish"
        )
        .order_by(CoursePublishEvent.id)
        .limit(1)
    )


def history(slug: str) -> list[tuple[CoursePublishEvent, CourseRevision | None, str]]:
    """Every publish, return and withdrawal of SLUG, newest first: (event, revision, who)."""
    rows = db.session.execute(
        select(CoursePublishEvent, CourseRevision, User.full_name)
        .outerjoin(CourseRevision, CourseRevision.id == CoursePublishEvent.revision_id)
        .outerjoin(User, User.id == CoursePublishEvent.actor_id)
        .where(CoursePublishEvent.course_slug == slug)
        .order_by(CoursePublishEvent.created_at.desc(), CoursePublishEvent.id.desc())
    )
    return [(event, revision, name or event.actor_label) for event, revision, name in rows]


def previous_revision(revision: CourseRevision) -> CourseRevision | None:
    """What REVISION is compared with in the history: the revision published before it was
    published (or, for one never published, the revision it was saved from)."""
    event = db.session.scalar(
        select(CoursePublishEvent)
        .where(CoursePublishEvent.revision_id == revision.id)
        .order_by(CoursePublishEvent.id)
    )
    if event is not None:
        return previous_published(event)
    return db.session.get(CourseRevision, revision.parent_id) if revision.parent_id else None


def previous_published(event: CoursePublishEvent) -> CourseRevision | None:
    """The revision that was published just before EVENT (what its diff compares with)."""
    before = db.session.scalar(
        select(CoursePublishEvent)
        .where(
            CoursePublishEvent.course_slug == event.course_slug,
            CoursePublishEvent.id < event.id,
        )
        .order_by(CoursePublishEvent.id.desc())
    )
    if before is None or before.revision_id is None:
        return None
    return db.session.get(CourseRevision, before.revision_id)


# --- changing ------------------------------------------------------------------------------------
def create_course(actor: User, *, slug: str = "", **fields) -> str:
    """A new course with only its course.md, as a draft; ACTOR becomes its editor. SLUG, the
    address chosen for it ("": made from the title), must be valid and free."""
    slug = chosen_slug(slug) if slug.strip() else _free_slug(fields["title"])
    data = course_files.course_md(**fields)
    _new_course(actor, slug, {"course.md": data}, note=_("Curso nuevo"))
    return slug


def copy_course(actor: User, source_slug: str, title: str) -> str:
    """A new course (ACTOR its editor) that starts as a copy of the published course
    SOURCE_SLUG under a new TITLE: a municipality adapts a course without touching the original."""
    title = " ".join(title.split())
    source = get_store().get(source_slug)
    if source is None or source.status != "published":
        raise DomainError(_("Elige un curso publicado."), field="source")
    if not title:
        raise DomainError(_("Escribe el título del curso nuevo."), field="title")
    published = revisions.published_revision(source_slug)
    files = revisions.revision_files(published) if published else _folder_files(source_slug)
    files = {**files, "course.md": course_files.retitle(files["course.md"], title)}
    slug = _free_slug(title)
    _new_course(actor, slug, files, note=_("Copia de %(title)s", title=source.title))
    return slug


def import_target(actor: User, folder_name: str) -> str | None:
    """The course a .zip with folder FOLDER_NAME updates: one ACTOR edits (None: the zip makes
    a new course). NotFound when it is a course everyone sees that ACTOR does not edit."""
    slug = folder_name if COURSE_SLUG.match(folder_name or "") else ""
    if slug and course_exists(slug):
        if can_edit(actor, slug):
            return slug
        if get_store().get(slug) is not None:  # a course everyone sees: say it is someone else's
            raise NotFound(_("No encontramos ese curso."))
    return None


def stage_import(actor: User, slug: str, files: dict[str, bytes]) -> CourseRevision:
    """Keep FILES, a .zip of SLUG (a course ACTOR edits), as a revision that is not the draft
    yet: the person sees what it changes before replacing anything (replace_with_import). One
    never confirmed is a save nothing refers to, removed by the next prune."""
    digests = revisions.file_digests(files)
    budgets.check(actor, files, _sizes_before(slug, None), digests)
    try:
        revision, _created = revisions.record_files(
            slug, files, author=actor, note=_("Curso subido en .zip"), digests=digests
        )
    except IntegrityError:  # two saves took the same revision number at once
        raise SaveRace() from None
    return revision


def replace_with_import(
    actor: User, slug: str, revision_id: int, expected_revision_id: int
) -> CourseRevision:
    """Make the uploaded REVISION_ID SLUG's draft, if what the person compared it with
    (EXPECTED_REVISION_ID: the draft, or the published revision) is still what the workshop
    shows; otherwise nothing is replaced."""
    revision = db.session.get(CourseRevision, revision_id)
    if revision is None or revision.course_slug != slug:
        raise NotFound(_("No encontramos ese .zip: vuelve a subirlo."))
    current = workspace(slug)
    if current.revision_id != expected_revision_id:
        raise DomainError(
            _(
                "El curso cambió desde que subiste el .zip: no se reemplazó nada. Vuelve a "
                "subirlo para ver las diferencias con lo que hay ahora."
            )
        )
    _save(
        actor, slug, revisions.revision_files(revision), note=_("Curso subido en .zip"), base=None
    )
    return revision


def import_course(actor: User, folder_name: str, files: dict[str, bytes]) -> tuple[str, bool]:
    """A whole course from a .zip: a new course (ACTOR its editor) or a new draft of one ACTOR
    edits (the workshop asks first: stage_import). Returns (slug, created)."""
    slug = import_target(actor, folder_name)
    if slug is not None:
        _save(actor, slug, files, note=_("Curso subido en .zip"))
        return slug, False
    slug = folder_name if COURSE_SLUG.match(folder_name or "") else ""
    # Another team's hidden draft in the way is never mentioned: this course gets an address of
    # its own, as any taken address does (issue 25).
    slug = _free_slug(slug or _title_of(files) or "curso")
    _new_course(actor, slug, files, note=_("Curso subido en .zip"))
    return slug, True


def save_file(
    actor: User, current: Workspace, path: str, text: str, base_revision_id: int
) -> Workspace:
    """Save the text of file PATH into the draft CURRENT (read by this request); refuse
    (EditConflict) when someone else saved that file since BASE_REVISION_ID, the revision the
    form was opened on. Returns the draft as saved, checked."""
    slug = current.slug
    if not course_files.EDITABLE.match(path):
        raise DomainError(_("Ese archivo no se edita aquí."))
    data = _normalise(text)
    if path not in current.files and path != "course.md":
        raise NotFound(_("Ese archivo no existe en el borrador."))
    if current.revision_id != base_revision_id:
        base = db.session.get(CourseRevision, base_revision_id)
        base_files = revisions.revision_files(base) if base and base.course_slug == slug else {}
        theirs = current.files.get(path)
        if theirs != base_files.get(path) and theirs != data:
            raise EditConflict(path, text, (theirs or b"").decode("utf-8", "replace"))
    files = {**current.files, path: data}
    revision = _save(actor, slug, files, note=_("Editó %(path)s", path=path), base=current)
    return _checked(slug, revision, files, is_draft=True, published=current.published)


def change_files(
    actor: User, slug: str, base: Workspace, files: dict[str, bytes], note: str
) -> None:
    """Save FILES, a whole new set made from BASE (lessons added, moved, renamed, media), as
    the draft; refused (SaveRace) if the draft moved since BASE was read."""
    _save(actor, slug, files, note=note, base=base)


@dataclass(frozen=True)
class Published:
    """What a publish did: REVISION went live, or waits for an admin's approval (REVIEW)."""

    revision: CourseRevision
    review: CourseReview | None = None

    @property
    def live(self) -> bool:
        return self.review is None


def publish_draft(
    actor: User,
    slug: str,
    note: str,
    *,
    expected_revision_id: int | None = None,
    accept_warnings: bool = False,
) -> Published:
    """Publish the draft of SLUG: only with 0 errors and a change note. A first publication,
    or a change of the title, hours or certificate settings, becomes a request for an admin's
    approval instead (app.authoring.reviews). EXPECTED_REVISION_ID, when given, is the draft
    the person reviewed: if a save moved the draft since, nothing is published. A draft with
    warnings is published only when ACCEPT_WARNINGS says the person read them."""
    note = " ".join(note.split())
    if not note:
        raise DomainError(_("Escribe en pocas palabras qué cambió."), field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(
            _("La nota es muy larga (máximo %(n)s caracteres).", n=MAX_NOTE), field="note"
        )
    # Serialise with other publishes and approvals of SLUG, and read the draft as it is now.
    revision_id = revisions.lock_draft(slug)
    if revision_id is None:
        raise DomainError(_("No hay cambios sin publicar."))
    if expected_revision_id and expected_revision_id != revision_id:
        raise DomainError(
            _(
                "Alguien guardó el borrador mientras revisabas los cambios. Revísalos otra vez "
                "antes de publicar."
            ),
            field="note",
        )
    revision = db.session.get(CourseRevision, revision_id)
    course, problems = get_store().load_files(
        slug, revisions.revision_files(revision), revision.version
    )
    if course is None or any(p.severity == "error" for p in problems):
        raise DomainError(
            _("El borrador tiene errores: corrígelos antes de publicar."), field="note"
        )
    warnings = sum(1 for p in problems if p.severity == "warning")
    if warnings and not accept_warnings:
        raise DomainError(
            ngettext(
                "El borrador tiene %(num)s aviso: revísalo y marca la casilla para publicar igual.",
                "El borrador tiene %(num)s avisos: revísalos y marca la casilla para publicar "
                "igual.",
                warnings,
            ),
            field="accept_warnings",
        )
    if reviews.needs_review(actor, slug, course):
        return Published(revision, reviews.request_review(actor, slug, revision, note))
    reviews.supersede(slug)  # a waiting request is replaced by what goes live now
    revisions.publish(revision, actor=actor, note=note)
    revisions.drop_draft(slug, revision.id)
    db.session.flush()
    return Published(revision)


def return_to(actor: User, revision: CourseRevision) -> Published:
    """Publish REVISION again ("volver a esta versión"): a published version, or an earlier
    save; one that changes the title, hours or certificate settings waits for an admin's
    approval like any publish."""
    slug = revision.course_slug
    course, _problems = get_store().load_files(
        slug, revisions.revision_files(revision), revision.version
    )
    if course is None:
        raise DomainError(
            _(
                "Esa versión no pasa la revisión de hoy y no se puede volver a publicar: "
                "corrige el borrador y publícalo."
            )
        )
    published = revisions.published_revision(slug)
    if published is not None and published.id == revision.id:
        raise DomainError(_("Esa versión ya es la publicada."))
    if revision.publication_number is not None:
        note = _("Vuelta a la versión %(n)s", n=revision.publication_number)
    else:
        note = _("Vuelta a un borrador guardado antes")
    revisions.lock_draft(slug)
    if reviews.needs_review(actor, slug, course):
        return Published(revision, reviews.request_review(actor, slug, revision, note))
    reviews.supersede(slug)
    if not revisions.publish(revision, actor=actor, note=note, action="rollback"):
        raise DomainError(_("Esa versión ya es la publicada."))
    return Published(revision)


@dataclass(frozen=True)
class WithdrawalFacts:
    """What a withdrawal of a course touches: people enrolled (still going, finished) and
    certificates issued; all of it is kept."""

    enrolled: int
    completed: int
    certificates: int


def withdrawal_facts(slug: str) -> WithdrawalFacts:
    counts = dict(
        db.session.execute(
            select(Enrollment.status, func.count())
            .where(Enrollment.course_slug == slug)
            .group_by(Enrollment.status)
        ).all()
    )
    certificates = db.session.scalar(
        select(func.count()).select_from(Certificate).where(Certificate.course_slug == slug)
    )
    return WithdrawalFacts(
        enrolled=sum(counts.values()),
        completed=counts.get("completed", 0),
        certificates=certificates or 0,
    )


def withdraw(actor: User, slug: str) -> None:
    """Stop publishing SLUG ("retirar"); its versions and the records of it stay."""
    if not revisions.withdraw(slug, actor=actor):
        raise DomainError(_("El curso no está publicado."))


def discard_draft(actor: User, slug: str) -> None:
    draft = db.session.get(CourseDraft, slug)
    if draft is None:
        raise DomainError(_("No hay un borrador que descartar."))
    if revisions.published_revision(slug) is None:
        raise DomainError(_("Este curso nunca se publicó: su borrador es todo lo que hay."))
    db.session.delete(draft)
    reviews.supersede(slug)  # nothing of the discarded draft waits for approval any more
    db.session.flush()
    # Its saves go at once (every revision stayed before; issue 25), but not the published
    # ones nor those a review or the history names.
    pruned = revisions.prune_drafts(slug=slug)
    record(
        "course_draft_discarded",
        actor=actor,
        target=slug,
        target_type="course",
        course=slug,
        revisions_removed=len(pruned.revisions),
        bytes_freed=pruned.bytes_freed,
    )


# --- internals -----------------------------------------------------------------------------------
def _save(
    actor: User, slug: str, files: dict[str, bytes], *, note: str, base: Workspace | None = None
) -> CourseRevision:
    """Record FILES as a revision and make it the draft. BASE is what the files were built
    from: if another save moved the draft since, nothing is written (SaveRace)."""
    parent = base.revision if base is not None and base.revision is not None else None
    digests = revisions.file_digests(files)  # hashed once, for the budget and the save
    budgets.check(actor, files, _sizes_before(slug, base), digests)  # before anything is written
    try:
        revision, created = revisions.record_files(
            slug, files, author=actor, note=note, digests=digests
        )
    except IntegrityError:  # two saves took the same revision number at once
        raise SaveRace() from None
    if created:
        revision.parent_id = parent.id if parent is not None else None
    draft = db.session.get(CourseDraft, slug)
    if draft is None:
        published = revisions.published_revision(slug)
        db.session.add(
            CourseDraft(
                course_slug=slug,
                revision_id=revision.id,
                base_revision_id=published.id if published else None,
                updated_by_id=actor.id,
            )
        )
        try:
            db.session.flush()
        except IntegrityError:  # another save made the draft at the same moment
            raise SaveRace() from None
    else:
        # Move the draft only from the revision this save was built on: a save that finished
        # in between is never overwritten (its changes are not in FILES).
        if base is None:  # a whole new set of files (a .zip): replaces the draft as it is
            expected = draft.revision_id
        elif base.is_draft:
            expected = base.revision_id
        else:  # built on the published version, but a draft was made since
            raise SaveRace()
        moved = db.session.execute(
            update(CourseDraft)
            .where(CourseDraft.course_slug == slug, CourseDraft.revision_id == expected)
            .values(revision_id=revision.id, updated_at=utcnow(), updated_by_id=actor.id)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            raise SaveRace()
        db.session.expire(draft)
    record(
        "course_draft_saved",
        actor=actor,
        target=revision,
        course=slug,
        number=revision.number,
        note=note,
    )
    return revision


def _sizes_before(slug: str, base: Workspace | None) -> dict[str, int]:
    """{path: size} of what a save of SLUG replaces: BASE's files, else the draft (or the
    published revision) as stored; nothing for a new course."""
    if base is not None:
        return {rel: len(data) for rel, data in base.files.items()}
    draft = db.session.get(CourseDraft, slug)
    if draft is not None:
        return budgets.revision_sizes(draft.revision_id)
    published = revisions.published_revision(slug)
    return budgets.revision_sizes(published.id if published is not None else None)


class SaveRace(Conflict):
    """Another save of the same course finished while this one was being made."""

    def __init__(self):
        super().__init__(
            _(
                "Otra persona guardó este curso en este mismo momento. No se guardó tu cambio: "
                "vuelve a abrir el archivo y guárdalo otra vez."
            )
        )


def _new_course(actor: User, slug: str, files: dict[str, bytes], *, note: str) -> None:
    _save(actor, slug, files, note=note)
    db.session.add(CourseEditor(course_slug=slug, user_id=actor.id, added_by_id=actor.id))
    db.session.flush()
    record("course_created", actor=actor, target=slug, target_type="course", course=slug)


def chosen_slug(typed: str) -> str:
    """The address a person typed for a new course, checked: the same rules as a course
    folder's name, and not taken (by any course, even a draft nobody else sees)."""
    slug = typed.strip().lower()
    if not COURSE_SLUG.match(slug):
        raise DomainError(
            _(
                "La dirección solo puede tener letras minúsculas sin tildes, números y guiones "
                "entre palabras, por ejemplo: cuidados-en-la-cooperativa."
            ),
            field="slug",
        )
    if len(slug) > 80:
        raise DomainError(_("La dirección es muy larga (máximo 80 caracteres)."), field="slug")
    if slug == "seccion" or slug in known_slugs():
        # The same words whoever holds it: another team's hidden draft is never named.
        raise DomainError(_("Esa dirección no está disponible: elige otra."), field="slug")
    return slug


def _free_slug(title: str) -> str:
    base = slugify(title)[:80].strip("-") or "curso"
    if base == "seccion":
        base = "curso"
    taken = known_slugs()
    slug = base
    while slug in taken:
        # A random ending, not -2, -3...: the address must not count the courses at it, some of
        # which may be other teams' drafts (issue 25).
        slug = f"{base[:75].strip('-')}-{secrets.token_hex(2)}"
    return slug


def _title_of(files: dict[str, bytes]) -> str:
    """The title in course.md's header, for a course that does not load yet ("" if unreadable)."""
    lines = decode_source(files.get("course.md", b""), "course.md", Reporter())
    if lines is None:
        return ""
    title = parse_front_matter(lines, "course.md", Reporter()).values.get("titulo")
    return title.strip() if isinstance(title, str) else ""


def _normalise(text: str) -> bytes:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def _last_revision(slug: str) -> CourseRevision | None:
    return db.session.scalar(
        select(CourseRevision)
        .where(CourseRevision.course_slug == slug)
        .order_by(CourseRevision.number.desc())
    )


def _courses_dir() -> Path:
    return Path(current_app.config["COURSES_DIR"])


def _folder_files(slug: str) -> dict[str, bytes]:
    """The files of a course known only from its folder (recorded at its first save)."""
    folder = _courses_dir() / slug
    if not COURSE_SLUG.match(slug) or not (folder / "course.md").is_file():
        raise NotFound(_("No encontramos ese curso."))
    return read_folder(folder)


# --- files of a course in the browser (issue 21) -------------------------------------------------
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same files always give the same .zip


def course_zip(slug: str, number: int | None = None) -> tuple[str, bytes]:
    """SLUG's draft (or what the workspace shows), or its published version NUMBER, as a .zip
    that the workshop's upload (uploads.read_course_zip, import_course) takes back unchanged:
    every file inside one folder named after the course. Returns (download name, bytes)."""
    if number is None:
        files: Mapping[str, bytes] = workspace(slug).files
        name = f"{slug}-borrador.zip"
    else:
        files = revisions.revision_files(published_by_number(slug, number))
        name = f"{slug}-version-{number}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{rel}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[rel])
    return name, buffer.getvalue()
