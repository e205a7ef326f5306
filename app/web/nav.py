"""The main navigation: each blueprint registers its own entries when it is registered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for
from flask_login import current_user

EXTENSION_KEY = "aula_nav"


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any  # a lazy translated string
    order: int
    visitors: bool = False  # shown to people who have not logged in
    roles: tuple[str, ...] | None = None  # logged-in roles that see it; None: every role


def register_nav(app: Flask, *items: NavItem) -> None:
    """Add ITEMS to APP's main navigation (blueprints call this from `record_once`)."""
    entries = app.extensions.setdefault(EXTENSION_KEY, [])
    entries.extend(i for i in items if i not in entries)
    entries.sort(key=lambda i: i.order)


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, label, url) of the entries the current user sees, in order."""
    return [
        (item.endpoint, str(item.label), url_for(item.endpoint))
        for item in _visible(current_app.extensions.get(EXTENSION_KEY, ()))
    ]


def _visible(items: Iterable[NavItem]) -> list[NavItem]:
    if not current_user.is_authenticated:
        return [i for i in items if i.visitors]
    role = current_user.role
    return [i for i in items if i.roles is None or role in i.roles]
