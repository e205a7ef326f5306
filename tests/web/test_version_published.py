"""`version_published` is sent once per publish, after the commit, by every publish path:
`flask courses sync`, an admin's approval, a workshop publish, a rollback; never for a publish
that was rolled back (issue 22)."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from app.events import version_published
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseReview, CourseRevision
from tests.helpers import FIXTURE_COURSES, NEW_COURSE_FORM, NEW_COURSE_SLUG
from tests.worlds import WORKSHOP_LESSON

BASE = f"/formacion/taller/{NEW_COURSE_SLUG}"


@contextmanager
def sent():
    """The (course_slug, revision_id, committed?) of every version_published sent inside."""
    seen: list[tuple[str, int, bool]] = []

    def receiver(sender=None, *, course_slug: str, revision_id: int, **_kw) -> None:
        # On a connection of its own: the publish must be visible to another process already.
        with db.engine.connect() as connection:
            committed = connection.execute(
                select(CourseRevision.id).where(CourseRevision.id == revision_id)
            ).scalar()
        seen.append((course_slug, revision_id, committed is not None))

    version_published.connect(receiver)
    try:
        yield seen
    finally:
        version_published.disconnect(receiver)


def published_id(app, slug: str) -> int:
    with app.app_context():
        return revisions.published_revision(slug).id


def test_sync_sends_one_per_published_course_after_the_commit(app, runner):
    with sent() as seen:
        result = runner.invoke(args=["courses", "sync"])
        assert result.exit_code == 0, result.output
    slugs = sorted(p.name for p in FIXTURE_COURSES.iterdir() if (p / "course.md").is_file())
    with app.app_context():
        expected = {
            (s, revisions.published_revision(s).id, True)
            for s in slugs
            if revisions.published_revision(s) is not None
        }
    assert expected and set(seen) == expected and len(seen) == len(expected)
    with sent() as again:
        runner.invoke(args=["courses", "sync"])  # nothing changed: nothing published
    assert again == []


def test_a_publish_rolled_back_sends_nothing(app, runner):
    runner.invoke(args=["courses", "sync"])
    with app.app_context():
        first = revisions.published_revision("curso-prueba")
        older = CourseRevision(
            course_slug="curso-prueba", number=first.number + 1, version="000000000000"
        )
        db.session.add(older)
        db.session.flush()
        with sent() as seen:
            assert revisions.publish(older)
            db.session.rollback()
    assert seen == []


@pytest.fixture
def author(client_as, make_user):
    client = client_as(make_user("trainer", full_name="Marta Facilitadora"))
    assert client.post("/formacion/taller/nuevo", data=NEW_COURSE_FORM).status_code == 302
    response = client.post(f"{BASE}/lecciones", data={"title": "Pedir ayuda"})
    path = response.headers["Location"].rsplit("/", 1)[1]

    def save(text: str) -> None:
        html = client.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
        base = re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)
        assert (
            client.post(f"{BASE}/archivo/{path}", data={"text": text, "base": base}).status_code
            == 302
        )

    client.save = save
    save(WORKSHOP_LESSON)
    return client


def test_approval_workshop_publish_and_rollback_each_send_it(app, author, client_as, make_user):
    admin = client_as(make_user("admin"))
    with sent() as seen:
        assert author.post(f"{BASE}/publicar", data={"note": "Uno"}).status_code == 302
    assert seen == []  # a first publication waits for an admin
    with app.app_context():
        review_id = db.session.scalar(
            select(CourseReview.id).where(CourseReview.status == "pending")
        )
    with sent() as seen:
        admin.post(f"/admin/cursos/aprobaciones/{review_id}/aprobar")
    first = published_id(app, NEW_COURSE_SLUG)
    assert seen == [(NEW_COURSE_SLUG, first, True)]

    author.save(WORKSHOP_LESSON.replace("parte del trabajo", "parte esencial del trabajo"))
    with sent() as seen:
        assert author.post(f"{BASE}/publicar", data={"note": "Dos"}).status_code == 302
    second = published_id(app, NEW_COURSE_SLUG)
    assert second != first and seen == [(NEW_COURSE_SLUG, second, True)]

    with sent() as seen:
        assert author.post(f"{BASE}/versiones/1/volver").status_code == 302
    assert seen == [(NEW_COURSE_SLUG, first, True)]
