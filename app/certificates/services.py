"""Issue, find, verify, revoke (for good), suspend and lift suspensions of certificates.

A certificate is issued once per participant and course when a course that grants one is
completed (see the completion hook at the bottom); what it states is a snapshot, so later edits
to the person, the course or the groups never change a certificate already given.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import record
from app.certificates.issuer import issuing_team
from app.certificates.models import Certificate
from app.content.model import Course
from app.errors import DomainError, Forbidden, NotFound
from app.events import certificate_issued, course_completed
from app.extensions import db
from app.learning.models import Enrollment
from app.orgs.models import Group, Membership
from app.orgs.services import staff_municipality_ids
from app.timeutil import utcnow

NETWORK_NAME = "Red para el Fomento de Incubadoras de Cooperativas Inclusivas (REFICOOP)"


def issuer_of(certificate: Certificate) -> str:
    """Who issued CERTIFICATE: the team that made its course, or the network."""
    return certificate.issuer_name or NETWORK_NAME


# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 28  # 7 groups of 4 characters
CODE_BITS = CODE_CHARS * 5  # 140 bits from `secrets`
GROUP = 4
REASON_MAX = 500
STAFF_LIST_LIMIT = 500

_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.·/]+")


def new_code() -> str:
    """A fresh random code: 140 bits from `secrets`, as 28 Crockford base32 characters."""
    n = secrets.randbits(CODE_BITS)
    chars = []
    for _i in range(CODE_CHARS):
        chars.append(CROCKFORD[n & 31])
        n >>= 5
    return "".join(reversed(chars))


def format_code(code: str) -> str:
    """Show CODE in groups of four joined by hyphens: easier to read aloud and to type."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(text: str | None) -> str | None:
    """The canonical code for what someone typed, or None if it cannot be a code.

    Case, spaces and hyphens do not matter, and the letters Crockford's alphabet leaves out
    because they look like digits are read as those digits (O as 0, I and L as 1).
    """
    if not text or len(text) > 100:
        return None
    cleaned = _SEPARATORS.sub("", text).upper().translate(_CONFUSABLES)
    if len(cleaned) != CODE_CHARS or any(c not in CROCKFORD for c in cleaned):
        return None
    return cleaned


# --- issuing ---------------------------------------------------------------------------


def certificate_for(user_id: int, course_slug: str) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_slug == course_slug
        )
    )


def _group_for(enrollment: Enrollment) -> Group | None:
    """The enrolment's group, else the participant's first membership's group."""
    if enrollment.group_id is not None:
        group = db.session.get(Group, enrollment.group_id)
        if group is not None:
            return group
    return db.session.scalar(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == enrollment.user_id)
        .order_by((Membership.role == "member").desc(), Membership.id)
        .limit(1)
    )


def _local_date(moment: datetime | None) -> date:
    """The calendar date in Chile of a naive UTC moment (the date a participant would say)."""
    moment = moment or utcnow()
    zone = "America/Santiago"
    if has_app_context():
        zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or zone
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone)).date()


