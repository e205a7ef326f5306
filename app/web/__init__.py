"""Web layer shared by every blueprint: sessions, language, access, headers, errors."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, has_request_context, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import babel, db, login_manager
from app.web.access import is_public_endpoint
from app.web.errors import register_error_handlers
from app.web.headers import set_security_headers
from app.web.static import init_static

log = logging.getLogger("aula.web")

# Endpoints a user who must change a one-time password may still reach.
PASSWORD_CHANGE_ALLOWED = {"accounts.change_password", "accounts.logout", "static"}


def select_locale() -> str:
    """Pick the account's language, then the visitor's cookie, then the browser's."""
    if not has_request_context():
        return "es_CL"
    langs = list(_app_languages())
    if current_user.is_authenticated and current_user.locale in langs:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in langs:
        return cookie
    for lang, _quality in request.accept_languages:
        if lang.lower().startswith("en"):
            return "en"
        if lang.lower().startswith("es"):
            return "es_CL"
    return "es_CL"


def _app_languages():
    from flask import current_app

    return current_app.config["LANGUAGES"].keys()


def html_lang() -> str:
    return str(get_locale()).replace("_", "-")


def init_web(app: Flask) -> None:
    """Wire the shared web behaviour into APP."""
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page itself explains why it is shown
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_key: str):
        from app.accounts.models import User

        user_id, _, token = user_key.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user

    @app.before_request
    def assign_request_id():
        g.request_id = request.headers.get("X-Request-Id", "")[:40] or uuid.uuid4().hex[:16]

    @app.before_request
    def deny_by_default():
        if current_user.is_authenticated:
            if (
                current_user.must_change_password
                and request.endpoint is not None
                and request.endpoint not in PASSWORD_CHANGE_ALLOWED
            ):
                return redirect(url_for("accounts.change_password"))
            return None
        if is_public_endpoint(app, request.endpoint):
            return None
        log.info(
            "login required endpoint=%s request_id=%s", request.endpoint, g.get("request_id", "")
        )
        return login_manager.unauthorized()

    @app.after_request
    def headers(response):
        return set_security_headers(app, response)

    @app.context_processor
    def layout_context():
        return {"html_lang": html_lang(), "nav_items": _nav_items()}

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()

    register_error_handlers(app)
    register_template_helpers(app)
    init_static(app)  # static_url(): fingerprinted /static URLs with immutable caching


def register_template_helpers(app: Flask) -> None:
    from flask_babel import format_date, format_datetime, format_time
    from flask_babel import lazy_gettext as _l

    from app.content.safe import content_html

    level_names = {
        "inicial": _l("Inicial"),
        "intermedio": _l("Intermedio"),
        "avanzado": _l("Avanzado"),
    }
    language_names = {"es": _l("Español"), "en": _l("Inglés")}

    def language_name(tag: str) -> str:
        return str(language_names.get(tag.split("-")[0].lower(), tag))

    app.jinja_env.filters["content_html"] = content_html
    app.jinja_env.globals.update(
        level_names=level_names,
        language_name=language_name,
        format_date=format_date,
        format_datetime=format_datetime,
        format_time=format_time,
    )


def _nav_items() -> list[tuple[str, str, str]]:
    """Return (endpoint, label, url) of the main navigation for the current user."""
    from flask_babel import gettext as _

    items = [("catalog.index", _("Cursos"), url_for("catalog.index"))]
    if current_user.is_authenticated:
        items.append(("learning.my_courses", _("Mis cursos"), url_for("learning.my_courses")))
        role = current_user.role
        if role in ("trainer", "admin"):
            items.append(("trainer.index", _("Formación"), url_for("trainer.index")))
        if role in ("coordinator", "admin"):
            items.append(("reports.summary", _("Coordinación"), url_for("reports.summary")))
        if role == "admin":
            items.append(("admin.index", _("Administración"), url_for("admin.index")))
        items.append(
            (
                "certificates.my_certificates",
                _("Mis certificados"),
                url_for("certificates.my_certificates"),
            )
        )
        if current_user.role in ("coordinator", "admin"):
            items.append(
                ("certificates.index", _("Certificados emitidos"), url_for("certificates.index"))
            )
    return items


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on foreign keys and WAL for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
