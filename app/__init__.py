"""Aula REFICOOP: accessible courses for inclusive cooperative incubators."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import completion, extensions, models  # noqa: F401 - models registers every table
from app.accounts import bp as accounts_bp
from app.admin import bp as admin_bp
from app.authoring import bp as authoring_bp
from app.authoring.editing import connect as connect_kept_texts
from app.books import bp as books_bp
from app.books.tasks import connect as connect_books
from app.catalog import bp as catalog_bp
from app.certificates import bp as certificates_bp
from app.certificates.services import connect as connect_certificates
from app.cli import register_cli
from app.config import DEFAULT_SECRET_KEY, Config, load_environment
from app.course_store import course_store_generation, init_courses
from app.credentials import bp as credentials_bp
from app.credentials.cli import register as register_credentials_cli
from app.credentials.services import connect as connect_credentials
from app.jobs import init_jobs
from app.learning import bp as learning_bp
from app.narration.services import init_narration
from app.narration.tasks import connect as connect_narration
from app.preferences import bp as preferences_bp
from app.preferences.prefs import COOKIE_NAME as PREFERENCES_COOKIE
from app.preferences.prefs import VERSIONS, normalised_preferences_cookie
from app.privacy import bp as privacy_bp
from app.quizzes import bp as quizzes_bp
from app.reports import bp as reports_bp
from app.revisions.services import send_published_after_commit
from app.trainer import bp as trainer_bp
from app.web import init_web, install_visitor_cache

BLUEPRINTS = (
    accounts_bp,
    authoring_bp,
    catalog_bp,
    certificates_bp,
    credentials_bp,
    learning_bp,
    quizzes_bp,
    admin_bp,
    trainer_bp,
    reports_bp,
    privacy_bp,
    preferences_bp,
    books_bp,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY_LENGTH = 32


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI."""
    # AULA_INSTANCE_PATH: another instance folder (settings, SQLite file, caches), e.g. one per
    # host or per test server.
    instance = os.environ.get("AULA_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(instance) if instance else None,
    )
    app.config.from_object(Config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        load_environment(app.config)
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _finish_config(app)

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, render_as_batch=True)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    init_web(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    completion.connect(app)  # lesson done / quiz graded -> course complete
    connect_certificates()  # course complete -> certificate
    connect_credentials()  # certificate issued -> signed Open Badges credential
    connect_kept_texts(app)  # after a login: the workshop's unsaved texts
    init_courses(app)
    init_jobs(app)  # the job queue (SQLite in the instance folder, or Redis)
    init_narration(app)
    connect_narration()  # version published -> narrate its lessons
    connect_books()  # version published -> build its talking books (EPUB with audio)
    send_published_after_commit()  # revisions.publish -> version_published, once committed
    register_cli(app)
    register_credentials_cli(app)
    if app.config.get("PAGE_CACHE_SECONDS"):
        install_visitor_cache(
            app,
            generation=lambda: course_store_generation(app),
            key_cookies=(PREFERENCES_COOKIE,),
            versions=VERSIONS,
            normalise_cookie=normalised_preferences_cookie,
        )
    if app.config.get("PROXY_FIX"):
        # Behind one reverse proxy: take the client address and scheme from its headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def _finish_config(app: Flask) -> None:
    cfg = app.config
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "aula.sqlite"
        )
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql+psycopg://" + uri[len("postgres://") :]
    elif uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    cfg["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # Several requests and threads share one file: wait for locks instead of failing.
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": 30, "check_same_thread": False},
            **cfg.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        }
    else:
        cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            **cfg.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        }
    cfg.setdefault("COURSES_DIR", None)
    if not cfg.get("COURSES_DIR"):
        cfg["COURSES_DIR"] = str(PROJECT_ROOT / "courses")
    if not cfg.get("NARRATION_DIR"):
        cfg["NARRATION_DIR"] = os.path.join(app.instance_path, "narration")
    if not cfg.get("COURSE_CACHE_DIR"):
        cfg["COURSE_CACHE_DIR"] = os.path.join(app.instance_path, "course-cache")
    hosts = cfg.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):  # AULA_TRUSTED_HOSTS="aula.example.cl,www.aula.example.cl"
        cfg["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
    if cfg.get("PRODUCTION") and not cfg.get("TRUSTED_HOSTS") and cfg.get("PUBLIC_BASE_URL"):
        # The public address is the one host this site answers to (Host header checked).
        cfg["TRUSTED_HOSTS"] = [urlsplit(cfg["PUBLIC_BASE_URL"]).hostname]
    if cfg.get("PRODUCTION"):
        secret = cfg.get("SECRET_KEY") or ""
        if secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                "SECRET_KEY is missing, too short or the development default: set SECRET_KEY "
                f"(or AULA_SECRET_KEY) to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters before starting in production, e.g. "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
            )
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True
        cfg["DEBUG"] = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for noisy in ("alembic", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