def issue_certificate(enrollment: Enrollment, course: Course) -> Certificate | None:
    """Issue the certificate of a completed ENROLLMENT in COURSE, once; None if none is due.

    Safe under concurrency: the unique (user, course) constraint decides, and the loser of a
    race gets the winner's certificate.
    """
    if not course.certificate or enrollment.status != "completed":
        return None
    if enrollment.course_slug != course.slug:
        raise ValueError("enrollment and course do not match")
    existing = certificate_for(enrollment.user_id, course.slug)
    if existing is not None:
        return existing
    user = db.session.get(User, enrollment.user_id)
    group = _group_for(enrollment)
    municipality = group.municipality if group is not None else None
    certificate = Certificate(
        code=new_code(),
        user_id=enrollment.user_id,
        enrollment_id=enrollment.id,
        course_slug=course.slug,
        course_version=enrollment.completed_version or course.version,
        holder_name=user.full_name,
        course_title=course.title,
        hours=float(course.hours),
        completed_on=_local_date(enrollment.completed_at),
        municipality_id=municipality.id if municipality is not None else None,
        municipality_name=municipality.name if municipality is not None else "",
        group_name=group.name if group is not None else "",
        issuer_name=issuing_team(course.slug),
        issued_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        # Another request issued it first: that certificate is the one.
        winner = certificate_for(enrollment.user_id, course.slug)
        if winner is None:
            raise
        return winner
    record(
        "certificate_issued",
        actor=user,
        target=certificate,
        course=course.slug,
        version=certificate.course_version,
    )
    certificate_issued.send(None, certificate=certificate, course=course)
    return certificate


def _issue_on_completion(_sender, *, enrollment: Enrollment, course: Course, **_extra) -> None:
    issue_certificate(enrollment, course)


def connect() -> None:
    """Issue a certificate when a course is completed (called by create_app)."""
    course_completed.connect(_issue_on_completion)


def find_by_code(text: str | None) -> Certificate | None:
    """The certificate with the code someone typed, or None (for any reason alike)."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def my_certificates(user: User) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def visible_certificate(user: User, certificate_id: int) -> Certificate:
    """The certificate if USER may see it (its holder, an admin, the municipality's
    coordinator); NotFound otherwise, so its existence is not revealed."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise NotFound(_("No encontramos ese certificado."))
    if certificate.user_id is not None and certificate.user_id == user.id:
        return certificate
    if user.role == "admin":
        return certificate
    if (
        user.role == "coordinator"
        and certificate.municipality_id is not None
        and certificate.municipality_id in staff_municipality_ids(user)
    ):
        return certificate
    raise NotFound(_("No encontramos ese certificado."))


def list_for_staff(user: User, query: str = "") -> list[Certificate]:
    """Certificates an admin (all) or a coordinator (their municipalities) may list,
    filtered by code, course or person when QUERY is given."""
    stmt = select(Certificate)
    if user.role == "coordinator":
        ids = staff_municipality_ids(user)
        if not ids:
            return []
        stmt = stmt.where(Certificate.municipality_id.in_(ids))
    elif user.role != "admin":
        return []
    query = (query or "").strip()[:100]
    if query:
        like = f"%{_escape_like(query)}%"
        conditions = [
            Certificate.course_title.ilike(like, escape="\\"),
            Certificate.course_slug.ilike(like, escape="\\"),
            Certificate.holder_name.ilike(like, escape="\\"),
        ]
        code_part = _SEPARATORS.sub("", query).upper().translate(_CONFUSABLES)
        if len(code_part) >= GROUP and all(c in CROCKFORD for c in code_part):
            conditions.append(Certificate.code.contains(code_part, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    stmt = stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(
        STAFF_LIST_LIMIT
    )
    return list(db.session.scalars(stmt))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def history(certificate: Certificate) -> list[AuditEvent]:
    """Audit events about CERTIFICATE, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.target_type == "certificate",
                AuditEvent.target_id == str(certificate.id),
            )
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


# --- revoking and suspending ------------------------------------------------------------
#
# Revocation is final (W3C status purpose `revocation`): nothing makes a revoked certificate
# valid again. Suspension is the reversible withdrawal (purpose `suspension`): lifting it makes
# the certificate valid again. Revoking a suspended certificate clears its suspension, so a
# certificate has one state and the two status lists never both flag it (the audit log keeps
# the suspension). Each change is one conditional UPDATE: of two admins acting at once, only
# one changes the row, and the other is told what happened.


def _clean_reason(reason: str | None, missing: str) -> str:
    """REASON with its spaces tidied; DomainError when empty or longer than REASON_MAX."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(missing, field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("El motivo puede tener como máximo %(n)d caracteres.", n=REASON_MAX),
            field="reason",
        )
    return reason


def _change_status(certificate: Certificate, condition, values: dict) -> bool:
    """Apply VALUES to CERTIFICATE where CONDITION still holds; whether it did."""
    result = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(certificate)
    return result.rowcount == 1


def revoke_certificate(actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Revoke CERTIFICATE for good with a REASON (shown on the public verification page)."""
    if actor.role != "admin":
        raise Forbidden(_("Solo el equipo administrador puede revocar certificados."))
    reason = _clean_reason(reason, _("Escribe el motivo de la revocación."))
    was_suspended = certificate.suspended_at is not None
    changed = _change_status(
        certificate,
        Certificate.revoked_at.is_(None),
        {
            "revoked_at": utcnow(),
            "revoked_reason": reason,
            "revoked_by_id": actor.id,
            "suspended_at": None,
            "suspended_reason": None,
            "suspended_by_id": None,
        },
    )
    if not changed:
        raise DomainError(_("Este certificado ya estaba revocado."))
    details = {"code": certificate.code, "reason": reason}
    if was_suspended:
        details["ended_suspension"] = True
    record("certificate_revoked", actor=actor, target=certificate, **details)
    return certificate


def suspend_certificate(actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw CERTIFICATE until the suspension is lifted; REASON is shown publicly."""
    if actor.role != "admin":
        raise Forbidden(_("Solo el equipo administrador puede suspender certificados."))
    reason = _clean_reason(reason, _("Escribe el motivo de la suspensión."))
    changed = _change_status(
        certificate,
        Certificate.revoked_at.is_(None) & Certificate.suspended_at.is_(None),
        {"suspended_at": utcnow(), "suspended_reason": reason, "suspended_by_id": actor.id},
    )
    if not changed:
        if certificate.revoked_at is not None:
            raise DomainError(
                _("Este certificado está revocado: la revocación es definitiva y no se suspende.")
            )
        raise DomainError(_("Este certificado ya estaba suspendido."))
    record(
        "certificate_suspended",
        actor=actor,
        target=certificate,
        code=certificate.code,
        reason=reason,
    )
    return certificate


def lift_suspension(actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Make a suspended CERTIFICATE valid again; REASON stays in its history."""
    if actor.role != "admin":
        raise Forbidden(_("Solo el equipo administrador puede levantar suspensiones."))
    reason = _clean_reason(reason, _("Escribe por qué se levanta la suspensión."))
    previous_reason = certificate.suspended_reason
    changed = _change_status(
        certificate,
        Certificate.suspended_at.is_not(None),
        {"suspended_at": None, "suspended_reason": None, "suspended_by_id": None},
    )
    if not changed:
        if certificate.revoked_at is not None:
            raise DomainError(_("Este certificado está revocado: la revocación es definitiva."))
        raise DomainError(_("Este certificado no está suspendido."))
    record(
        "certificate_suspension_lifted",
        actor=actor,
        target=certificate,
        code=certificate.code,
        reason=reason,
        previous_reason=previous_reason,
    )
    return certificate


def users_by_id(user_ids) -> dict[int, User]:
    """{id: user} for USER_IDS (None ignored), in one query: the names in a history."""
    wanted = {uid for uid in user_ids if uid}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}
