"""People an editor invites to try a course before it is published or approved (testers).

A tester reads the course's draft through the workshop preview and nothing else of the
workshop: no editing, publishing or history, and no enrolment, progress or certificate (the
preview records nothing). Editors invite people they may already look up: a trainer, the
participants of the groups of the municipalities they work in (the scope of "add a member");
an admin, any active account. Nothing here commits: the request does.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import find_by_login
from app.audit.services import record
from app.authoring import services as authoring
from app.errors import DomainError, NotFound
from app.extensions import db
from app.orgs.services import manageable_ids
from app.revisions.models import CourseTester


def is_tester(user: User, slug: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return (
        db.session.scalar(
            select(CourseTester.id).where(
                CourseTester.course_slug == slug, CourseTester.user_id == user.id
            )
        )
        is not None
    )


def can_preview(user: User, slug: str) -> bool:
    """Whether USER may read SLUG's draft in the workshop preview: its editors and testers."""
    return authoring.can_edit(user, slug) or is_tester(user, slug)


def require_previewer(user: User, slug: str) -> None:
    """NotFound unless USER may preview SLUG and the course exists (others learn nothing)."""
    if not can_preview(user, slug) or not authoring.course_exists(slug):
        raise NotFound(_("No encontramos ese curso."))


def testers_of(slug: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CourseTester, CourseTester.user_id == User.id)
            .where(CourseTester.course_slug == slug)
            .order_by(User.full_name, User.id)
        )
    )


def _in_reach(actor: User, user: User) -> bool:
    if not user.active:
        return False
    if actor.has_role("admin"):
        return True
    return bool(manageable_ids(actor, [user.id]))


def add_tester(actor: User, slug: str, login: str) -> User:
    """Invite the person LOGIN (a username, or an address staff wrote) to try SLUG.

    ACTOR must edit SLUG (checked by the caller with require_editor). Whoever is out of
    ACTOR's reach gets the same answer as nobody at all.
    """
    login = (login or "").strip()
    not_found = DomainError(
        _("No encontramos a una persona con ese nombre de usuario entre las que puedes invitar."),
        field="username",
    )
    user = find_by_login(login)
    if user is None or ("@" in login and not user.email_by_staff):
        raise not_found
    if not _in_reach(actor, user):
        raise not_found
    if authoring.can_edit(user, slug):
        raise DomainError(_("Esa persona ya edita este curso: puede verlo."), field="username")
    if is_tester(user, slug):
        raise DomainError(_("Esa persona ya prueba este curso."), field="username")
    db.session.add(CourseTester(course_slug=slug, user_id=user.id, added_by_id=actor.id))
    db.session.flush()
    record("course_tester_added", actor=actor, target=user, course=slug)
    return user


def tester_of(slug: str, user_id: int) -> User:
    """The person USER_ID among SLUG's testers (NotFound otherwise)."""
    user = db.session.scalar(
        select(User)
        .join(CourseTester, CourseTester.user_id == User.id)
        .where(CourseTester.course_slug == slug, CourseTester.user_id == user_id)
    )
    if user is None:
        raise NotFound(_("Esa persona no prueba este curso."))
    return user


def remove_tester(actor: User, slug: str, user: User) -> bool:
    tester = db.session.scalar(
        select(CourseTester).where(
            CourseTester.course_slug == slug, CourseTester.user_id == user.id
        )
    )
    if tester is None:
        return False
    db.session.delete(tester)
    db.session.flush()
    record("course_tester_removed", actor=actor, target=user, course=slug)
    return True
