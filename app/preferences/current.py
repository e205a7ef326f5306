"""The reading preferences in force for this request: the account's, else the browser's."""

from __future__ import annotations

from flask import g, request
from flask_login import current_user

from app.preferences.prefs import COOKIE_NAME, VERSIONS, Preferences


def cookie_preferences() -> Preferences | None:
    return Preferences.from_cookie(request.cookies.get(COOKIE_NAME))


def account_preferences() -> Preferences | None:
    if current_user.is_authenticated and current_user.preferences is not None:
        return Preferences.from_dict(current_user.preferences)
    return None


def current_preferences() -> Preferences:
    """Once logged in the account's preferences win; visitors keep theirs in a cookie."""
    cached = g.get("_reading_preferences")
    if cached is None:
        cached = account_preferences() or cookie_preferences() or Preferences()
        g._reading_preferences = cached
    return cached


def reading_version() -> str:
    """ "facil" or "completo": ?version= for this page, else the reader's preference."""
    if easy_read_asked():
        return request.args["version"]
    return current_preferences().reading


def easy_read_asked() -> bool:
    """Whether this page's address chooses the version (?version=facil or completo)."""
    return request.args.get("version") in VERSIONS
