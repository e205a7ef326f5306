"""Bulk import of participants from a CSV file: parse, plan (preview), then run all-or-nothing.

The preview carries the parsed rows to the confirm step in a signed token (no server files), and
the confirm step plans again against the database, so what runs is checked at that moment.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import record
from app.errors import DomainError
from app.extensions import db
from app.orgs.models import Group, Membership
from app.orgs.rut import normalise_rut

MAX_ROWS = 1000
COLUMNS = {
    "name": ("name", "nombre", "nombre completo"),
    "email": ("email", "correo", "correo electronico", "e-mail"),
    "rut": ("rut", "run"),
    "group": ("group", "grupo"),
    "course": ("course", "curso"),
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class RawRow:
    line: int
    name: str
    email: str
    rut: str
    group: str
    course: str


@dataclass
class PlannedRow:
    line: int
    name: str
    email: str | None
    rut: str | None
    group: Group
    course: object | None  # app.content.model.Course
    user: User | None  # an existing person matched by RUT, email or name in the group
    matched_by: str = ""  # "rut" | "email" | "name" | ""
    new_membership: bool = True
    new_enrollment: bool = False


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.rows if r.user is None)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Excel's Windows-1252 (a superset of Latin-1 here)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_csv(data: bytes) -> list[RawRow]:
    """Read the file's rows; raise DomainError when it cannot be read as a table at all."""
    text = decode(data)
    if not text.strip():
        raise DomainError(_("El archivo está vacío."), field="file")
    first = text.splitlines()[0]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _fold(title)
        for column, names in COLUMNS.items():
            if key in names and column not in positions:
                positions[column] = index
    missing = [c for c in ("name", "group") if c not in positions]
    if missing:
        raise DomainError(
            _(
                "La primera línea debe tener los títulos de las columnas: nombre y grupo "
                "(y, si quieres, correo, rut y curso)."
            ),
            field="file",
        )
    rows: list[RawRow] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise DomainError(
                _("El archivo tiene más de %(n)s filas: divídelo en partes.", n=MAX_ROWS),
                field="file",
            )

        def cell(column: str, cells=cells) -> str:
            i = positions.get(column)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        rows.append(
            RawRow(
                line=reader.line_num,
                name=" ".join(cell("name").split()),
                email=cell("email"),
                rut=cell("rut"),
                group=cell("group"),
                course=cell("course"),
            )
        )
    if not rows:
        raise DomainError(_("El archivo no tiene filas con personas."), field="file")
    return rows


# --- Carrying rows from the preview to the confirmation ----------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="orgs-import-rows")


def sign_rows(actor: User, rows: list[RawRow]) -> str:
    payload = {
        "a": actor.id,
        "r": [[r.line, r.name, r.email, r.rut, r.group, r.course] for r in rows],
    }
    return _serializer().dumps(payload)


def unsign_rows(actor: User, token: str) -> list[RawRow]:
    """The rows signed for ACTOR; DomainError if the token was altered or is someone else's."""
    try:
        payload = _serializer().loads(token or "")
    except BadSignature:
        payload = None
    if not isinstance(payload, dict) or payload.get("a") != actor.id:
        raise DomainError(
            _("Los datos de la vista previa no son válidos. Sube el archivo otra vez.")
        )
    return [RawRow(*item) for item in payload["r"]]


# --- Planning ------------------------------------------------------------------------------------


