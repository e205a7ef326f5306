"""Municipalities, groups and memberships."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import false, func, select

from app.accounts.models import ROLES, User
from app.accounts.services import (
    clean_email,
    clean_full_name,
    create_user,
    email_holder,
    email_taken_error,
    find_by_login,
)
from app.audit.services import record
from app.content.textutil import slugify
from app.errors import DomainError, NotFound
from app.extensions import db
from app.learning.models import Enrollment
from app.learning.services import enroll, get_enrollment
from app.orgs.models import GROUP_KINDS, Group, Membership, Municipality, StaffAssignment
from app.orgs.rut import normalise_rut

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


# --- Scope: what a staff member may see, always derived from the acting user ----------------


def staff_municipality_ids(user: User) -> set[int]:
    """Municipalities a trainer or coordinator works for (from StaffAssignment)."""
    return set(
        db.session.scalars(
            select(StaffAssignment.municipality_id).where(StaffAssignment.user_id == user.id)
        )
    )


def coordinator_municipality(user: User) -> Municipality | None:
    """The one municipality a coordinator belongs to (None if not assigned yet)."""
    return db.session.scalar(
        select(Municipality)
        .join(StaffAssignment, StaffAssignment.municipality_id == Municipality.id)
        .where(StaffAssignment.user_id == user.id)
        .order_by(StaffAssignment.id)
        .limit(1)
    )


def visible_groups_query(user: User):
    """A SELECT of the groups USER may see: admin all; trainer the groups they run;
    coordinator the groups of their municipality; anybody else none."""
    query = select(Group)
    if user.role == "admin":
        return query
    if user.role == "trainer":
        return query.join(Membership, Membership.group_id == Group.id).where(
            Membership.user_id == user.id, Membership.role == "trainer"
        )
    if user.role == "coordinator":
        municipality = coordinator_municipality(user)
        return query.where(Group.municipality_id == (municipality.id if municipality else -1))
    return query.where(Group.id == -1)


def visible_groups(user: User) -> list[Group]:
    return list(
        db.session.scalars(visible_groups_query(user).order_by(Group.municipality_id, Group.name))
    )


def visible_group_ids(user: User) -> set[int]:
    return {g.id for g in visible_groups(user)}


def group_for(user: User, group_id: int) -> Group:
    """The group GROUP_ID if USER may see it; NotFound otherwise (shown as 404)."""
    group = db.session.scalar(visible_groups_query(user).where(Group.id == group_id))
    if group is None:
        raise NotFound(_("No encontramos ese grupo."))
    return group


def participant_for(user: User, participant_id: int) -> User:
    """A participant who is a member of one of USER's visible groups, or NotFound."""
    member = db.session.get(User, participant_id)
    if member is None or member.role != "participant":
        raise NotFound(_("No encontramos a esa persona."))
    if user.role == "admin":
        return member
    group_ids = visible_group_ids(user)
    found = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == member.id,
            Membership.role == "member",
            Membership.group_id.in_(group_ids or {-1}),
        )
    )
    if found is None:
        raise NotFound(_("No encontramos a esa persona."))
    return member


def actor_municipality_ids(user: User) -> set[int]:
    """Municipalities a trainer works in: their staff assignments and the groups they run."""
    return staff_municipality_ids(user) | set(
        db.session.scalars(
            select(Group.municipality_id)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == user.id, Membership.role == "trainer")
        )
    )


def manageable_participants_query(actor: User):
    """A SELECT of the participants ACTOR may add to a group or match on a CSV import.

    The one scope rule for both (so an import can never reach further than the "add member"
    form): an admin, any participant; a trainer, participants who are already members of a
    group of a municipality the trainer works in. A person with no group is assigned by an
    admin only: a trainer cannot claim them (and then reset their password).
    """
    query = select(User).where(User.role == "participant")
    if actor.role == "admin":
        return query
    if actor.role != "trainer":
        return query.where(false())
    in_municipality = (
        select(Membership.user_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.role == "member",
            Group.municipality_id.in_(actor_municipality_ids(actor) or {-1}),
        )
    )
    return query.where(User.id.in_(in_municipality))


