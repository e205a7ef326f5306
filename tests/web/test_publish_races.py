"""A save that answered «Guardado» is never lost, and publishes of one course are serialised
(issue 25: a save racing a publish was lost in 3 of 12 rounds, because the publish deleted the
draft row the save had just moved; 1 of 8 simultaneous publishes answered 500).

Each scenario runs on the suite's database (SQLite, or PostgreSQL in the PostgreSQL pass) and,
marked `postgres`, on a fresh PostgreSQL database of its own (TEST_POSTGRES_URL or a PostgreSQL
TEST_DATABASE_URL), so both engines are always tried.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from unittest import mock

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.authoring import services as authoring
from app.errors import DomainError
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CoursePublishEvent, CourseRevision
from tests.helpers import PASSWORD, forget_publishes, wipe_database
from tests.hosts import fresh_database
from tests.worlds import WORKSHOP_LESSON

LESSON = "01-pedir-ayuda.md"
TITLE = "Carreras en el taller"
SLUG = "carreras-en-el-taller"
BASE = f"/formacion/taller/{SLUG}"
ROUNDS = 12
PUBLISH_DELAYS = (0, 0.02, 0.05, 0.1, 0.2, 0.4)  # seconds, one per round in turn
PUBLISHERS = 8


# --- the world: an approved course, edited by two trainers -------------------------------------
def _person(username: str, role: str) -> User:
    user = User(username=username, full_name=f"Persona {username}", role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def _set_up(app) -> None:
    """An admin makes and publishes the course (approved); two trainers edit it."""
    with app.test_request_context():
        admin = _person("carreras-admin", "admin")
        authoring.create_course(
            admin,
            title=TITLE,
            summary="Un curso para probar carreras.",
            audience="Equipos",
            hours=1.0,
            level="inicial",
            licence="CC BY-SA 4.0",
            authors=["Equipo"],
        )
        ws = authoring.workspace(SLUG)
        authoring.change_files(
            admin, SLUG, ws, {**ws.files, LESSON: WORKSHOP_LESSON.encode()}, "Lección"
        )
        authoring.publish_draft(admin, SLUG, "Primera versión")  # an admin's: live at once
        for name in ("carreras-uno", "carreras-dos"):
            authoring.add_editor(admin, SLUG, _person(name, "trainer"))
        db.session.commit()


def _client(app, username: str):
    client = app.test_client()
    response = client.post("/ingresar", data={"login": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _base(client) -> str:
    html = client.get(f"{BASE}/archivo/{LESSON}").get_data(as_text=True)
    marker = 'name="base" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _text(marker: str) -> str:
    return WORKSHOP_LESSON.replace("trabajo en equipo.", f"trabajo en equipo. {marker}")


def _kept(app) -> tuple[bytes, bytes]:
    """The lesson as the draft and as the published revision hold it now."""
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        in_draft = (
            revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))[LESSON]
            if draft is not None
            else b""
        )
        published = revisions.revision_files(revisions.published_revision(SLUG))[LESSON]
        return in_draft, published


def _together(*calls: Callable[[], object]) -> list[object]:
    """Run CALLS at the same moment in threads; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


# --- the scenarios -------------------------------------------------------------------------------
def save_racing_publish(app, other) -> None:
    _set_up(app)
    one, two = _client(app, "carreras-uno"), _client(app, "carreras-dos")
    acknowledged = 0
    for n in range(ROUNDS):
        saved = one.post(
            f"{BASE}/archivo/{LESSON}", data={"text": _text(f"ronda-{n}"), "base": _base(one)}
        )
        assert saved.status_code == 302
        base = _base(two)
        marker = f"marca-{n}"
        # The publish starts a little later in some rounds: on a loaded machine the quicker
        # publish could otherwise win every round, and no save would ever be acknowledged.
        delay = PUBLISH_DELAYS[n % len(PUBLISH_DELAYS)]
        publish, save = _together(
            lambda n=n, d=delay: (
                time.sleep(d) or one.post(f"{BASE}/publicar", data={"note": f"Ronda {n}"})
            ),
            lambda b=base, m=marker: two.post(
                f"{BASE}/archivo/{LESSON}", data={"text": _text(m), "base": b}
            ),
        )
        for response in (publish, save):
            assert not isinstance(response, BaseException), response
            assert response.status_code < 500, response.get_data(as_text=True)
        if save.status_code == 302:  # «Guardado»: it must be somewhere
            acknowledged += 1
            in_draft, published = _kept(app)
            assert marker.encode() in in_draft or marker.encode() in published, n
    assert acknowledged, "no save was acknowledged: the race was never run"


def _save_lands_meanwhile(app, other, marker: str):
    """In APP: a publish request reads the draft (returned); in OTHER, a second app on the same
    database (its own session and transaction), a colleague's save lands and is acknowledged."""
    me = db.session.scalar(select(User).where(User.username == "carreras-uno"))
    ws = authoring.workspace(SLUG)
    authoring.change_files(me, SLUG, ws, {**ws.files, LESSON: _text("antes").encode()}, "x")
    db.session.commit()
    seen = authoring.workspace(SLUG)  # the publish page: what the person reviewed
    with other.test_request_context():
        colleague = db.session.scalar(select(User).where(User.username == "carreras-dos"))
        theirs = authoring.workspace(SLUG)
        authoring.save_file(colleague, theirs, LESSON, _text(marker), theirs.revision_id)
        db.session.commit()  # answered «Guardado»
    return me, seen


