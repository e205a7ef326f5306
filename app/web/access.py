"""Access control: every view needs a logged-in user unless it says otherwise."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user


def public(view: Callable) -> Callable:
    """Mark VIEW as reachable without logging in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def roles_required(*roles: str) -> Callable:
    """Allow VIEW only to users with one of ROLES (403 for the others)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


def is_public_endpoint(app, endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # 404s and the like: the error handler answers
    if endpoint == "static":
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))
