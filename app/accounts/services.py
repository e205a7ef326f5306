"""Accounts: authenticate, change passwords, create accounts with one-time passwords."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import ROLES, User
from app.accounts.passwords import one_time_password, password_problems
from app.audit.services import record
from app.content.textutil import fold
from app.errors import DomainError
from app.extensions import db
from app.timeutil import utcnow

# Checked against when the account does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
# One-time passwords are random (passwords.one_time_password: over 60 bits) and only live until
# the person chooses their own, which is stored with the configured slow hash (scrypt). A random
# 60-bit secret needs no key stretching, and a slow hash here made a 1,000-row import take minutes
# (docs/performance.md, "CSV import").
ONE_TIME_HASH_METHOD = "pbkdf2:sha256:1"
# Bidirectional overrides and isolates reorder what is shown: a name could pose as another.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def has_control_characters(text: str) -> bool:
    """True if TEXT holds NUL, another control character, a surrogate or a bidi override."""
    return any(unicodedata.category(c) in ("Cc", "Cs", "Co") or c in _BIDI_CONTROLS for c in text)


def name_problem(full_name: str) -> str | None:
    """What is wrong with a person's name, already trimmed (None when it is fine).

    One rule for every path that stores a name (profile, admin, trainer, CSV import): PostgreSQL
    refuses NUL in text, and control characters have no place in a name anyway.
    """
    if has_control_characters(full_name):
        return _(
            "El nombre tiene caracteres invisibles o de control (por ejemplo, un carácter nulo). "
            "Escríbelo otra vez con letras, espacios y guiones."
        )
    if len(full_name) > 200:
        return _("El nombre puede tener como máximo 200 caracteres.")
    return None


def clean_full_name(full_name: str | None, *, empty: str, field: str = "full_name") -> str:
    """FULL_NAME with its spaces tidied; DomainError (on FIELD) if it is empty or not valid."""
    tidy = " ".join((full_name or "").split())
    if not tidy:
        raise DomainError(empty, field=field)
    problem = name_problem(tidy)
    if problem:
        raise DomainError(problem, field=field)
    return tidy


def email_problem(email: str) -> str | None:
    """What is wrong with an address, already trimmed and lower-cased (None when fine)."""
    if len(email) > 254 or has_control_characters(email) or not EMAIL_RE.match(email):
        return _("Escribe un correo válido, por ejemplo nombre@dominio.cl.")
    return None


def clean_email(email: str | None, *, field: str = "email") -> str | None:
    """The address trimmed and lower-cased, None if blank; DomainError if it is not valid."""
    tidy = (email or "").strip().lower() or None
    if tidy is not None:
        problem = email_problem(tidy)
        if problem:
            raise DomainError(problem, field=field)
    return tidy


def email_taken_error(field: str = "email") -> DomainError:
    """The same answer whoever holds the address: it must not tell that an account exists."""
    return DomainError(
        _(
            "No podemos usar ese correo. Revisa que esté bien escrito; si es tuyo y no puedes "
            "usarlo, pide ayuda a la administración de la red."
        ),
        field=field,
    )


def set_one_time_password(user: User) -> str:
    """Give USER a new random one-time password (to change at the next login) and return it."""
    one_time = one_time_password()
    user.password_hash = generate_password_hash(one_time, method=ONE_TIME_HASH_METHOD)
    user.must_change_password = True
    return one_time


def find_by_login(login: str) -> User | None:
    login = login.strip().lower()
    if not login or len(login) > 254 or has_control_characters(login):
        return None  # PostgreSQL refuses NUL in a query; no account has such a name anyway
    column = User.email if "@" in login else User.username
    return db.session.scalar(select(User).where(func.lower(column) == login))


def authenticate(login: str, password: str) -> User | None:
    """Return the active user whose username or email and password match, else None."""
    return check_credentials(find_by_login(login), password)


def check_credentials(user: User | None, password: str) -> User | None:
    """USER when PASSWORD is theirs and the account is active, else None (same cost either way)."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str, *, check_current: bool = True) -> None:
    """Set a new password after checking the current one and the policy; log out elsewhere."""
    if check_current and not user.check_password(current):
        raise DomainError(_("La contraseña actual no es correcta."), field="current_password")
    problems = password_problems(new, username=user.username, full_name=user.full_name)
    if problems:
        raise DomainError(problems[0], field="new_password")
    if user.check_password(new):
        raise DomainError(
            _("La nueva contraseña debe ser distinta de la actual."), field="new_password"
        )
    user.set_password(new)
    user.must_change_password = False
    user.rotate_session()
    record("password_changed", actor=user, target=user)


