"""The page states that narration adds (issue 22), in Chromium: the workshop's progress line and
its list of failed narrations, and the course and whole-course pages offering every lesson's
audio as one .zip, and a lesson and a course download whose audio is on its way. axe finds
nothing and nothing scrolls sideways at 320 px (and the HTML checker finds nothing in the
on-its-way states)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete

from app.content.narration import all_readings
from app.course_store import get_course
from app.extensions import db
from app.narration import services as narration
from app.narration.models import LessonNarration
from app.revisions import services as revisions
from app.revisions.models import CourseBlob
from tests.browser.axe import axe_and_reflow
from tests.browser.html_checker import html_errors, save_page
from tests.helpers import FIXTURE_COURSES

COURSE = "curso-prueba"
AUDIO = b"ID3" + bytes(2048)


@pytest.fixture(scope="module")
def narrated(browser_app, scenario):
    """curso-prueba published, every reading narrated except one that failed."""
    digest = hashlib.sha256(AUDIO).hexdigest()
    with browser_app.app_context():
        revision, _created = revisions.record_folder(FIXTURE_COURSES / COURSE)
        revisions.publish(revision)
        db.session.commit()
        course = get_course(COURSE)
        readings = [
            r
            for r in all_readings(course, narration.voice(), narration.words_per_minute())
            if r.key
        ]
        if db.session.get(CourseBlob, digest) is None:
            db.session.add(CourseBlob(sha256=digest, size=len(AUDIO), data=AUDIO))
            db.session.flush()
        for r in readings:
            failed = r.lesson.number == 3
            db.session.add(
                LessonNarration(
                    key=r.key,
                    voice=narration.voice(),
                    status="failed" if failed else "done",
                    blob_sha256=None if failed else digest,
                    mimetype="" if failed else "audio/mpeg",
                    size=0 if failed else len(AUDIO),
                    attempts=3 if failed else 1,
                    error="CalledProcessError: espeak-ng" if failed else "",
                )
            )
        db.session.commit()
        narration.refresh_index()
    yield [r.key for r in readings]
    with browser_app.app_context():
        db.session.execute(delete(LessonNarration))
        db.session.commit()
        narration.refresh_index()


def _checked(page, url: str) -> None:
    """URL answers 200 and passes axe and the 320 px reflow (tests/browser/axe.py)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    failures = axe_and_reflow(page, url)
    assert not failures, "\n".join(failures)


def test_workshop_progress_and_failures_pass_axe_and_reflow(role_contexts, narrated):
    page = role_contexts["admin"].new_page()
    try:
        _checked(page, f"/formacion/taller/{COURSE}/")
        assert "Narración: 2 de 3 lecciones listas." in page.inner_text("#narracion")
        assert "Prueba final" in page.inner_text("#narracion-fallida")
    finally:
        page.close()


def test_the_lesson_audio_downloads_pass_axe_and_reflow(browser_app, role_contexts, narrated):
    with browser_app.app_context():
        db.session.execute(
            LessonNarration.__table__.update().values(
                status="done",
                blob_sha256=hashlib.sha256(AUDIO).hexdigest(),
                mimetype="audio/mpeg",
                size=len(AUDIO),
            )
        )
        db.session.commit()
        narration.refresh_index()
    page = role_contexts["participant"].new_page()
    try:
        for url in (f"/cursos/{COURSE}/", f"/cursos/{COURSE}/completo"):
            _checked(page, url)
            links = page.locator(".audio-downloads a")
            assert links.count() == 2, url
            assert links.first.inner_text().startswith("Descargar el audio de las lecciones (")
    finally:
        page.close()


def test_a_lesson_whose_audio_is_on_its_way_passes_axe_reflow_and_the_html_checker(
    browser_app, role_contexts, narrated, tmp_path
):
    with browser_app.app_context():
        db.session.execute(
            LessonNarration.__table__.update().values(
                status="pending", blob_sha256=None, mimetype="", size=0
            )
        )
        db.session.commit()
        narration.refresh_index()
    page = role_contexts["participant"].new_page()
    try:
        url = f"/cursos/{COURSE}/02-trabajo-en-equipo"
        _checked(page, url)
        note = page.locator("section.listen")
        assert "se está preparando" in note.inner_text()
        assert page.locator("audio").count() == 0
        # The course page says the lessons' audio download is on its way too.
        _checked(page, f"/cursos/{COURSE}/")
        assert page.locator("#audio-en-camino").is_visible()
        assert page.locator(".audio-downloads a").count() == 0
        # Both states as the server sent them, for the HTML checker.
        context = role_contexts["participant"]
        sent = [
            save_page(context, url, tmp_path / "audio-en-camino.html"),
            save_page(context, f"/cursos/{COURSE}/", tmp_path / "descarga-en-camino.html"),
        ]
    finally:
        page.close()
    errors = html_errors(sent)
    assert not errors, "\n".join(errors)
