"""Shared fixtures: one app and database per test session, emptied after every test.

The database is a temporary SQLite file, or PostgreSQL when TEST_DATABASE_URL is set
(the test command runs the suite both ways).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from app import create_app, jobs
from app.extensions import db as _db
from tests.helpers import (
    FIXTURE_COURSES,
    PASSWORD,
    forget_publishes,
    leaked_markers,
    wipe_database,
)
from tests.worlds import build_detached_scenario, build_places, build_world

# --- Compiled message catalogues ------------------------------------------------------------
# The .po files are in git; the .mo files Flask-Babel reads are build output. Compile any that is
# missing or older than its .po before the session starts, so the tests see the current text.
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "app" / "translations"


def compile_stale_catalogues(root: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every <locale>/LC_MESSAGES/*.po under ROOT whose .mo is missing or stale."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as target:
            write_mo(target, catalog)  # fuzzy entries left out, as `pybabel compile` does
        os.replace(partial, mo)  # atomic: parallel sessions never read half a file
        compiled.append(mo)
    return compiled


def pytest_sessionstart(session):
    compile_stale_catalogues()


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def base_config(tmp_path_factory) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "LOGIN_THROTTLE_ENABLED": False,
        "COURSES_DIR": str(FIXTURE_COURSES),
        "COURSE_CACHE_DIR": str(tmp_path_factory.mktemp("course-cache")),
        "NARRATION_DIR": str(tmp_path_factory.mktemp("narration")),
        # No signing key unless a test makes one (tests/credentials): a developer's own key in
        # instance/ never signs test certificates.
        "CREDENTIAL_KEYS_FILE": str(tmp_path_factory.mktemp("credential-keys") / "keys.json"),
        # The job queue in a file of this session (no worker runs it unless a test starts one);
        # new narrations are looked up when a test asks (exact query counts).
        "JOBS_SQLITE_PATH": str(tmp_path_factory.mktemp("jobs") / "jobs.sqlite"),
        "NARRATION_CHECK_SECONDS": 0,
        # No book job per publish (tests/books turns it on where it tests it).
        "BOOKS_ON_PUBLISH": False,
        "SERVER_NAME": None,
        # Off in unit tests (test_visitor_cache.py and test_page_shell.py turn it on; so does the
        # browser app).
        "PAGE_CACHE_SECONDS": 0,
        # A fast hash keeps the suite quick; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Off in unit tests (exact query counts); tests/web/test_publish_everywhere.py turns it on.
        "COURSE_CHECK_SECONDS": 0,
    }


@pytest.fixture(scope="session")
def app(base_config):
    application = create_app(base_config)
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


_MADE_APPS: list = []


@pytest.fixture(scope="session")
def make_app(base_config, app):
    """Build another app on the same database with some settings changed."""

    def factory(**overrides):
        made = create_app({**base_config, **overrides})
        _MADE_APPS.append(made)
        return made

    return factory


@pytest.fixture(autouse=True)
def _close_made_apps_connections(request):
    """Close the pooled connections of the apps a test made (PostgreSQL allows a few hundred
    clients, and every app keeps a pool). An engine stays usable: it connects again if a later
    test uses its app (reader_app, made once). The job queue, which the last app made took
    (its settings, and the app its tasks run in), goes back to the session's app: a later test
    must not run its jobs in an app made for another one (one whose database was downgraded
    to nothing, say)."""
    yield
    if not _MADE_APPS:
        return
    while _MADE_APPS:
        made = _MADE_APPS.pop()
        with made.app_context():
            _db.session.remove()
            for engine in _db.engines.values():
                engine.dispose()
    jobs.init_jobs(request.getfixturevalue("app"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if "/tests/content/" in path:
            item.add_marker(pytest.mark.nodb)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty the database after each test that used it (browser modules clean up per module)."""
    yield
    if request.node.get_closest_marker("browser") or "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        wipe_database()
    forget_publishes(application)


@pytest.fixture(scope="session")
def reader_app(make_app):
    """A second app on the same database, for the test's own reads and writes.

    Requests made through `client` push their own app context; if the test held one of the
    same app, Flask would reuse it, and per-context state (the logged-in user on `g`, the
    database session) would leak from one request to the next.
    """
    return make_app()


