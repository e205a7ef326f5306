"""Login throttling kept in the database, so it holds across processes and hosts.

A failed login for an existing account adds one row keyed on the account (its id, so its
username and its email share one count); a failed login for a name that is no account adds one
row keyed on the client address. Keys are keyed hashes, so the table never holds what people
typed. A key with too many failures in the window is refused until the window passes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select

from app.accounts.models import LoginFailure
from app.extensions import db
from app.timeutil import utcnow


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"{kind}:{value.strip().lower()}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _limits() -> dict[str, tuple[int, timedelta]]:
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_THROTTLE_MINUTES"])
    return {
        "account": (cfg["LOGIN_THROTTLE_PER_ACCOUNT"], window),
        "address": (cfg["LOGIN_THROTTLE_PER_ADDRESS"], window),
    }


def _recent_failures(kind: str, value: str) -> int:
    """Failures of this kind of key in the window (every kind shares LOGIN_THROTTLE_MINUTES)."""
    window = timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])
    return db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.key == _key(kind, value), LoginFailure.created_at > utcnow() - window
        )
    )


def _too_many(kind: str, value: str) -> bool:
    if not current_app.config.get("LOGIN_THROTTLE_ENABLED", True):
        return False
    return _recent_failures(kind, value) >= _limits()[kind][0]


def account_blocked(user_id: int) -> bool:
    """True when this account has failed too often in the window (whatever name was typed)."""
    return _too_many("account", str(user_id))


def address_blocked(address: str) -> bool:
    """True when this address has tried too many names that are not accounts."""
    return _too_many("address", address)


def record_failure(*, user_id: int | None, address: str) -> None:
    """Count one failed login: against the account when it exists, else against the address.

    So a correct password for an account that is not itself locked always gets in, even from an
    address that many people share (a municipal office, a reverse proxy without AULA_PROXY_FIX).
    """
    if user_id is not None:
        db.session.add(LoginFailure(key=_key("account", str(user_id)), created_at=utcnow()))
    else:
        db.session.add(LoginFailure(key=_key("address", address), created_at=utcnow()))


def forget_old_failures() -> int:
    """Delete failures older than the window (called now and then; keeps the table small)."""
    oldest = utcnow() - max(window for _limit, window in _limits().values())
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.created_at <= oldest))
    return result.rowcount or 0


# --- enrolment keys --------------------------------------------------------------------------
# The same table and keyed hashes, another kind of key: wrong enrolment keys per account.


def enrolment_key_blocked(user_id: int) -> bool:
    """True when this account has typed too many wrong enrolment keys in the window."""
    limit = current_app.config["ENROLMENT_KEY_ATTEMPTS"]
    return _recent_failures("enrolment-key", str(user_id)) >= limit


def record_enrolment_key_failure(user_id: int) -> None:
    """Count one wrong enrolment key, in its own transaction: the request's may roll back."""
    with db.engine.begin() as connection:
        connection.execute(
            insert(LoginFailure).values(
                key=_key("enrolment-key", str(user_id)), created_at=utcnow()
            )
        )
