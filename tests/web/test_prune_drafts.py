"""Pruning of draft revisions (issue 25 and the workshop issue 21): draft revisions never
published and older than COURSE_DRAFT_KEEP_DAYS go, with the blobs no revision uses any more
and their parsed-course pickles; published, current-draft and referenced revisions stay.
Discarding a draft prunes its saves at once (before, every revision stayed)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import (
    CourseBlob,
    CourseDraft,
    CourseReview,
    CourseRevision,
    CourseRevisionFile,
)
from app.timeutil import utcnow
from tests.helpers import NEW_COURSE_FORM, NEW_COURSE_SLUG

SLUG = "curso-podado"
NEW = NEW_COURSE_FORM
WEB_SLUG = NEW_COURSE_SLUG
BASE = f"/formacion/taller/{WEB_SLUG}"


def _course(n: int, extra: bytes = b"") -> dict[str, bytes]:
    files = {"course.md": f"---\ntitulo: Curso {n}\n---\n\nTexto {n}.\n".encode()}
    if extra:
        files["media/guia.pdf"] = extra
    return files


def _revision(files, parent=None, days_old: int = 60) -> CourseRevision:
    revision, created = revisions.record_files(SLUG, files)
    assert created
    revision.parent_id = parent.id if parent is not None else None
    revision.created_at = utcnow() - timedelta(days=days_old)
    db.session.flush()
    return revision


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ids() -> set[int]:
    return set(db.session.scalars(select(CourseRevision.id)))


def test_old_unpublished_revisions_and_their_blobs_go_the_rest_stays(app, ctx, make_user):
    reviewer = make_user("trainer")
    published = _revision(_course(1))
    revisions.publish(published)
    only_r2 = b"%PDF-1.7 solo de la version 2"
    r2 = _revision(_course(2, only_r2), published)  # old, never published: goes
    r3 = _revision(_course(3), r2)  # named by a review: stays
    db.session.add(
        CourseReview(
            course_slug=SLUG,
            revision_id=r3.id,
            base_revision_id=published.id,
            status="returned",
            requested_by_id=reviewer.id,
        )
    )
    only_r4 = b"%PDF-1.7 solo de la version 4"
    r4 = _revision(_course(4, only_r4), r3)  # old, never published: goes
    shared = _course(5)["course.md"]
    current = _revision({**_course(5), "01-a.md": b"x\n"}, r4)  # the draft: stays
    db.session.add(CourseDraft(course_slug=SLUG, revision_id=current.id, base_revision_id=None))
    recent = _revision(_course(6), current, days_old=1)  # younger than the age: stays
    db.session.commit()
    gone = sorted([(SLUG, r2.number), (SLUG, r4.number)])
    r2_id, r4_id = r2.id, r4.id
    kept = {published.id, r3.id, current.id, recent.id}
    ids = {"published": published.id, "r3": r3.id, "current": current.id, "recent": recent.id}

    pruned = revisions.prune_drafts(older_than=timedelta(days=30))
    db.session.commit()

    assert sorted(pruned.revisions) == gone
    assert _ids() == kept
    # Children of a deleted revision now point to its nearest kept ancestor.
    parents = dict(db.session.execute(select(CourseRevision.id, CourseRevision.parent_id)).all())
    assert parents[ids["r3"]] == ids["published"]
    assert parents[ids["current"]] == ids["r3"]
    assert parents[ids["recent"]] == ids["current"]
    # Blobs: those only the deleted revisions used are gone, shared ones stay.
    stored = set(db.session.scalars(select(CourseBlob.sha256)))
    assert _sha(only_r2) not in stored and _sha(only_r4) not in stored
    assert _sha(shared) in stored
    assert pruned.blobs >= 4  # the two PDFs and the two course.md of versions 2 and 4
    assert pruned.bytes_freed >= len(only_r2) + len(only_r4)
    orphans = db.session.scalar(
        select(CourseRevisionFile.revision_id).where(
            CourseRevisionFile.revision_id.in_([r2_id, r4_id])
        )
    )
    assert orphans is None
    # A second run finds nothing.
    again = revisions.prune_drafts(older_than=timedelta(days=30))
    assert again.revisions == () and again.blobs == 0


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", full_name="Marta Facilitadora")


@pytest.fixture
def author(app, client_as, trainer):
    """A trainer's course, published once by an admin, with two saves in its draft."""
    client = client_as(trainer)
    assert client.post("/formacion/taller/nuevo", data=NEW).status_code == 302
    with app.app_context():
        first = db.session.scalar(select(CourseRevision).where(CourseRevision.number == 1))
        revisions.publish(first, actor=db.session.get(User, trainer.id))
        revisions.drop_draft(WEB_SLUG, first.id)
        db.session.commit()
    for n in (1, 2):
        page = client.get(f"{BASE}/archivo/course.md").get_data(as_text=True)
        base = re.search(r'name="base" type="hidden" value="(\d+)"', page).group(1)
        text = page.split('name="text"')[1].split(">", 1)[1].split("</textarea>")[0]
        saved = client.post(
            f"{BASE}/archivo/course.md",
            data={"text": unescape(text) + f"\nCambio {n}: algo único {n}.\n", "base": base},
        )
        assert saved.status_code == 302, saved.get_data(as_text=True)[:300]
    return client


