"""Login throttling kept in the database, so it holds across processes and hosts.

Each failed login adds one row per key (the account name typed, and the client address), stored
as a keyed hash so the table never holds what people typed. A key with too many failures in the
window is refused until the window passes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

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


def is_blocked(login: str, address: str) -> bool:
    """True when the account name or the address has failed too often in the window."""
    if not current_app.config.get("LOGIN_THROTTLE_ENABLED", True):
        return False
    now = utcnow()
    for kind, value in (("account", login), ("address", address)):
        limit, window = _limits()[kind]
        failures = db.session.scalar(
            select(func.count(LoginFailure.id)).where(
                LoginFailure.key == _key(kind, value), LoginFailure.created_at > now - window
            )
        )
        if failures >= limit:
            return True
    return False


def record_failure(login: str, address: str) -> None:
    now = utcnow()
    for kind, value in (("account", login), ("address", address)):
        db.session.add(LoginFailure(key=_key(kind, value), created_at=now))


def forget_old_failures() -> int:
    """Delete failures older than the window (called now and then; keeps the table small)."""
    oldest = utcnow() - max(window for _limit, window in _limits().values())
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.created_at <= oldest))
    return result.rowcount or 0
