"""Accounts: authenticate, change passwords, create accounts with one-time passwords."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.accounts.models import ROLES, User
from app.accounts.passwords import one_time_password, password_problems
from app.audit.services import record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import utcnow

# Checked against when the account does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")


def find_by_login(login: str) -> User | None:
    login = login.strip().lower()
    if not login:
        return None
    column = User.email if "@" in login else User.username
    return db.session.scalar(select(User).where(func.lower(column) == login))


def authenticate(login: str, password: str) -> User | None:
    """Return the active user whose username or email and password match, else None."""
    user = find_by_login(login)
    if user is None:
        from werkzeug.security import check_password_hash

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


def suggest_username(full_name: str) -> str:
    """Make a free username from a person's name: 'María José Pérez' -> 'maria.perez'."""
    from app.accounts.passwords import _fold

    parts = [re.sub(r"[^a-z0-9]", "", p) for p in _fold(full_name).split()]
    parts = [p for p in parts if p]
    base = ".".join([parts[0], parts[-1]] if len(parts) > 1 else parts[:1]) or "persona"
    base = base[:40]
    candidate, n = base, 1
    while db.session.scalar(select(User.id).where(User.username == candidate)) is not None:
        n += 1
        candidate = f"{base}{n}"
    return candidate


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
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError(_("Escribe el nombre de la persona."), field="full_name")
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
    email = (email or "").strip().lower() or None
    if email and find_by_login(email) is not None:
        raise DomainError(_("Ya existe una cuenta con ese correo."), field="email")
    one_time = None
    if password is None:
        one_time = one_time_password()
        password = one_time
    user = User(username=username, email=email, full_name=full_name, role=role)
    user.set_password(password)
    user.must_change_password = one_time is not None
    db.session.add(user)
    db.session.flush()
    record("user_created", actor=actor, target=user, role=role)
    return user, one_time


def reset_password(user: User, *, actor: User) -> str:
    """Give USER a new one-time password (to be changed at next login) and return it."""
    one_time = one_time_password()
    user.set_password(one_time)
    user.must_change_password = True
    user.rotate_session()
    record("password_reset", actor=actor, target=user)
    return one_time


def update_profile(user: User, *, full_name: str, email: str | None, locale: str | None) -> None:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError(_("Escribe tu nombre."), field="full_name")
    email = (email or "").strip().lower() or None
    if email and email != user.email:
        other = find_by_login(email)
        if other is not None and other.id != user.id:
            raise DomainError(_("Ya existe otra cuenta con ese correo."), field="email")
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
