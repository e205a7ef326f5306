"""Personal pages from a shared shell: render once what every reader sees, fill in the rest.

A logged-in participant's lesson page is the same for every participant with the same
language, reading preferences and role, except for a few personal parts (their name, the CSRF
token, their progress). Templates wrap those parts in `slot(name, value)`. The first request
renders the whole page with markers in place of the slots (the *shell*) and keeps it; every
request then fills the shell's markers with that user's values, which come from the same
macros the template calls, so the page is byte for byte what a full render gives
(tests/web/test_page_shell.py compares them for several users and states).

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
_MARKER = "\x00aula-slot:{}\x00"
_MARKER_RE = re.compile("\x00aula-slot:([a-z_]+)\x00")


def slot(name: str, value):
    """Template global: VALUE, or the marker of slot NAME while a shell is being rendered."""
    if g.get("_aula_rendering_shell"):
        return Markup(_MARKER.format(name))  # noqa: S704 # nosec B704 - a fixed marker
    return value


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
    **context,
) -> str:
    """TEMPLATE for the current user: from the cached shell when possible, else in full.

    SLOTS returns the value of every slot the template declares (escaped text or markup);
    KEY adds whatever else the shared part depends on: the page's own choices (easy read) and
    the reader's preferences (the classes on <html>).
    """
    shells: ExpiringLru | None = current_app.extensions.get(EXTENSION_KEY)
    if shells is None or not current_user.is_authenticated or session.get("_flashes"):
        return render_template(template, **context)
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
        g._aula_rendering_shell = True
        try:
            shell = render_template(template, **context)
        finally:
            g._aula_rendering_shell = False
        shells.put(full_key, generation, shell)
    values = slots()
    # Only the slots this page declared are filled; anything else that looks like one stays.
    return _MARKER_RE.sub(lambda m: str(values.get(m.group(1), m.group(0))), shell)