def save_inside_the_publish(app, other) -> None:
    """The window that lost saves, made exact: a colleague's save starts (in a thread, on OTHER,
    a second app on the same database) after the publish read the draft and before it is done.
    Either the save lands before the publish (and is published or stays the draft), or it is
    refused: an acknowledged save is never lost."""
    _set_up(app)
    with app.test_request_context():
        me = db.session.scalar(select(User).where(User.username == "carreras-uno"))
        ws = authoring.workspace(SLUG)
        authoring.change_files(me, SLUG, ws, {**ws.files, LESSON: _text("antes").encode()}, "x")
        db.session.commit()
    answers: list[object] = []

    def colleague_saves() -> None:
        try:
            with other.test_request_context():
                colleague = db.session.scalar(select(User).where(User.username == "carreras-dos"))
                theirs = authoring.workspace(SLUG)
                authoring.save_file(colleague, theirs, LESSON, _text("marca"), theirs.revision_id)
                db.session.commit()
                answers.append("Guardado")
        except DomainError as exc:
            answers.append(exc)

    real_publish = revisions.publish

    def publish_with_a_save_meanwhile(*args, **kwargs):
        saver = threading.Thread(target=colleague_saves)
        saver.start()
        saver.join(1.0)  # a save that must wait for the publish waits; one that need not, lands
        return real_publish(*args, **kwargs)

    with app.test_request_context():
        me = db.session.scalar(select(User).where(User.username == "carreras-uno"))
        with mock.patch.object(revisions, "publish", publish_with_a_save_meanwhile):
            authoring.publish_draft(me, SLUG, "Nota")
        db.session.commit()
    for _ in range(100):
        if answers:
            break
        time.sleep(0.1)
    assert answers, "the save never finished"
    if answers[0] == "Guardado":
        in_draft, published = _kept(app)
        assert b"marca" in in_draft + published


def publish_of_a_reviewed_draft_that_moved(app, other) -> None:
    """Publishing the draft the person reviewed is refused once a save moved it; the save
    stays the draft."""
    _set_up(app)
    with app.test_request_context():
        me, seen = _save_lands_meanwhile(app, other, "guardado-despues")
        with pytest.raises(DomainError, match="revisabas"):
            authoring.publish_draft(me, SLUG, "Nota", expected_revision_id=seen.revision_id)
        db.session.rollback()
    in_draft, published = _kept(app)
    assert b"guardado-despues" in in_draft and b"guardado-despues" not in published


def simultaneous_publishes(app, other) -> None:
    _set_up(app)
    clients = [_client(app, "carreras-uno") for _ in range(PUBLISHERS)]
    saved = clients[0].post(
        f"{BASE}/archivo/{LESSON}", data={"text": _text("nuevo"), "base": _base(clients[0])}
    )
    assert saved.status_code == 302
    results = _together(
        *(
            lambda c=c, i=i: c.post(f"{BASE}/publicar", data={"note": f"P{i}"})
            for i, c in enumerate(clients)
        )
    )
    for response in results:
        assert not isinstance(response, BaseException), response
    codes = sorted(r.status_code for r in results)
    assert codes == [302] + [400] * (PUBLISHERS - 1), codes
    refused = [r.get_data(as_text=True) for r in results if r.status_code == 400]
    assert all("No hay cambios sin publicar." in page for page in refused)
    with app.app_context():
        published = db.session.scalar(
            select(func.count(CoursePublishEvent.id)).where(CoursePublishEvent.course_slug == SLUG)
        )
        assert published == 2  # the first version and exactly one of the eight
        assert db.session.get(CourseDraft, SLUG) is None
    assert b"nuevo" in _kept(app)[1]


SCENARIOS = [
    save_racing_publish,
    save_inside_the_publish,
    publish_of_a_reviewed_draft_that_moved,
    simultaneous_publishes,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_on_the_suite_database(app, reader_app, scenario):
    scenario(app, reader_app)


# --- the same on PostgreSQL ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def postgres_apps(make_app):
    """Two apps on a fresh PostgreSQL database of this module's own, dropped afterwards."""
    with fresh_database("aula_races") as url:
        apps = []
        try:
            apps = [make_app(SQLALCHEMY_DATABASE_URI=url) for _ in range(2)]
            with apps[0].app_context():
                db.create_all()
            yield apps
        finally:
            for application in apps:
                with application.app_context():
                    db.session.remove()
                    db.engine.dispose()


@pytest.fixture
def clean_postgres_apps(postgres_apps):
    yield postgres_apps
    with postgres_apps[0].app_context():
        wipe_database()
    for application in postgres_apps:
        forget_publishes(application)


@pytest.mark.postgres
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_on_postgresql(clean_postgres_apps, scenario):
    scenario(*clean_postgres_apps)
