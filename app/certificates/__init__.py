"""Certificates: issued on course completion, verified publicly by code."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

# services registers the completion hook that issues certificates.
from app.certificates import services, views  # noqa: E402,F401
