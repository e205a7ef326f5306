"""Security headers for every response."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_login import current_user

# Scripts, styles, media, fonts and connections fall back to default-src (CSP level 2 and 3),
# so they are not repeated: the header is sent with every answer, on slow connections too.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def csrf_field(app: Flask) -> str:
    """Where Flask-WTF keeps this request's CSRF token (on `g`) and the session's (in `session`)."""
    return app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def set_security_headers(app: Flask, response: Response) -> Response:
    h = response.headers
    h["Content-Security-Policy"] = CSP
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "same-origin"
    h["X-Frame-Options"] = "DENY"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if app.config.get("PRODUCTION"):
        h["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    # Pages for a logged-in user carry personal data, and a page with a CSRF token (a visitor's
    # login or preferences form) is tied to one session: never keep either in any cache.
    if request.endpoint != "static" and (current_user.is_authenticated or csrf_field(app) in g):
        h["Cache-Control"] = "no-store"
    h.pop("Server", None)
    return response
