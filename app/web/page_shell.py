"""Personal pages from a shared shell: render once what every reader sees, fill in the rest.

A logged-in participant's lesson page is the same for every participant with the same
language, reading preferences and role, except for a few personal parts (their name, the CSRF
token, their progress). Templates wrap those parts in a slot: `{% call slot(name) %}...{% endcall
%}` (the body is not even rendered for a shell), or `slot(name, value)` for a value that reads
nothing of the user. The first request renders the whole page with markers in place of the slots
(the *shell*) and keeps it; every request then fills the shell's markers with that user's values,
which come from the same macros the template calls, so the page is byte for byte what a full
render gives (tests/web/test_page_shell.py compares them for several users and states).

A shell cannot leak: it is rendered for a stand-in user (`ShellUser`) that answers only what
the shell key holds (role, language, preferences) and raises `PersonalValueInShell` on
anything else (name, id, email...), and the view's personal context values (`personal=`) are
sealed the same way. A personal value read outside a slot fails the render, loudly, instead of
reaching every user of that role.

The shell key holds everything the shared part is built from: template, path and query,
language, preference classes, role, the course store's generation and the caller's extra key.
Pages with flash messages are always rendered in full. Off when PAGE_CACHE_SECONDS is 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app.web.lru import ExpiringLru

EXTENSION_KEY = "page_shells"
# What a shell may read of its user: only what the shell key holds.
SHARED_USER_ATTRIBUTES = frozenset(
    {"is_authenticated", "is_active", "is_anonymous", "role", "has_role", "locale", "preferences"}
)
_MARKER = "\x00aula-slot:{}\x00"
_MARKER_RE = re.compile("\x00aula-slot:([a-z_]+)\x00")


class PersonalValueInShell(RuntimeError):
    """A shared shell read a personal value outside `slot()`: it would reach other users."""


class ShellUser:
    """The user a shell is rendered for: what the shell key holds, and nothing personal."""

    __slots__ = ("_user",)

    def __init__(self, user) -> None:
        object.__setattr__(self, "_user", user)

    def __getattr__(self, name: str):
        if name in SHARED_USER_ATTRIBUTES:
            return getattr(self._user, name)
        raise PersonalValueInShell(
            f"the page shell read current_user.{name} outside slot(): wrap it in a slot"
        )

    def __getitem__(self, name):
        raise PersonalValueInShell(f"the page shell read current_user[{name!r}] outside slot()")

    def __repr__(self) -> str:
        return f"<ShellUser role={self._user.role!r}>"


class Sealed:
    """A view's personal value while its shell is rendered: any use of it raises."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _leak(self, *_args, **_kwargs):
        raise PersonalValueInShell(f"the page shell used {self._name!r} outside slot()")

    __getattr__ = __getitem__ = __call__ = __iter__ = __len__ = __contains__ = _leak
    __bool__ = __str__ = __html__ = __eq__ = __lt__ = __int__ = __float__ = _leak
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Sealed {self._name}>"


def slot(name: str, value=None, caller=None):
    """Template global: the slot's value, or its marker while a shell is being rendered.

    The value is VALUE, or the body of a `{% call slot(name) %}` block, which a shell never
    renders (it may read the user; see the module docstring).
    """
    if g.get("_aula_rendering_shell"):
        return Markup(_MARKER.format(name))  # noqa: S704 # nosec B704 - a fixed marker
    return caller() if caller is not None else value


def init_page_shells(app: Flask) -> None:
    app.jinja_env.globals["slot"] = slot
    seconds = app.config.get("PAGE_CACHE_SECONDS") or 0
    if seconds:
        app.extensions[EXTENSION_KEY] = ExpiringLru(
            seconds=float(seconds), max_entries=int(app.config.get("PAGE_CACHE_ENTRIES") or 2000)
        )


def render_personal_page(
    template: str,
    *,
    key: Hashable,
    generation: Hashable,
    slots: Callable[[], dict[str, str]],
    personal: dict | None = None,
    **context,
) -> str:
    """TEMPLATE for the current user: from the cached shell when possible, else in full.

    SLOTS returns the value of every slot the template declares (escaped text or markup);
    KEY adds whatever else the shared part depends on: the page's own choices (easy read) and
    the reader's preferences (the classes on <html>). PERSONAL holds the context values that
    only slots may read (sealed in the shell).
    """
    personal = personal or {}
    shells: ExpiringLru | None = current_app.extensions.get(EXTENSION_KEY)
    if shells is None or not current_user.is_authenticated or session.get("_flashes"):
        return render_template(template, **context, **personal)
    # KEY must hold what else the shared part depends on (reading preferences included).
    full_key = (
        template,
        request.path,
        request.query_string,
        str(get_locale()),
        current_user.role,
        key,
    )
    shell = shells.get(full_key, generation)
    if shell is None:
        shell = render_shell(template, context, personal)
        shells.put(full_key, generation, shell)
    values = slots()
    # Only the slots this page declared are filled; anything else that looks like one stays.
    return _MARKER_RE.sub(lambda m: str(values.get(m.group(1), m.group(0))), shell)


def render_shell(template: str, context: dict, personal: dict) -> str:
    """TEMPLATE with markers for its slots, for a stand-in user and sealed personal values."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    sealed = {name: Sealed(name) for name in personal}
    g._aula_rendering_shell = True
    g._login_user = ShellUser(user)  # what flask_login's current_user returns
    try:
        return render_template(template, **context, **sealed)
    finally:
        g._aula_rendering_shell = False
        g._login_user = user