def manageable_ids(actor: User, user_ids) -> set[int]:
    """The ids among USER_IDS that ACTOR may manage (manageable_participants_query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    query = manageable_participants_query(actor).where(User.id.in_(ids))
    return set(db.session.scalars(query.with_only_columns(User.id)))


def members_of(group: Group) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group.id, Membership.role == "member")
            .order_by(User.full_name)
        )
    )


def trainers_of(group: Group) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group.id, Membership.role == "trainer")
            .order_by(User.full_name)
        )
    )


# --- Admin: municipalities, groups, users and roles ---------------------------------------------


def _slugify(text: str) -> str:
    return slugify(text)[:64]


def save_municipality(
    actor: User, *, name: str, region: str = "", municipality: Municipality | None = None
) -> Municipality:
    """Create a municipality or rename one; names are unique."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Escribe el nombre de la comuna."), field="name")
    clash = db.session.scalar(select(Municipality).where(Municipality.name == name))
    if clash is not None and clash is not municipality:
        raise DomainError(_("Ya existe una comuna con ese nombre."), field="name")
    if municipality is None:
        slug = _slugify(name) or "comuna"
        if db.session.scalar(select(Municipality.id).where(Municipality.slug == slug)):
            raise DomainError(_("Ya existe una comuna con ese nombre."), field="name")
        municipality = Municipality(slug=slug, name=name, region=region.strip())
        db.session.add(municipality)
        db.session.flush()
        record("municipality_created", actor=actor, target=municipality, name=name)
    else:
        municipality.name = name
        municipality.region = region.strip()
        record("municipality_updated", actor=actor, target=municipality, name=name)
    return municipality


def save_group(
    actor: User, *, municipality: Municipality, name: str, kind: str, group: Group | None = None
) -> Group:
    """Create or edit a group; a name is unique within its municipality."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Escribe el nombre del grupo."), field="name")
    if kind not in GROUP_KINDS:
        raise DomainError(_("Elige el tipo de grupo."), field="kind")
    clash = db.session.scalar(
        select(Group).where(Group.municipality_id == municipality.id, Group.name == name)
    )
    if clash is not None and clash is not group:
        raise DomainError(_("Esa comuna ya tiene un grupo con ese nombre."), field="name")
    if group is None:
        group = Group(municipality_id=municipality.id, name=name, kind=kind)
        db.session.add(group)
        db.session.flush()
        record("group_created", actor=actor, target=group, municipality=municipality.id)
    else:
        group.municipality_id = municipality.id
        group.name = name
        group.kind = kind
        record("group_updated", actor=actor, target=group, municipality=municipality.id)
    return group


def set_staff_municipalities(actor: User, user: User, municipality_ids: set[int]) -> None:
    """Make USER's StaffAssignments exactly MUNICIPALITY_IDS (coordinators: exactly one)."""
    if user.role == "coordinator" and len(municipality_ids) != 1:
        raise DomainError(
            _("Una persona coordinadora pertenece a una sola comuna: elige una."),
            field="municipalities",
        )
    if user.role not in ("trainer", "coordinator"):
        municipality_ids = set()
    current = {
        a.municipality_id: a
        for a in db.session.scalars(
            select(StaffAssignment).where(StaffAssignment.user_id == user.id)
        )
    }
    for mid, assignment in current.items():
        if mid not in municipality_ids:
            db.session.delete(assignment)
            record("staff_unassigned", actor=actor, target=user, municipality=mid)
    for mid in municipality_ids - set(current):
        municipality = db.session.get(Municipality, mid)
        if municipality is None:
            raise DomainError(_("Esa comuna no existe."), field="municipalities")
        db.session.add(StaffAssignment(user_id=user.id, municipality_id=mid))
        record("staff_assigned", actor=actor, target=user, municipality=mid)
    db.session.flush()


def change_role(actor: User, user: User, role: str) -> None:
    """Change USER's role (audited); ending their sessions so the new rights apply at once."""
    if role not in ROLES:
        raise DomainError(_("El rol no es válido."), field="role")
    if role == user.role:
        return
    if user.id == actor.id:
        raise DomainError(_("No puedes cambiar tu propio rol."), field="role")
    record("role_changed", actor=actor, target=user, old=user.role, new=role)
    user.role = role
    user.rotate_session()


def set_active(actor: User, user: User, active: bool) -> None:
    """Activate or deactivate USER; deactivating rotates the session token (logs them out)."""
    if user.id == actor.id and not active:
        raise DomainError(_("No puedes desactivar tu propia cuenta."))
    if user.active == active:
        return
    user.active = active
    user.rotate_session()
    record("user_activated" if active else "user_deactivated", actor=actor, target=user)


def update_user(
    actor: User, user: User, *, full_name: str, email: str | None, rut: str | None = None
) -> None:
    """An admin edits a person's name, address and RUT (an address staff write finds them)."""

    full_name = clean_full_name(full_name, empty=_("Escribe el nombre de la persona."))
    email = clean_email(email)
    if email:
        other = email_holder(email)
        if other is not None and other.id != user.id:
            raise email_taken_error()
    if email != user.email:
        user.email_by_staff = email is not None
    user.rut = checked_rut(rut, user, actor=actor)
    user.full_name = full_name
    user.email = email
    record("user_updated", actor=actor, target=user)


