from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/coordinacion")

from app.reports import views  # noqa: E402,F401
