"""Bulk import of participants from a CSV file: parse, plan (preview), then run all-or-nothing.

The preview carries the parsed rows to the confirm step in a signed token (no server files), and
the confirm step plans again against the database, so what runs is checked at that moment.

Security (issue 13): a row finds an existing person only if the acting trainer may already
manage them (orgs.services.manageable_participants_query, the rule of the "add member" form),
and by address only if staff wrote it (User.email_by_staff). A RUT or address that belongs to
anybody else is a row error that names nobody. Each preview has a random id that the confirm
step records in import_runs (unique), so the same preview runs at most once.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.services import (
    allocate_usernames,
    email_problem,
    name_problem,
    set_one_time_password,
    username_base,
)
from app.audit.services import record
from app.content.textutil import fold
from app.errors import DomainError
from app.extensions import db
from app.learning.models import Enrollment
from app.learning.services import enroll, enroll_new_people
from app.orgs.models import Group, ImportRun, Membership
from app.orgs.rut import normalise_rut
from app.orgs.services import email_taken_message, manageable_ids, rut_taken_message

MAX_ROWS = 1000
COLUMNS = {
    "name": ("name", "nombre", "nombre completo"),
    "email": ("email", "correo", "correo electronico", "e-mail"),
    "rut": ("rut", "run"),
    "group": ("group", "grupo"),
    "course": ("course", "curso"),
}


def _fold(text: str) -> str:
    return fold(text).strip()


@dataclass
class RawRow:
    line: int
    name: str
    email: str
    rut: str
    group: str
    course: str
    error: str = ""  # the line could not be read as CSV (shown as a row error)


@dataclass
class PlannedRow:
    line: int
    name: str
    email: str | None
    rut: str | None
    group: Group
    course: object | None  # app.content.model.Course
    user: User | None  # an existing person (in the actor's reach) matched by RUT, email or name
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


def _unreadable(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return _(
            "la línea no se puede leer: tiene un campo de más de %(n)s caracteres",
            n=f"{csv.field_size_limit():,}".replace(",", "."),
        )
    return _("la línea no se puede leer como CSV (revisa las comillas)")


def parse_csv(data: bytes) -> list[RawRow]:
    """Read the file's rows; raise DomainError when it cannot be read as a table at all.

    A line the csv module cannot read (a field over its 131,072-character limit, say) becomes a
    row with an error, shown in the preview with its line number like any other.
    """
    text = decode(data)
    if not text.strip():
        raise DomainError(_("El archivo está vacío."), field="file")
    first = text.splitlines()[0][:4096]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error:
        header = []
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
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The reader goes on at the next line, so the other rows are still checked.
            cells, error = None, _unreadable(exc)
        else:
            if not any(c.strip() for c in cells):
                continue
            error = ""
        if len(rows) >= MAX_ROWS:
            raise DomainError(
                _("El archivo tiene más de %(n)s filas: divídelo en partes.", n=MAX_ROWS),
                field="file",
            )
        if cells is None:
            rows.append(RawRow(reader.line_num, "", "", "", "", "", error))
            continue

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
    """Sign ROWS for ACTOR, with a random id for this preview (import_runs.token)."""
    payload = {
        "a": actor.id,
        "n": secrets.token_urlsafe(32),
        "r": [[r.line, r.name, r.email, r.rut, r.group, r.course, r.error] for r in rows],
    }
    return _serializer().dumps(payload)


def unsign(actor: User, token: str) -> tuple[str, list[RawRow]]:
    """The preview id and rows signed for ACTOR; DomainError if altered or someone else's."""
    try:
        payload = _serializer().loads(token or "")
    except BadSignature:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("a") != actor.id
        or not isinstance(payload.get("n"), str)
    ):
        raise DomainError(
            _("Los datos de la vista previa no son válidos. Sube el archivo otra vez.")
        )
    return payload["n"], [RawRow(*item) for item in payload["r"]]


# --- Planning ------------------------------------------------------------------------------------


@dataclass
class _Known:
    """What a plan checks rows against, read from the database once per plan."""

    groups_by_name: dict[str, list[Group]]
    courses_by_key: dict[str, object]
    by_rut: dict[str, User]
    by_email: dict[str, User]
    in_reach: set[int]  # ids of the people the actor may manage
    by_group_name: dict[tuple[int, str], User]  # (group id, folded name) -> member
    memberships: set[tuple[int, int]]  # (group id, user id) of the people matched
    enrolled: set[tuple[int, str]]  # (user id, course slug) of the people matched


