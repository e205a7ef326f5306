"""Web layer shared by every blueprint: sessions, language, access, headers, errors."""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from babel import support
from flask import Flask, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import format_date, format_datetime, format_time, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from wtforms.i18n import messages_path

from app.content.model import COURSE_LEVELS
from app.content.safe import content_html
from app.extensions import babel, login_manager
from app.web.access import is_public_endpoint, logged_out_handler
from app.web.compression import init_compression
from app.web.errors import register_error_handlers
from app.web.headers import set_security_headers
from app.web.nav import nav_items
from app.web.page_shell import init_page_shells
from app.web.static import init_static
from app.web.unit_of_work import init_unit_of_work
from app.web.uploads import UploadRequest
from app.web.visitor_cache import VisitorPageCache, is_marked, mark_if_cacheable

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,40}")

log = logging.getLogger("aula.web")

# Endpoints a user who must change a one-time password may still reach.
PASSWORD_CHANGE_ALLOWED = {"accounts.change_password", "accounts.logout", "static"}

# What people read for each course level (course.md `nivel:`), in the interface language.
LEVEL_NAMES = dict(
    zip(COURSE_LEVELS, (_l("Inicial"), _l("Intermedio"), _l("Avanzado")), strict=True)
)


def select_locale() -> str:
    """Pick the account's language, then the visitor's cookie, then the browser's."""
    if not has_request_context():
        return "es_CL"
    langs = _app_languages()
    if current_user.is_authenticated and current_user.locale in langs:
        locale = current_user.locale
    else:
        # The same parse as the visitor page cache's key, so the two always agree.
        locale = visitor_locale_from_headers(
            request.cookies.get("lang"), request.headers.get("Accept-Language", ""), langs
        )
    # Flask-WTF would parse WTForms' own .mo file again on every request: hand it this
    # process's copy (it looks for request.wtforms_translations first).
    request.wtforms_translations = _wtforms_translations(locale)
    return locale


@functools.lru_cache(maxsize=8)
def _wtforms_translations(locale: str):

    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def visitor_locale(cookie: str | None, accepted: LanguageAccept, langs) -> str:
    """A visitor's language: the `lang` cookie if it names one we have, else the browser's."""
    if cookie in langs:
        return cookie
    # Werkzeug matches "es-CL", "es" or "es-419" to "es_CL" and "en-GB" to "en".
    return accepted.best_match(list(langs), default="es_CL") or "es_CL"


@functools.lru_cache(maxsize=256)
def _parse_accept_language(header: str) -> LanguageAccept:
    return parse_accept_header(header, LanguageAccept)


def visitor_locale_from_headers(cookie: str | None, accept_language: str, langs) -> str:
    """visitor_locale() from raw header values: the app and the visitor page cache both use it,
    so they always agree (a very long header is cut the same way for both)."""
    return visitor_locale(cookie, _parse_accept_language(accept_language[:200]), langs)


def _app_languages():

    return current_app.config["LANGUAGES"].keys()


def html_lang() -> str:
    return str(get_locale()).replace("_", "-")


def init_web(app: Flask) -> None:
    """Wire the shared web behaviour into APP."""
    app.request_class = UploadRequest
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page itself explains why it is shown
    login_manager.session_protection = "basic"

    @app.before_request
    def assign_request_id():
        # A proxy's id is kept only when it looks like one: it goes into logs and audit rows.
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]

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
        rescue = logged_out_handler(app, request.endpoint)
        if rescue is not None and request.method == "POST":
            return rescue(**(request.view_args or {}))
        return login_manager.unauthorized()

    compress = init_compression(app, leave=is_marked)  # gzip/brotli (app/web/compression.py)

    @app.after_request
    def headers(response):
        mark_if_cacheable(
            app,
            request,
            response,
            anonymous=not current_user.is_authenticated,
            locale=lambda: str(get_locale()),
        )
        return compress(request, set_security_headers(app, response))

    @app.context_processor
    def layout_context():
        return {"html_lang": html_lang(), "nav_items": nav_items()}

    init_unit_of_work(app)  # the request owns the transaction: commit once, or roll back
    register_error_handlers(app)
    register_template_helpers(app)
    init_static(app)  # static_url(): fingerprinted /static URLs with immutable caching
    init_page_shells(app)  # slot() in templates; shells of personal pages when caching is on


def register_template_helpers(app: Flask) -> None:

    language_names = {"es": _l("Español"), "en": _l("Inglés")}

    def language_name(tag: str) -> str:
        return str(language_names.get(tag.split("-")[0].lower(), tag))

    app.jinja_env.filters["content_html"] = content_html
    install_fast_gettext(app)
    app.jinja_env.globals.update(
        level_names=LEVEL_NAMES,
        language_name=language_name,
        format_date=format_date,
        format_datetime=format_datetime,
        format_time=format_time,
    )


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


def install_visitor_cache(
    app: Flask,
    *,
    generation: Callable[[], Any],
    key_cookies: tuple[str, ...],
    versions: Iterable[str],
    normalise_cookie: Callable[[str | None], str],
) -> None:
    """Wrap the app in the visitor page cache (app.extensions["visitor_cache"]).

    What the pages depend on comes from the caller (create_app): the course store's
    generation, the cookies that change a page, the reading versions a URL may ask for.
    """
    langs = app.config["LANGUAGES"]
    cache = VisitorPageCache(
        app.wsgi_app,
        seconds=float(app.config["PAGE_CACHE_SECONDS"]),
        max_entries=int(app.config.get("PAGE_CACHE_ENTRIES") or 2000),
        private_cookies={
            app.config.get("SESSION_COOKIE_NAME") or "session",
            app.config.get("REMEMBER_COOKIE_NAME") or "remember_token",
        },
        key_cookies=("lang", *key_cookies),
        locale_of=lambda cookie, header: visitor_locale_from_headers(cookie, header, langs),
        generation=generation,
        versions=versions,
        normalise_cookie=normalise_cookie,
    )
    app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions["visitor_cache"] = cache


def _request_translations():
    """This request's catalogue, looked up once (Flask-Babel resolves it again on every call)."""
    translations = g.get("_aula_translations")
    if translations is None:
        translations = g._aula_translations = get_translations()
    return translations


def install_fast_gettext(app: Flask) -> None:
    """Templates' _()/ngettext() with the catalogue fetched once per request (same results)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
    )
