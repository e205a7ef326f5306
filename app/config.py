"""Default configuration; instance/config.py and AULA_* environment variables override it."""

import os

DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - refused in production by create_app


class Config:
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # set in create_app: DATABASE_URL or instance/aula.sqlite
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    COURSES_DIR = None  # default: <project>/courses
    COURSE_CACHE_DIR = None  # default: <instance>/course-cache
    COURSE_RELOAD_SECONDS = 0  # >0: re-check course files at most this often (development)
    BABEL_DEFAULT_LOCALE = "es_CL"
    BABEL_DEFAULT_TIMEZONE = "America/Santiago"
    LANGUAGES = {"es_CL": "Español", "en": "English"}
    WTF_CSRF_TIME_LIMIT = None  # no time limits anywhere (WCAG 2.2.1); the token is session-bound
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ADDRESS = "20 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"
    PRODUCTION = False
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024


ENV_PREFIX = "AULA_"


def env_overrides() -> dict:
    """Read AULA_* variables (and DATABASE_URL, SECRET_KEY) from the environment."""
    out: dict = {}
    for key, value in os.environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :]
            out[name] = _coerce(value)
    if os.environ.get("DATABASE_URL"):
        out["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        out["SECRET_KEY"] = os.environ["SECRET_KEY"]
    return out


def _coerce(value: str):
    low = value.lower()
    if low in {"true", "1", "yes", "on"}:
        return True
    if low in {"false", "0", "no", "off"}:
        return False
    try:
        return int(value)
    except ValueError:
        return value
