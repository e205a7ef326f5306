"""What the admin screens read and do: the network's municipalities, groups and accounts."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.accounts.models import User
from app.errors import DomainError
from app.extensions import db
from app.orgs import services as orgs
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.revisions.models import CourseReview


def overview_counts() -> dict[str, int]:
    return {
        "municipalities": db.session.scalar(select(func.count(Municipality.id))),
        "groups": db.session.scalar(select(func.count(Group.id))),
        "users": db.session.scalar(select(func.count(User.id))),
        "course_reviews": db.session.scalar(
            select(func.count(CourseReview.id)).where(CourseReview.status == "pending")
        ),
    }


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.name)))


def active_trainers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "trainer", User.active.is_(True))
            .order_by(User.full_name)
        )
    )


def groups_with_municipality() -> list[tuple[Group, str]]:
    """Every group with its municipality's name, by municipality then group."""
    return list(
        db.session.execute(
            select(Group, Municipality.name)
            .join(Municipality, Municipality.id == Group.municipality_id)
            .order_by(Municipality.name, Group.name)
        ).tuples()
    )


def users_with_municipalities() -> tuple[list[User], dict[int, list[str]]]:
    """Every account (by role, then name) and the municipalities each staff member works in."""
    users = list(db.session.scalars(select(User).order_by(User.role, User.full_name)))
    staff: dict[int, list[str]] = {}
    for uid, name in db.session.execute(
        select(StaffAssignment.user_id, Municipality.name).join(
            Municipality, Municipality.id == StaffAssignment.municipality_id
        )
    ):
        staff.setdefault(uid, []).append(name)
    return users, staff


def groups_of(user: User) -> list[tuple[str, str]]:
    """(group name, membership role) of every group USER belongs to."""
    return list(
        db.session.execute(
            select(Group.name, Membership.role)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == user.id)
        ).tuples()
    )


def save_group(
    actor: User,
    *,
    municipality_id: int,
    name: str,
    kind: str,
    trainer_ids: set[int],
    group: Group | None = None,
) -> Group:
    """Create GROUP (or change it) in a municipality, with exactly these trainers."""
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None:
        raise DomainError(_("Elige la comuna."), field="municipality")
    group = orgs.save_group(actor, municipality=municipality, name=name, kind=kind, group=group)
    orgs.set_group_trainers(actor, group, trainer_ids)
    return group


def create_account(
    actor: User,
    *,
    full_name: str,
    role: str,
    username: str | None,
    email: str | None,
    rut: str | None,
    municipality_ids: set[int],
) -> tuple[User, str | None]:
    """Create an account with its RUT and municipalities: one action, one `user_created`."""
    user, one_time = accounts.create_user(
        full_name=full_name, role=role, username=username, email=email, actor=actor
    )
    user.rut = orgs.checked_rut(rut, user, actor=actor)
    orgs.set_staff_municipalities(actor, user, municipality_ids)
    return user, one_time


def edit_account(
    actor: User,
    person: User,
    *,
    full_name: str,
    email: str | None,
    rut: str | None,
    role: str,
    municipality_ids: set[int],
) -> None:
    """Change a person's details, role and municipalities (each change audited)."""
    orgs.update_user(actor, person, full_name=full_name, email=email, rut=rut)
    orgs.change_role(actor, person, role)
    orgs.set_staff_municipalities(actor, person, municipality_ids)
