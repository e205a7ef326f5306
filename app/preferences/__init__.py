"""Reading preferences (text size, contrast, spacing, font, motion, easy read) and the
accessibility statement."""

from flask import Blueprint

bp = Blueprint("preferences", __name__)

from app.preferences import views  # noqa: E402,F401
