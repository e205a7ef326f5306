"""Municipalities, groups and memberships."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.orgs.models import Group, Membership, Municipality, StaffAssignment

NETWORK_MUNICIPALITIES = (
    ("copiapo", "Copiapó", "Atacama"),
    ("coquimbo", "Coquimbo", "Coquimbo"),
    ("monte-patria", "Monte Patria", "Coquimbo"),
    ("quillota", "Quillota", "Valparaíso"),
    ("isla-de-maipo", "Isla de Maipo", "Metropolitana de Santiago"),
    ("chimbarongo", "Chimbarongo", "Libertador General Bernardo O'Higgins"),
)


def ensure_municipality(slug: str, name: str, region: str = "") -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if found is None:
        found = Municipality(slug=slug, name=name, region=region)
        db.session.add(found)
        db.session.flush()
    return found


def ensure_group(municipality: Municipality, name: str, kind: str) -> Group:
    found = db.session.scalar(
        select(Group).where(Group.municipality_id == municipality.id, Group.name == name)
    )
    if found is None:
        found = Group(municipality_id=municipality.id, name=name, kind=kind)
        db.session.add(found)
        db.session.flush()
    return found


def add_member(group: Group, user: User, *, role: str = "member", actor=None) -> Membership:
    found = db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    )
    if found is None:
        found = Membership(group_id=group.id, user_id=user.id, role=role)
        db.session.add(found)
        db.session.flush()
        record("member_added", actor=actor, target=found, group=group.id, user=user.id)
    return found


def assign_staff(user: User, municipality: Municipality, *, actor=None) -> StaffAssignment:
    found = db.session.scalar(
        select(StaffAssignment).where(
            StaffAssignment.user_id == user.id,
            StaffAssignment.municipality_id == municipality.id,
        )
    )
    if found is None:
        found = StaffAssignment(user_id=user.id, municipality_id=municipality.id)
        db.session.add(found)
        db.session.flush()
        record("staff_assigned", actor=actor, target=found, municipality=municipality.id)
    return found