def _known(actor: User, rows: list[RawRow], groups: list[Group], courses: list) -> _Known:
    groups_by_name: dict[str, list[Group]] = {}
    for g in groups:
        groups_by_name.setdefault(_fold(g.name), []).append(g)
    courses_by_key: dict[str, object] = {}
    for c in courses:
        courses_by_key.setdefault(_fold(c.slug), c)
        courses_by_key.setdefault(_fold(c.title), c)

    ruts = {normalise_rut(r.rut) for r in rows if r.rut and len(r.rut) <= 20} - {None}
    emails = {r.email.lower() for r in rows if r.email and not email_problem(r.email.lower())}
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
    # Whom the actor may reach: the same rule as the "add member" form, never further.
    in_reach = manageable_ids(actor, {u.id for u in (*by_rut.values(), *by_email.values())})
    group_ids = [g.id for g in groups] or [-1]
    members = list(
        db.session.execute(
            select(Membership.group_id, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.group_id.in_(group_ids), Membership.role == "member")
        )
    )
    matched_ids = {u.id for u in (*by_rut.values(), *by_email.values())} | {
        u.id for _gid, u in members
    }
    memberships = set(
        db.session.execute(
            select(Membership.group_id, Membership.user_id).where(
                Membership.user_id.in_(matched_ids or {-1})
            )
        ).tuples()
    )
    enrolled = set(
        db.session.execute(
            select(Enrollment.user_id, Enrollment.course_slug).where(
                Enrollment.user_id.in_(matched_ids or {-1})
            )
        ).tuples()
    )
    return _Known(
        groups_by_name=groups_by_name,
        courses_by_key=courses_by_key,
        by_rut=by_rut,
        by_email=by_email,
        in_reach=set(in_reach),
        by_group_name={(gid, _fold(u.full_name)): u for gid, u in members},
        memberships=memberships,
        enrolled=enrolled,
    )


def plan_import(actor: User, rows: list[RawRow], groups: list[Group], courses: list) -> ImportPlan:
    """Check every row against GROUPS (the actor's) and COURSES (published); write nothing."""
    plan = ImportPlan()
    known = _known(actor, rows, groups, courses)
    seen: dict[tuple, int] = {}  # who a row names -> the first line that names them
    for raw in rows:
        if raw.error:
            plan.errors.append((raw.line, raw.error))
            continue
        errors: list[str] = []
        email, rut = _contact(raw, errors)
        group = _group(raw, known, errors)
        course = _course(raw, known, errors)
        user, matched_by = _match_person(raw, rut, email, group, known, errors)
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
        if errors or group is None:
            plan.errors.extend((raw.line, message) for message in errors)
            continue
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
                new_membership=user is None or (group.id, user.id) not in known.memberships,
                new_enrollment=course is not None
                and (user is None or (user.id, course.slug) not in known.enrolled),
            )
        )
    plan.errors.sort()
    return plan


def _contact(raw: RawRow, errors: list[str]) -> tuple[str | None, str | None]:
    """Check the name, address and RUT; return the address and RUT that are valid."""
    if not raw.name:
        errors.append(_("falta el nombre"))
    else:
        problem = name_problem(raw.name)
        if problem:
            errors.append(problem)
    email = raw.email.strip().lower() or None
    if email and email_problem(email):
        errors.append(_("el correo «%(e)s» no es válido", e=raw.email[:254]))
        email = None
    rut = None
    if raw.rut:
        rut = normalise_rut(raw.rut) if len(raw.rut) <= 20 else None
        if rut is None:
            errors.append(
                _("el RUT «%(r)s» no es válido (revisa el dígito verificador)", r=raw.rut[:20])
            )
    return email, rut


def _group(raw: RawRow, known: _Known, errors: list[str]) -> Group | None:
    found = known.groups_by_name.get(_fold(raw.group), []) if raw.group else []
    if not raw.group:
        errors.append(_("falta el grupo"))
    elif not found:
        errors.append(_("el grupo «%(g)s» no es uno de tus grupos", g=raw.group[:160]))
    elif len(found) > 1:
        errors.append(_("hay más de un grupo llamado «%(g)s»", g=raw.group[:160]))
    return found[0] if len(found) == 1 else None


def _course(raw: RawRow, known: _Known, errors: list[str]) -> object | None:
    if not raw.course:
        return None
    course = known.courses_by_key.get(_fold(raw.course))
    if course is None:
        errors.append(_("el curso «%(c)s» no existe o no está publicado", c=raw.course[:200]))
    return course


def _match_person(
    raw: RawRow,
    rut: str | None,
    email: str | None,
    group: Group | None,
    known: _Known,
    errors: list[str],
) -> tuple[User | None, str]:
    """The existing person the row names (by RUT, staff-written address, or name in the
    group), only when the actor may manage them; a RUT or address of anybody else is an error."""
    user, matched_by = None, ""
    rut_owner = known.by_rut.get(rut) if rut else None
    email_owner = known.by_email.get(email) if email else None
    if rut_owner is not None:
        if rut_owner.id in known.in_reach:
            user, matched_by = rut_owner, "rut"
        else:
            errors.append(rut_taken_message())
    if email_owner is not None and email_owner is not user:
        if (
            rut_owner is None
            and email_owner.id in known.in_reach
            and email_owner.email_by_staff  # an address a person typed finds nobody
        ):
            user, matched_by = email_owner, "email"
        else:
            errors.append(email_taken_message())
    if user is None and rut_owner is None and email_owner is None and group is not None:
        user = known.by_group_name.get((group.id, _fold(raw.name)))
        matched_by = "name" if user is not None else ""
    if user is not None and rut and user.rut and user.rut != rut:
        errors.append(_("el correo pertenece a una persona con otro RUT"))
    if user is None and raw.name and not username_base(raw.name):
        errors.append(_("el nombre debe tener al menos dos letras o números para armar el usuario"))
    return user, matched_by


