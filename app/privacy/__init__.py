from flask import Blueprint

bp = Blueprint("privacy", __name__)

from app.privacy import views  # noqa: E402,F401
