"""Which team a course is from: what its certificates and the verification page name.

A course of the network's folder (`courses/`, published by the operator's `flask courses sync`)
is the network's own (""). A course made in the browser workshop is its author's team: the
municipalities the person who created it works for, or the person when they have none.
"""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.course_store import get_store
from app.extensions import db
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.revisions.models import CourseRevision


def issuing_team(slug: str) -> str:
    """The team that made course SLUG, in Spanish ("" for a course of the network)."""
    if get_store().folder_course(slug) is not None:
        return ""
    author_id = db.session.scalar(
        select(CourseRevision.author_id)
        .where(CourseRevision.course_slug == slug)
        .order_by(CourseRevision.number)
        .limit(1)
    )
    author = db.session.get(User, author_id) if author_id is not None else None
    if author is None or author.role == "admin":
        return ""  # recorded from the folder, or made by the network's own admins
    places = _municipalities_of(author.id)
    if places:
        return f"Equipo de formación de {_spanish_list(places)}"[:200]
    return f"Equipo de {author.full_name}"[:200]


def _municipalities_of(user_id: int) -> list[str]:
    staff = select(Municipality.name).join(
        StaffAssignment, StaffAssignment.municipality_id == Municipality.id
    )
    trains = (
        select(Municipality.name)
        .join(Group, Group.municipality_id == Municipality.id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user_id, Membership.role == "trainer")
    )
    names = set(db.session.scalars(staff.where(StaffAssignment.user_id == user_id)))
    return sorted(names or set(db.session.scalars(trains)))


def _spanish_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]