@dataclass
class ImportResult:
    created: list[tuple[User, str, Group]] = field(default_factory=list)  # with one-time password
    existing: int = 0
    memberships: int = 0
    enrollments: int = 0


def _claim(actor: User, token: str, group_ids: list[int]) -> None:
    """Record this preview as confirmed, or DomainError if it already was (or is right now).

    On PostgreSQL a second confirmation of the same preview waits on the unique index until
    the first commits, then fails here; on SQLite the first holds the write lock until then.
    Locking the import's groups (a no-op UPDATE, in id order) makes two different previews into
    the same groups run one after the other, so the second plans against the first's people
    and matches them by name instead of creating them twice.
    """
    try:
        with db.session.begin_nested():
            db.session.add(ImportRun(token=token, actor_id=actor.id))
    except IntegrityError:
        raise DomainError(
            _(
                "Esta importación ya se confirmó (quizás con otro clic o en otra ventana), así que "
                "no se guardó nada otra vez. Revisa el grupo; si falta alguien, sube el archivo "
                "de nuevo."
            )
        ) from None
    for gid in sorted(group_ids):
        db.session.execute(
            update(Group).where(Group.id == gid).values(kind=Group.kind),
            execution_options={"synchronize_session": False},
        )


def run_import(
    actor: User, rows: list[RawRow], groups: list[Group], courses: list, *, token: str
) -> ImportResult:
    """Plan again and apply every row, or raise DomainError before writing anything.

    TOKEN is the preview's random id (sign_rows): each preview runs once. New accounts are
    inserted together (a few statements for the whole file) with fast-hashed one-time
    passwords (accounts.services.set_one_time_password), so 1,000 rows take seconds.
    """

    names = {_fold(r.group) for r in rows}
    _claim(actor, token, [g.id for g in groups if _fold(g.name) in names])
    plan = plan_import(actor, rows, groups, courses)
    if not plan.ok:
        raise DomainError(
            _("El archivo tiene errores: corrígelos y súbelo otra vez. No se guardó nada.")
        )
    result = ImportResult()
    _create_accounts(actor, plan, result)
    _add_memberships_and_enrolments(actor, plan, result)
    record(
        "participants_imported",
        actor=actor,
        target_type="import",
        rows=len(plan.rows),
        created=len(result.created),
    )
    db.session.flush()
    return result


def _create_accounts(actor: User, plan: ImportPlan, result: ImportResult) -> None:
    """Create the account of every row that matched nobody, all in one flush, each with a
    one-time password (kept in RESULT for the access sheet)."""
    new_rows = [row for row in plan.rows if row.user is None]
    usernames = allocate_usernames([row.name for row in new_rows])
    for row, username in zip(new_rows, usernames, strict=True):
        user = User(
            username=username,
            email=row.email,
            email_by_staff=row.email is not None,
            rut=row.rut,
            full_name=row.name,
            role="participant",
        )
        one_time = set_one_time_password(user)
        row.user = user
        result.created.append((user, one_time, row.group))
    db.session.add_all(user for user, _p, _g in result.created)
    db.session.flush()
    for user, _p, _g in result.created:
        record("user_created", actor=actor, target=user, role="participant")


def _add_memberships_and_enrolments(actor: User, plan: ImportPlan, result: ImportResult) -> None:
    """Put every row's person in its group and course (once each), recording ACTOR as who
    did it; complete an existing person's RUT when the row brings it."""
    new_ids = {user.id for user, _p, _g in result.created}
    members: list[Membership] = []
    new_people_enrolled: list[tuple[User, object, int]] = []
    added: set[tuple] = set()
    for row in plan.rows:
        user = row.user
        if user.id not in new_ids:
            result.existing += 1
            if row.rut and not user.rut:
                user.rut = row.rut
        if row.new_membership and (row.group.id, user.id) not in added:
            added.add((row.group.id, user.id))
            members.append(Membership(group_id=row.group.id, user_id=user.id, role="member"))
        if row.new_enrollment and (user.id, row.course.slug) not in added:
            added.add((user.id, row.course.slug))
            if user.id in new_ids:
                new_people_enrolled.append((user, row.course, row.group.id))
            else:  # an existing person may be enrolling themselves right now: enroll() copes
                enroll(
                    user,
                    row.course,
                    key=row.course.enrolment_key,
                    group_id=row.group.id,
                    actor=actor,
                )
                result.enrollments += 1
    db.session.add_all(members)
    db.session.flush()
    for m in members:
        record("member_added", actor=actor, target=m, group=m.group_id, user=m.user_id)
    result.memberships = len(members)
    result.enrollments += enroll_new_people(new_people_enrolled, actor)
