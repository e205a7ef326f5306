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


def when_logged_out(handler: Callable) -> Callable:
    """Mark VIEW so that a POST sent by someone no longer logged in is answered by HANDLER
    (called with the view's arguments) instead of the redirect to log in, which would throw
    away what was sent (the workshop keeps a trainer's text: app.authoring.editing)."""

    def decorator(view: Callable) -> Callable:
        view.when_logged_out = handler  # type: ignore[attr-defined]
        return view

    return decorator


def logged_out_handler(app, endpoint: str | None) -> Callable | None:
    """The handler of a POST to ENDPOINT sent without a login, if its view names one."""
    view = app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "when_logged_out", None)


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