def plan_import(actor: User, rows: list[RawRow], groups: list[Group], courses: list) -> ImportPlan:
    """Check every row against GROUPS (the actor's) and COURSES (published); write nothing."""
    plan = ImportPlan()
    groups_by_name: dict[str, list[Group]] = {}
    for g in groups:
        groups_by_name.setdefault(_fold(g.name), []).append(g)
    courses_by_key: dict[str, object] = {}
    for c in courses:
        courses_by_key.setdefault(_fold(c.slug), c)
        courses_by_key.setdefault(_fold(c.title), c)

    ruts = {normalise_rut(r.rut) for r in rows if r.rut} - {None}
    emails = {r.email.lower() for r in rows if r.email}
    by_rut = (
        {u.rut: u for u in db.session.scalars(select(User).where(User.rut.in_(ruts)))}
        if ruts
        else {}
    )
    by_email = (
        {
            u.email.lower(): u
            for u in db.session.scalars(select(User).where(func.lower(User.email).in_(emails)))
        }
        if emails
        else {}
    )
    group_ids = [g.id for g in groups] or [-1]
    members = list(
        db.session.execute(
            select(Membership.group_id, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.group_id.in_(group_ids), Membership.role == "member")
        )
    )
    by_group_name = {(gid, _fold(u.full_name)): u for gid, u in members}
    memberships = {(gid, u.id) for gid, u in members}

    seen: dict[tuple, int] = {}
    for raw in rows:
        errors: list[str] = []
        if not raw.name:
            errors.append(_("falta el nombre"))
        elif len(raw.name) > 200:
            errors.append(_("el nombre es demasiado largo"))
        email = raw.email.strip().lower() or None
        if email and ("@" not in email or "." not in email.split("@")[-1] or " " in email):
            errors.append(_("el correo «%(e)s» no es válido", e=raw.email))
        rut = None
        if raw.rut:
            rut = normalise_rut(raw.rut)
            if rut is None:
                errors.append(
                    _("el RUT «%(r)s» no es válido (revisa el dígito verificador)", r=raw.rut)
                )
        found_groups = groups_by_name.get(_fold(raw.group), []) if raw.group else []
        group = found_groups[0] if len(found_groups) == 1 else None
        if not raw.group:
            errors.append(_("falta el grupo"))
        elif not found_groups:
            errors.append(_("el grupo «%(g)s» no es uno de tus grupos", g=raw.group))
        elif len(found_groups) > 1:
            errors.append(_("hay más de un grupo llamado «%(g)s»", g=raw.group))
        course = None
        if raw.course:
            course = courses_by_key.get(_fold(raw.course))
            if course is None:
                errors.append(_("el curso «%(c)s» no existe o no está publicado", c=raw.course))
        user, matched_by = None, ""
        if rut and rut in by_rut:
            user, matched_by = by_rut[rut], "rut"
        elif email and email in by_email:
            user, matched_by = by_email[email], "email"
        elif group is not None and (group.id, _fold(raw.name)) in by_group_name:
            user, matched_by = by_group_name[(group.id, _fold(raw.name))], "name"
        if user is not None and user.role != "participant":
            errors.append(
                _("ese RUT o correo pertenece a una cuenta del equipo, no a un participante")
            )
        if user is not None and email and email in by_email and by_email[email].id != user.id:
            errors.append(_("el correo ya pertenece a otra persona"))
        if user is not None and rut and user.rut and user.rut != rut:
            errors.append(_("el correo pertenece a una persona con otro RUT"))
        key = (
            ("rut", rut)
            if rut
            else ("email", email)
            if email
            else ("name", group.id if group else raw.group, _fold(raw.name))
        )
        if key in seen:
            errors.append(_("repite a la persona de la línea %(n)s", n=seen[key]))
        else:
            seen[key] = raw.line
        if errors:
            plan.errors.extend((raw.line, message) for message in errors)
            continue
        new_enrollment = False
        if course is not None:
            if user is None:
                new_enrollment = True
            else:
                from app.learning.services import get_enrollment

                new_enrollment = get_enrollment(user, course.slug) is None
        plan.rows.append(
            PlannedRow(
                line=raw.line,
                name=raw.name,
                email=email,
                rut=rut,
                group=group,
                course=course,
                user=user,
                matched_by=matched_by,
                new_membership=user is None or (group.id, user.id) not in memberships,
                new_enrollment=new_enrollment,
            )
        )
    plan.errors.sort()
    return plan


@dataclass
class ImportResult:
    created: list[tuple[User, str, Group]] = field(default_factory=list)  # with one-time password
    existing: int = 0
    memberships: int = 0
    enrollments: int = 0


def run_import(actor: User, rows: list[RawRow], groups: list[Group], courses: list) -> ImportResult:
    """Plan again and apply every row, or raise DomainError before writing anything."""
    from app.accounts.services import create_user
    from app.learning.services import enroll, get_enrollment
    from app.orgs.services import add_member

    plan = plan_import(actor, rows, groups, courses)
    if not plan.ok:
        raise DomainError(
            _("El archivo tiene errores: corrígelos y súbelo otra vez. No se guardó nada.")
        )
    result = ImportResult()
    for row in plan.rows:
        user = row.user
        if user is None:
            user, one_time = create_user(full_name=row.name, email=row.email, actor=actor)
            user.rut = row.rut
            result.created.append((user, one_time or "", row.group))
        else:
            result.existing += 1
            if row.rut and not user.rut:
                user.rut = row.rut
        if (
            db.session.scalar(
                select(Membership.id).where(
                    Membership.group_id == row.group.id, Membership.user_id == user.id
                )
            )
            is None
        ):
            add_member(row.group, user, actor=actor)
            result.memberships += 1
        if row.course is not None and get_enrollment(user, row.course.slug) is None:
            enroll(user, row.course, key=row.course.enrolment_key, group_id=row.group.id)
            result.enrollments += 1
    db.session.flush()
    record(
        "participants_imported",
        actor=actor,
        target_type="import",
        rows=len(plan.rows),
        created=len(result.created),
    )
    return result