def test_discarding_a_draft_prunes_its_saves_at_once(app, author):
    with app.app_context():
        numbers = set(db.session.scalars(select(CourseRevision.number)))
        assert numbers == {1, 2, 3}
        draft_blob = db.session.scalar(
            select(CourseRevisionFile.blob_sha256).where(
                CourseRevisionFile.revision_id
                == db.session.scalar(select(CourseRevision.id).where(CourseRevision.number == 3))
            )
        )
    response = author.post(f"{BASE}/descartar")
    assert response.status_code == 302
    with app.app_context():
        assert set(db.session.scalars(select(CourseRevision.number))) == {1}
        assert db.session.get(CourseDraft, WEB_SLUG) is None
        assert db.session.get(CourseBlob, draft_blob) is None
        assert revisions.published_revision(WEB_SLUG).number == 1
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "Cambio 2" not in page


def test_flask_courses_prune_reports_and_prunes_old_pickles(app, author, runner):
    cache = Path(app.config["COURSE_CACHE_DIR"])
    with app.app_context():
        rows = dict(db.session.execute(select(CourseRevision.number, CourseRevision.version)).all())
        db.session.execute(
            update(CourseRevision)
            .where(CourseRevision.number == 2)
            .values(created_at=utcnow() - timedelta(days=40))
        )
        db.session.commit()
    pickles = {n: cache / f"{WEB_SLUG}-{v}.pickle" for n, v in rows.items()}
    assert pickles[2].is_file() and pickles[3].is_file()
    result = runner.invoke(args=["courses", "prune"])
    assert result.exit_code == 0, result.output
    assert f"{WEB_SLUG}: borrada la versión 2 (borrador nunca publicado)" in result.output
    assert "Versiones borradas: 1 (de más de 30 días)." in result.output
    assert "Datos borrados: 1 (" in result.output
    # Pickles of versions no longer stored (here, other tests' too) are deleted.
    assert re.search(r"Caché: [1-9]\d* archivos \([\d.]+ bytes\)\.", result.output)
    with app.app_context():
        assert set(db.session.scalars(select(CourseRevision.number))) == {1, 3}
    assert not pickles[2].exists()
    assert pickles[3].is_file()  # the draft in use
    again = runner.invoke(args=["courses", "prune", "--days", "0"])
    assert "Versiones borradas: 0 (de más de 0 días)." in again.output


def test_a_draft_with_errors_is_checked_once_for_every_worker_and_pruned_with_its_version(
    tmp_path, monkeypatch
):
    """The check of a draft that does not load is kept in the cache directory too: a second
    worker (another store on the same directory) shows its problems without checking again
    (before, each worker checked it again: seconds for a course at the budget). The prune
    deletes it once its version is no longer stored."""
    from app.content import store as store_module
    from app.content.store import CourseStore

    files = {"course.md": b"---\ntitulo: Sin nivel\n---\n\nHola.\n"}
    first = CourseStore(tmp_path / "courses", tmp_path / "cache")
    course, problems = first.load_files("con-errores", files, "abc123def456")
    assert course is None and any(p.severity == "error" for p in problems)

    def no_check(*args, **kwargs):
        raise AssertionError("the draft was checked again")

    monkeypatch.setattr(store_module, "load_course_files", no_check)
    monkeypatch.setattr(store_module, "load_course_files_bounded", no_check)
    second = CourseStore(tmp_path / "courses", tmp_path / "cache")
    course2, problems2 = second.load_files("con-errores", files, "abc123def456")
    assert course2 is None and problems2 == problems

    assert second.prune_cache({("con-errores", "abc123def456")}) == (0, 0)
    files_deleted, _bytes = second.prune_cache(set())
    assert files_deleted == 1
    assert not list((tmp_path / "cache").glob("*.pickle"))