def username_base(full_name: str) -> str:
    """The username a name asks for: 'María José Pérez' -> 'maria.perez' ('' for too short)."""
    parts = [re.sub(r"[^a-z0-9]", "", p) for p in fold(full_name).split()]
    parts = [p for p in parts if p]
    base = ".".join([parts[0], parts[-1]] if len(parts) > 1 else parts[:1]) or "persona"
    base = base[:40].rstrip("._-")
    return base if USERNAME_RE.match(base) else ""


def allocate_usernames(full_names: list[str]) -> list[str]:
    """A free username for each name, distinct from each other ('maria.perez', 'maria.perez2').

    A few queries for the whole list (not one per name), so a 1,000-row import stays fast.
    Every name must give a base (username_base); callers check that first.
    """
    bases = [username_base(name) for name in full_names]
    if not all(bases):
        raise DomainError(
            _("El nombre debe tener al menos dos letras o números para armar el usuario."),
            field="full_name",
        )
    need = Counter(bases)
    chosen: dict[str, list[str]] = {base: [] for base in need}
    next_number = dict.fromkeys(need, 1)
    used: set[str] = set()
    while True:
        proposals: dict[str, str] = {}
        for base, wanted in need.items():
            for _n in range(wanted - len(chosen[base])):
                n = next_number[base]
                next_number[base] += 1
                candidate = base if n == 1 else f"{base}{n}"
                if candidate not in used and candidate not in proposals:
                    proposals[candidate] = base
        if not proposals:
            break
        names = list(proposals)
        taken: set[str] = set()
        for i in range(0, len(names), 500):
            taken.update(
                db.session.scalars(
                    select(User.username).where(User.username.in_(names[i : i + 500]))
                )
            )
        for candidate, base in proposals.items():
            if candidate not in taken:
                chosen[base].append(candidate)
                used.add(candidate)
    return [chosen[base].pop(0) for base in bases]


def suggest_username(full_name: str) -> str:
    """Make a free username from a person's name: 'María José Pérez' -> 'maria.perez'."""
    return allocate_usernames([full_name])[0]


def create_user(
    *,
    full_name: str,
    role: str = "participant",
    username: str | None = None,
    email: str | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> tuple[User, str | None]:
    """Create an account; without PASSWORD it gets a one-time password (returned once)."""
    if role not in ROLES:
        raise DomainError(_("El rol no es válido."), field="role")
    full_name = clean_full_name(full_name, empty=_("Escribe el nombre de la persona."))
    username = (username or suggest_username(full_name)).strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(
            _(
                "El nombre de usuario solo puede tener letras sin tilde, números, puntos y "
                "guiones (entre 2 y 63 caracteres)."
            ),
            field="username",
        )
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError(_("Ese nombre de usuario ya existe; elige otro."), field="username")
    email = clean_email(email)
    if email and email_holder(email) is not None:
        raise email_taken_error()
    # Accounts are created by staff (admin, trainer, import) or the operator's CLI.
    user = User(
        username=username,
        email=email,
        email_by_staff=email is not None,
        full_name=full_name,
        role=role,
    )
    one_time = None
    if password is None:
        one_time = set_one_time_password(user)
    else:
        user.set_password(password)
        user.must_change_password = False
    db.session.add(user)
    db.session.flush()
    record("user_created", actor=actor, target=user, role=role)
    return user, one_time


def email_holder(email: str) -> User | None:
    """The account that holds EMAIL (already trimmed and lower-cased), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def reset_password(user: User, *, actor: User) -> str:
    """Give USER a new one-time password (to be changed at next login) and return it."""
    one_time = set_one_time_password(user)
    user.rotate_session()
    record("password_reset", actor=actor, target=user)
    return one_time


def update_profile(user: User, *, full_name: str, email: str | None, locale: str | None) -> None:
    """Save the person's own name, address and language.

    An address they type is theirs to use for logging in, but it was not verified, so it is
    marked as not written by staff and never finds them on import (email_by_staff).
    """
    full_name = clean_full_name(full_name, empty=_("Escribe tu nombre."))
    email = clean_email(email)
    if email != user.email:
        if email:
            other = email_holder(email)
            if other is not None and other.id != user.id:
                raise email_taken_error()
        user.email_by_staff = False
    user.full_name = full_name
    user.email = email
    user.locale = locale or None


def set_disability(user: User, answer: str, consent: bool) -> None:
    """Record, change or remove the optional self-declaration ("yes", "no" or "" = not said).

    Saying "yes" is sensitive data: it needs explicit consent, recorded with its date.
    """
    if answer == "yes":
        if not consent:
            raise DomainError(
                _("Para guardar este dato necesitamos tu consentimiento: marca la casilla."),
                field="disability_consent",
            )
        if user.disability_declared is not True:
            user.disability_consent_at = utcnow()
        user.disability_declared = True
    elif answer == "no":
        user.disability_declared = False
        user.disability_consent_at = None
    else:
        user.disability_declared = None
        user.disability_consent_at = None