def checked_rut(rut: str | None, user: User | None = None, *, actor: User) -> str | None:
    """RUT normalised, None if blank; DomainError if invalid or held by someone else."""
    if not (rut or "").strip():
        return None
    normal = normalise_rut(rut)
    if normal is None:
        raise DomainError(
            _("El RUT no es válido: revisa los números y el dígito verificador."), field="rut"
        )
    other = db.session.scalar(select(User).where(User.rut == normal))
    if other is not None and (user is None or other.id != user.id):
        if actor.role == "admin":
            raise DomainError(_("Ya existe una cuenta con ese RUT."), field="rut")
        # A trainer must not learn whose RUT it is, nor reach that person (issue 13).
        raise DomainError(rut_taken_message(), field="rut")
    return normal


def rut_taken_message() -> str:
    """For trainers: a RUT someone holds, saying neither whose it is nor how to reach them."""
    return _("Este RUT ya está registrado; pide a la administración que asigne a la persona.")


def email_taken_message() -> str:
    """For trainers: the same for an address."""
    return _("Este correo ya está registrado; pide a la administración que asigne a la persona.")


# --- Trainers: the members of their own groups ------------------------------------------------


def create_participant(
    actor: User, group: Group, *, full_name: str, email: str | None = None, rut: str | None = None
) -> tuple[User, str]:
    """Create a participant account in GROUP with a one-time password (returned once)."""

    normal = checked_rut(rut, actor=actor)
    email = clean_email(email)
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise DomainError(email_taken_message(), field="email")
    user, one_time = create_user(full_name=full_name, email=email, actor=actor)
    user.rut = normal
    add_member(group, user, actor=actor)
    return user, one_time or ""


def add_existing_member(actor: User, group: Group, username: str) -> User:
    """Add a participant ACTOR may manage (manageable_participants_query) to GROUP.

    Found by username, or by an address that staff wrote (User.email_by_staff). Whoever is out
    of reach gets the same answer as nobody at all.
    """

    user = find_by_login(username or "")
    not_found = DomainError(
        _("No encontramos a una persona participante con ese nombre de usuario."),
        field="username",
    )
    if user is None or ("@" in username and not user.email_by_staff):
        raise not_found
    if not manageable_ids(actor, [user.id]):
        raise not_found
    add_member(group, user, actor=actor)
    return user


def remove_member(actor: User, group: Group, user: User) -> None:
    """Take USER out of GROUP (their records and certificates stay)."""
    membership = db.session.scalar(
        select(Membership).where(
            Membership.group_id == group.id,
            Membership.user_id == user.id,
            Membership.role == "member",
        )
    )
    if membership is None:
        raise NotFound(_("Esa persona no es parte del grupo."))
    db.session.delete(membership)
    record("member_removed", actor=actor, target=user, group=group.id)


def enroll_group(actor: User, group: Group, course) -> tuple[int, int]:
    """Enrol every member of GROUP in COURSE; return (newly enrolled, already enrolled)."""

    if course.status != "published":
        raise DomainError(_("Solo se puede inscribir en cursos publicados."), field="course")
    new = existing = 0
    for member in members_of(group):
        found = get_enrollment(member, course.slug)
        if found is not None:
            existing += 1
            if found.group_id is None:
                found.group_id = group.id
            continue
        enrollment = enroll(
            member, course, key=course.enrolment_key, group_id=group.id, actor=actor
        )
        if isinstance(enrollment, Enrollment):
            new += 1
    record("group_enrolled", actor=actor, target=group, course=course.slug, new=new)
    return new, existing


def set_group_trainers(actor: User, group: Group, trainer_ids: set[int]) -> None:
    """Make the trainers of GROUP exactly TRAINER_IDS (users with the trainer role)."""
    current = {
        m.user_id: m
        for m in db.session.scalars(
            select(Membership).where(Membership.group_id == group.id, Membership.role == "trainer")
        )
    }
    for uid, membership in current.items():
        if uid not in trainer_ids:
            db.session.delete(membership)
            record("trainer_removed", actor=actor, target=group, user=uid)
    for uid in trainer_ids - set(current):
        user = db.session.get(User, uid)
        if user is None or user.role != "trainer":
            raise DomainError(
                _("Solo se puede asignar a personas facilitadoras."), field="trainers"
            )
        existing = db.session.scalar(
            select(Membership).where(Membership.group_id == group.id, Membership.user_id == uid)
        )
        if existing is not None:
            existing.role = "trainer"
        else:
            db.session.add(Membership(group_id=group.id, user_id=uid, role="trainer"))
        record("trainer_assigned", actor=actor, target=group, user=uid)
    db.session.flush()
