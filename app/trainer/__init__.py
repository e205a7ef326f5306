from flask import Blueprint

bp = Blueprint("trainer", __name__, url_prefix="/formacion")

from app.trainer import views  # noqa: E402,F401
