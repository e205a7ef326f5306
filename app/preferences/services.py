"""Store reading preferences on an account."""

from __future__ import annotations

from app.accounts.models import User
from app.preferences.prefs import Preferences


def save_preferences(user: User, prefs: Preferences) -> None:
    """Keep PREFS on USER's account (they then win over any browser cookie)."""
    user.preferences = prefs.to_dict()
