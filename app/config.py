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
    # How often each process looks whether courses were published by another process (seconds;
    # one small query on its own connection; 0 turns it off).
    COURSE_CHECK_SECONDS = 1.0
    # A course saved in the workshop is checked in a child process stopped after this many
    # seconds (the check of any allowed course takes well under one; 0 checks in-process).
    COURSE_CHECK_TIMEOUT = 10.0
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
    # Failed logins allowed per window, counted in the database (holds across processes).
    LOGIN_THROTTLE_ENABLED = True
    LOGIN_THROTTLE_PER_ACCOUNT = 5
    LOGIN_THROTTLE_PER_ADDRESS = 20
    LOGIN_THROTTLE_MINUTES = 10
    # Wrong enrolment keys allowed per account in the same window (a key is a short word).
    ENROLMENT_KEY_ATTEMPTS = 5
    # Public certificate verification (/verificar): requests per client address.
    CERTIFICATE_VERIFY_LIMIT = "60 per minute"
    # The workshop's «Intentar de nuevo lo que falló», per person (app/authoring/retry_views.py).
    AUDIO_RETRY_LIMIT = "6 per hour"
    # Optional "https://aula.example.cl": the base of the verification address printed in
    # certificates and their QR codes; unset = the address the request came to (url_for).
    PUBLIC_BASE_URL = None
    # Open Badges credentials (app/credentials): the signing key file, outside the database
    # (default <instance>/credential-keys.json; made by `flask credentials create-key`), and the
    # issuer's DID method: "web" (did:web of PUBLIC_BASE_URL) or "key" (did:key, in tests).
    CREDENTIAL_KEYS_FILE = None
    CREDENTIAL_DID_METHOD = "web"
    # Accessibility statement: where to report a barrier (shown on /accesibilidad).
    CONTACT_EMAIL = "accesibilidad@reficoop.cl"
    # The job queue (app/jobs.py): SQLite at JOBS_SQLITE_PATH (default <instance>/jobs.sqlite),
    # or Redis when REDIS_URL is set (several hosts); JOBS_IMMEDIATE runs jobs in the caller.
    REDIS_URL = None
    JOBS_SQLITE_PATH = None
    JOBS_IMMEDIATE = False
    # Lesson narration, made by the job worker when a version is published (espeak-ng; MP3
    # when lame is installed, else WAV) and stored in the database; NARRATION_DIR (default
    # <instance>/narration) is only this host's cache of it. A failed narration is tried
    # NARRATION_ATTEMPTS times, NARRATION_RETRY_SECONDS apart. Each process looks for new
    # narrations at most every NARRATION_CHECK_SECONDS (0: only its own).
    NARRATION_DIR = None
    NARRATION_VOICE = "es-419"
    NARRATION_WORDS_PER_MINUTE = 150
    NARRATION_MP3 = True
    NARRATION_ON_PUBLISH = True
    NARRATION_ATTEMPTS = 3
    NARRATION_RETRY_SECONDS = 60
    NARRATION_CHECK_SECONDS = 10
    # The talking books (EPUB 3 with audio, app/books) of a version are built by the job worker
    # when it is published; False leaves that to `flask courses books`.
    BOOKS_ON_PUBLISH = True
    # Rendered pages kept in each worker's memory for this many seconds at most (0 = off), up to
    # PAGE_CACHE_ENTRIES per cache: whole pages of visitors without an account (lessons, courses,
    # catalogue; app/web/visitor_cache.py) and the shared part of a participant's lesson page
    # (app/web/page_shell.py). A course edit is picked up at once; new narration within this time.
    PAGE_CACHE_SECONDS = 60
    PAGE_CACHE_ENTRIES = 2000
    PRODUCTION = False
    # Host names this site answers to (Flask checks the Host header: 400 otherwise); a list, or
    # AULA_TRUSTED_HOSTS="a.cl,b.cl". In production it defaults to PUBLIC_BASE_URL's host.
    TRUSTED_HOSTS = None
    PROXY_FIX = False  # true behind one reverse proxy (nginx): trust X-Forwarded-For/-Proto
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - an algorithm name, not a secret; tests use a fast one; never change it in production
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # Course media and whole courses (.zip) uploaded in the workshop (app.web.uploads).
    UPLOAD_MAX_BYTES = 110 * 1024 * 1024
    # Storage budgets of the workshop (app.authoring.budgets; issue 25: a 47 kB zip of 40 lessons
    # of 1 MB added 41 MB to the database). A save, upload, zip or copy that would pass one is
    # refused before anything is written. The largest shipped course (cooperativa-en-marcha) has
    # 109 kB of text and no media; the largest lesson 18,000 characters.
    # Text (Markdown and other non-media files) of one revision of a course: 2 MB is 18 times the
    # largest shipped course, or 33 lessons at the 60,000-character limit (app.content.limits).
    COURSE_TEXT_BUDGET = 2 * 1024 * 1024
    # Media (images, audio, video, captions, PDF) of one revision: room for a 10-minute 720p video
    # (~80 MB), an hour of narration per lesson of a 3-lesson course and photos; no shipped
    # course has media yet. Every byte is stored in the database (and copied in each backup).
    COURSE_MEDIA_BUDGET = 200 * 1024 * 1024
    # Per trainer: the bytes of the blobs their own revisions added (distinct, not counting what
    # other revisions already stored): two courses at the media budget and room for drafts.
    TRAINER_STORAGE_BUDGET = 500 * 1024 * 1024
    # Admins import the shipped courses, restore and fix others' courses: they have no budget of
    # their own (None); the course budgets still apply to them.
    ADMIN_STORAGE_BUDGET = None
    # Draft revisions never published are deleted after this many days by `flask courses prune`
    # (and at once when a draft is discarded); published and referenced revisions are kept.
    COURSE_DRAFT_KEEP_DAYS = 30
    # Text typed in the workshop but not saved (autosave, or a save refused because the session
    # ended) is offered back for this many days (app.authoring.kept); a signed edit form lets a
    # save sent after the session ended be kept for its author for KEPT_TEXT_FORM_HOURS.
    KEPT_TEXT_DAYS = 14
    KEPT_TEXT_FORM_HOURS = 72


ENV_PREFIX = "AULA"


def load_environment(config) -> None:
    """AULA_<NAME> variables override settings (Flask's from_prefixed_env: values are read as
    JSON when they parse, so `true`, `2` and `["a"]` are a bool, a number and a list, and
    anything else is text); DATABASE_URL, REDIS_URL and SECRET_KEY are read under their usual
    names."""
    config.from_prefixed_env(ENV_PREFIX)
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = os.environ["REDIS_URL"]
    if os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["SECRET_KEY"]
