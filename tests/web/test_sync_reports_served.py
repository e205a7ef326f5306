"""`flask courses sync` reports what participants are served, workshop courses included (issue 25).

It said «NO publicado: tiene 0 errores y no hay una versión anterior buena» of a course made in
the browser and served to everyone, and «publicado» of a course withdrawn in the workshop.
"""

from __future__ import annotations

import re

from app.accounts.models import User
from app.extensions import db
from app.revisions import services as revisions
from tests.web.test_checker_sync import COURSE_MD, LESSON, write_course

WORKSHOP = "curso-del-taller"


def _publish_in_workshop(app, slug: str, files: dict[str, bytes], user_id: int):
    with app.app_context():
        author = db.session.get(User, user_id)
        revision, _ = revisions.record_files(slug, files, author=author)
        revisions.publish(revision, actor=author, note="Desde el taller")
        revisions.announce_publish()
        db.session.commit()
        return revision.version


def test_a_course_made_in_the_workshop_is_reported_as_published(make_app, make_user, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses)
    trainer = make_user("trainer")
    app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    files = {
        "course.md": COURSE_MD.replace("Curso corto", "Curso del taller").encode(),
        "01-inicio.md": LESSON.encode(),
    }
    version = _publish_in_workshop(app, WORKSHOP, files, trainer.id)

    fresh = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    assert fresh.test_client().get(f"/cursos/{WORKSHOP}/").status_code == 200  # it is served
    result = fresh.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert (
        f"{WORKSHOP}: publicado desde el taller, sin carpeta en courses/ "
        f"(versión {version}, 1 lección)"
    ) in result.output.splitlines()
    assert "NO publicado" not in result.output
    assert re.search(r"^curso-corto: publicado \(versión \w{12}, 1 lección\)", result.output, re.M)


def test_a_folder_course_edited_in_the_workshop_reports_the_version_served(
    make_app, make_user, tmp_path
):
    courses = tmp_path / "courses"
    write_course(courses)
    trainer = make_user("trainer")
    app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    first = app.test_cli_runner().invoke(args=["courses", "sync"])
    folder_version = re.search(r"versión (\w{12})", first.output).group(1)
    files = {
        "course.md": COURSE_MD.encode(),
        "01-inicio.md": LESSON.replace("Texto.\n", "Texto del taller.\n").encode(),
    }
    version = _publish_in_workshop(app, "curso-corto", files, trainer.id)

    again = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    result = again.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert (
        f"curso-corto: publicado desde el taller (versión {version}, 1 lección); la versión "
        f"{folder_version} de su carpeta no se publicó porque no cambió desde que se guardó"
    ) in result.output
    page = again.test_client().get("/cursos/curso-corto/01-inicio").get_data(as_text=True)
    assert "Texto del taller." in page


def test_a_course_withdrawn_in_the_workshop_is_reported_as_withdrawn(make_app, tmp_path):
    courses = tmp_path / "courses"
    write_course(courses)
    app = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    app.test_cli_runner().invoke(args=["courses", "sync"])
    with app.app_context():
        assert revisions.withdraw("curso-corto")
        revisions.announce_publish()
        db.session.commit()

    again = make_app(COURSES_DIR=str(courses), COURSE_CACHE_DIR=str(tmp_path / "c"))
    assert again.test_client().get("/cursos/curso-corto/").status_code == 404
    result = again.test_cli_runner().invoke(args=["courses", "sync"])
    assert (
        "curso-corto: retirado en el taller, no se muestra (su carpeta no tiene errores) · "
        "revisión 1 guardada"
    ) in result.output.splitlines()
