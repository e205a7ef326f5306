"""Credentials: every certificate also an Open Badges 3.0 credential, signed and checkable."""

from flask import Blueprint

bp = Blueprint("credentials", __name__, template_folder="templates")

from app.credentials import views  # noqa: E402,F401
