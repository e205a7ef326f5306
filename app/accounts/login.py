"""The login use case: throttle, check the password, record the failure and the audit event."""

from __future__ import annotations

from app.accounts import throttle
from app.accounts.models import User
from app.accounts.services import check_credentials, find_by_login
from app.audit.services import record
from app.errors import Throttled


class LoginThrottled(Throttled):
    """Too many failed logins for this account, or for unknown names from this address."""


def attempt_login(login: str, password: str, address: str) -> User | None:
    """Return the user when LOGIN and PASSWORD match; None (failure recorded) otherwise.

    Raises LoginThrottled when the account is locked or, for a name that is no account, when the
    address has tried too many. The caller commits either way (the failure must be kept).
    """
    known = find_by_login(login)
    blocked = (
        throttle.account_blocked(known.id)
        if known is not None
        else throttle.address_blocked(address)
    )
    if blocked:
        _audit("login_throttled", known, address)
        raise LoginThrottled("login_throttled")
    user = check_credentials(known, password)  # the account found above: no second lookup
    if user is None:
        throttle.record_failure(user_id=known.id if known else None, address=address)
        _audit("login_failed", known, address)
        return None
    record("login", actor=user, target=user, address=address)
    throttle.forget_old_failures()
    return user


def _audit(action: str, account: User | None, address: str) -> None:
    # The account tried (when it exists) and the address: what an investigation needs.
    if account is not None:
        record(action, target=account, address=address)
    else:
        record(action, target_type="login", address=address)