@pytest.fixture
def ctx(reader_app):
    with reader_app.app_context():
        yield
        _db.session.remove()


@pytest.fixture
def db(ctx):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    from app.accounts.models import User

    counter = {"n": 0}

    def factory(role: str = "participant", password: str = PASSWORD, **kwargs) -> User:
        counter["n"] += 1
        with app.app_context():
            username = kwargs.pop("username", f"{role}{counter['n']}")
            user = User(
                username=username,
                full_name=kwargs.pop("full_name", f"Persona {role.title()} {counter['n']}"),
                role=role,
                **kwargs,
            )
            user.set_password(password)
            _db.session.add(user)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def make_municipality(app):
    from app.orgs.services import ensure_municipality

    def factory(slug: str = "monte-patria", name: str = "Monte Patria"):
        with app.app_context():
            m = ensure_municipality(slug, name, "Coquimbo")
            _db.session.commit()
            _db.session.refresh(m)
            _db.session.expunge(m)
            return m

    return factory


@pytest.fixture
def make_group(app, make_municipality):
    from app.orgs.models import Municipality
    from app.orgs.services import ensure_group

    def factory(municipality=None, name: str = "Grupo de prueba", kind: str = "pre_associative"):
        municipality = municipality or make_municipality()
        with app.app_context():
            m = _db.session.get(Municipality, municipality.id)
            g = ensure_group(m, name, kind)
            _db.session.commit()
            _db.session.refresh(g)
            _db.session.expunge(g)
            return g

    return factory


def _log_in(client, user, password: str = PASSWORD, follow: bool = False):
    """Log CLIENT in as USER (an account or a username) through the real login form."""
    return client.post(
        "/ingresar",
        data={"login": getattr(user, "username", user), "password": password},
        follow_redirects=follow,
    )


@pytest.fixture
def login_as():
    """login_as(client, user_or_username, password=PASSWORD, follow=False): log in by the form."""
    return _log_in


@pytest.fixture
def client_as(app, login_as):
    """client_as(user, application=app): a new test client of APPLICATION logged in as USER."""

    def open_client(user, application=None, password: str = PASSWORD):
        client = (application or app).test_client()
        login_as(client, user, password)
        return client

    return open_client


# --- Worlds (tests/worlds.py) ----------------------------------------------------------------


@pytest.fixture
def world(app):
    """Monte Patria (A) and Quillota (B) with staff, a group and a participant each; an admin."""
    return build_world(app)


@pytest.fixture
def scenario(app):
    """One account of each role in Monte Patria with some history (users detached)."""
    return build_detached_scenario(app)


@pytest.fixture
def places(app):
    """Monte Patria with "Sabores del Limarí", Quillota with "Aseo y Jardines" (detached)."""
    with app.app_context():
        mp, mp_group, qu, qu_group = build_places()
        _db.session.commit()
        built = {"mp": mp, "qu": qu, "mp_group": mp_group, "qu_group": qu_group}
        for row in built.values():
            _db.session.refresh(row)
            _db.session.expunge(row)
    return built


# --- Logs must never hold secrets -------------------------------------------------------------
# Every log record of the whole run is kept; at the end the run fails if one contains a marker
# value (tests/helpers.py LOG_MARKERS): a password, a quiz answer, a disability declaration or a
# session cookie used in tests.


class _KeepAll(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # noqa: BLE001 - a badly formatted record is not our concern here
            self.lines.append(str(record.msg))


_LOG_KEEPER = _KeepAll()


def pytest_configure(config):
    root = logging.getLogger()
    root.addHandler(_LOG_KEEPER)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def pytest_sessionfinish(session, exitstatus):
    leaks = leaked_markers(_LOG_KEEPER.lines)
    if leaks:
        print("\nLOG LEAK: log records contain secret marker values:")
        for line in leaks[:20]:
            print("   ", line[:300])
        session.exitstatus = 1
    elif _LOG_KEEPER.lines:
        print(f"\nlog scan: {len(_LOG_KEEPER.lines)} log records, no secret marker values")
