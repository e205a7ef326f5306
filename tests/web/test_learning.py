"""Catalogue, course page, enrolment, lessons, progress and "Mis cursos"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.course_store import get_store
from app.learning.models import Enrollment, LessonProgress
from tests.helpers import FIXTURE_COURSES, count

COURSE = "curso-prueba"
L1, L2, L3 = "01-que-es-una-cooperativa", "02-trabajo-en-equipo", "03-prueba-final"


def test_catalogue_lists_published_courses(client):
    html = client.get("/cursos/").get_data(as_text=True)
    assert "Curso de prueba" in html
    assert f'href="/cursos/{COURSE}/"' in html
    assert "3</dd>" in html  # number of lessons


def test_course_page_for_a_visitor(client):
    html = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "<h1>Curso de prueba</h1>" in html
    assert "Ingresar para inscribirme" in html
    assert html.count('class="outline-item') == 3
    assert "con lectura fácil" in html
    assert "Completada" not in html


def test_enrol_records_the_course_version_and_is_idempotent(client, make_user, ctx, app, login_as):
    user = make_user()
    login_as(client, user)
    first = client.post(f"/cursos/{COURSE}/inscripcion")
    assert first.status_code == 302
    assert first.headers["Location"].endswith(f"/cursos/{COURSE}/{L1}")
    client.post(f"/cursos/{COURSE}/inscripcion")
    enrollments = list(ctx_scalars(select(Enrollment).where(Enrollment.user_id == user.id)))
    assert len(enrollments) == 1
    with app.app_context():
        from app.course_store import get_store

        version = get_store().get(COURSE).version
    assert enrollments[0].course_version == version
    assert enrollments[0].status == "active"


def ctx_scalars(statement):
    from app.extensions import db

    return db.session.scalars(statement)


def _copy_fixture(tmp_path: Path, edit=None) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / COURSE, root / COURSE)
    if edit:
        course_md = root / COURSE / "course.md"
        course_md.write_text(edit(course_md.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_enrolment_key(make_app, make_user, tmp_path, ctx, login_as):
    root = _copy_fixture(
        tmp_path,
        lambda text: text.replace(
            "estado: publicado", "estado: publicado\nclave_inscripcion: limon-27"
        ),
    )
    keyed = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    client = keyed.test_client()
    user = make_user()
    login_as(client, user)
    page = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert 'id="key"' in page
    wrong = client.post(f"/cursos/{COURSE}/inscripcion", data={"key": "naranja"})
    assert wrong.status_code == 400
    html = wrong.get_data(as_text=True)
    assert "La clave de inscripción no es correcta" in html
    assert 'value="naranja"' in html
    assert count(Enrollment) == 0
    right = client.post(f"/cursos/{COURSE}/inscripcion", data={"key": " limon-27 "})
    assert right.status_code == 302
    assert count(Enrollment, Enrollment.user_id == user.id) == 1


def test_draft_courses_are_not_published(make_app, tmp_path):
    root = _copy_fixture(tmp_path, lambda t: t.replace("estado: publicado", "estado: borrador"))
    drafts = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    client = drafts.test_client()
    assert "Curso de prueba" not in client.get("/cursos/").get_data(as_text=True)
    assert client.get(f"/cursos/{COURSE}/").status_code == 404
    assert client.get(f"/cursos/{COURSE}/{L1}").status_code == 404


def test_lesson_page_for_a_visitor(client):
    html = client.get(f"/cursos/{COURSE}/{L1}").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Lección 1 de 3" in html
    assert "Lo que aprenderás" in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "ingresa con tu cuenta" in html
    assert "Marcar como completada" not in html
    assert "Repaso de la lección" in html  # the quiz card where the quiz sits


def test_mark_lesson_complete_and_see_progress(client, make_user, ctx, login_as):
    user = make_user()
    login_as(client, user)
    client.post(f"/cursos/{COURSE}/inscripcion")
    page = client.get(f"/cursos/{COURSE}/{L1}").get_data(as_text=True)
    assert "0 de 3 lecciones completadas" in page
    assert 'max="3" value="0"' in page
    response = client.post(f"/cursos/{COURSE}/{L1}/completar")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cursos/{COURSE}/{L2}")
    client.post(f"/cursos/{COURSE}/{L1}/completar")  # twice is harmless
    rows = list(ctx_scalars(select(LessonProgress)))
    assert [(r.lesson_slug, len(r.course_version)) for r in rows] == [(L1, 12)]
    lesson = client.get(f"/cursos/{COURSE}/{L1}").get_data(as_text=True)
    assert "1 de 3 lecciones completadas" in lesson
    assert "Ya completaste esta lección." in lesson
    course_page = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "Continuar donde quedaste" in course_page
    assert f'/cursos/{COURSE}/{L2}"' in course_page
    mine = client.get("/mis-cursos").get_data(as_text=True)
    assert "Curso de prueba" in mine and "1 de 3 lecciones completadas" in mine


def test_completing_a_lesson_needs_enrolment(client, make_user, ctx, login_as):
    user = make_user()
    login_as(client, user)
    response = client.post(f"/cursos/{COURSE}/{L1}/completar", follow_redirects=True)
    assert "Inscríbete en el curso para guardar tu avance." in response.get_data(as_text=True)
    assert count(LessonProgress) == 0


def test_anonymous_cannot_enrol_or_complete(client, ctx):
    for url in (f"/cursos/{COURSE}/inscripcion", f"/cursos/{COURSE}/{L1}/completar"):
        response = client.post(url)
        assert response.status_code == 302
        assert "/ingresar" in response.headers["Location"]
    assert count(Enrollment) == 0


def test_quiz_file_lesson_has_no_manual_completion(client, make_user, login_as):
    user = make_user()
    login_as(client, user)
    client.post(f"/cursos/{COURSE}/inscripcion")
    html = client.get(f"/cursos/{COURSE}/{L3}").get_data(as_text=True)
    assert "Marcar como completada" not in html
    assert "Esta lección se completa al aprobar su prueba." in html
    assert client.post(f"/cursos/{COURSE}/{L3}/completar").status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/cursos/no-existe/",
        f"/cursos/{COURSE}/99-no-existe",
        "/cursos/no-existe/01-algo",
        f"/cursos/{COURSE}/archivos/../course.md",
        f"/cursos/{COURSE}/archivos/course.md",
        f"/cursos/{COURSE}/archivos/media/no-existe.png",
    ],
)
def test_unknown_things_get_a_spanish_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "No encontramos esta página" in html
    assert 'href="/cursos/"' in html


def test_course_media_is_served(client, app):
    with app.app_context():
        from app.course_store import get_store

        media = sorted(get_store().get(COURSE).media_files)
    assert media, "the fixture course has media"
    response = client.get(f"/cursos/{COURSE}/archivos/{media[0]}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] != "text/html; charset=utf-8"


def test_my_courses_when_empty(client, make_user, login_as):
    login_as(client, make_user())
    html = client.get("/mis-cursos").get_data(as_text=True)
    assert "Todavía no te inscribes en ningún curso." in html


def test_a_quiz_lesson_cannot_be_marked_done_without_passing(
    make_app, make_user, tmp_path, ctx, login_as
):
    """Issue 13 finding 7: POST /completar on a test lesson completes neither it nor the course."""
    root = _copy_fixture(tmp_path, lambda text: text.replace("pruebas: todas", "pruebas: ninguna"))
    app = make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))
    client = app.test_client()
    user = make_user()
    login_as(client, user)
    client.post(f"/cursos/{COURSE}/inscripcion")
    course = app.extensions["aula_courses"]["store"].get(COURSE)
    quiz_lesson = next(le for le in course.lessons if le.kind == "quiz")
    for lesson in course.lessons:
        if lesson.kind != "quiz":
            client.post(f"/cursos/{COURSE}/{lesson.slug}/completar")
    response = client.post(f"/cursos/{COURSE}/{quiz_lesson.slug}/completar", follow_redirects=True)
    assert "Esta lección se completa al aprobar su prueba." in response.get_data(as_text=True)
    assert count(LessonProgress, LessonProgress.lesson_slug == quiz_lesson.slug) == 0
    enrollment = ctx_scalars(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    assert enrollment.status == "active"
    from app.certificates.models import Certificate

    assert count(Certificate) == 0


def test_wrong_enrolment_keys_are_throttled(make_app, make_user, tmp_path, ctx, login_as):
    """Issue 13 finding 8: the enrolment key has an attempt limit per account."""
    root = _copy_fixture(
        tmp_path,
        lambda text: text.replace(
            "estado: publicado", "estado: publicado\nclave_inscripcion: limon-27"
        ),
    )
    keyed = make_app(
        COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"), ENROLMENT_KEY_ATTEMPTS=5
    )
    client = keyed.test_client()
    user = make_user()
    login_as(client, user)
    codes = [
        client.post(f"/cursos/{COURSE}/inscripcion", data={"key": f"intento-{i}"}).status_code
        for i in range(7)
    ]
    assert codes == [400, 400, 400, 400, 400, 429, 429]
    # Even the right key waits for the window to pass...
    right = client.post(f"/cursos/{COURSE}/inscripcion", data={"key": "limon-27"})
    assert right.status_code == 429
    assert "Espera unos minutos" in right.get_data(as_text=True)
    assert count(Enrollment) == 0
    # ...while another person is not affected.
    other = keyed.test_client()
    login_as(other, make_user())
    assert other.post(f"/cursos/{COURSE}/inscripcion", data={"key": "limon-27"}).status_code == 302


def test_a_media_url_with_its_version_is_cached_for_a_year_and_without_it_for_a_day(app, client):
    with app.app_context():
        course = get_store().get(COURSE)
        rel = sorted(course.media_hashes)[0]
        version = course.media_hashes[rel][:12]
    url = f"/cursos/{COURSE}/archivos/{rel}"
    assert client.get(f"{url}?v={version}").headers["Cache-Control"] == "public, max-age=31536000"
    assert client.get(url).headers["Cache-Control"] == "public, max-age=86400"
    assert client.get(f"{url}?v=000000000000").headers["Cache-Control"] == "public, max-age=86400"
