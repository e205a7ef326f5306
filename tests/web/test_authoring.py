"""The course workshop in the browser: write, check, preview, publish, history (issue 15)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.authoring import services as authoring
from app.content.loader import read_folder
from app.course_store import get_store
from app.extensions import db
from app.quizzes.models import QuizAttempt
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CourseEditor, CourseReview, CourseRevision
from tests.helpers import FIXTURE_COURSES, NEW_COURSE_FORM, NEW_COURSE_SLUG
from tests.worlds import WORKSHOP_LESSON

NEW = NEW_COURSE_FORM
SLUG = NEW_COURSE_SLUG
BASE = f"/formacion/taller/{SLUG}"


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", full_name="Marta Facilitadora")


@pytest.fixture
def author(client_as, trainer):
    client = client_as(trainer)
    response = client.post("/formacion/taller/nuevo", data=NEW)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"{BASE}/")
    return client


def _base(client, path: str) -> str:
    html = client.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
    return re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)


def _save(client, path: str, text: str, base: str | None = None):
    return client.post(
        f"{BASE}/archivo/{path}", data={"text": text, "base": base or _base(client, path)}
    )


def _add_lesson(client, title: str) -> str:
    response = client.post(f"{BASE}/lecciones", data={"title": title})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


LESSON = WORKSHOP_LESSON


@pytest.fixture
def approve(app, client_as, make_user):
    """approve(): an admin approves the course request that waits (there must be one)."""
    admin = client_as(make_user("admin", full_name="Ana Administradora"))

    def run() -> None:
        with app.app_context():
            review_id = db.session.scalar(
                select(CourseReview.id).where(CourseReview.status == "pending")
            )
        assert review_id is not None, "no request waits for approval"
        response = admin.post(f"/admin/cursos/aprobaciones/{review_id}/aprobar")
        assert response.status_code == 302, response.get_data(as_text=True)

    return run


def test_a_new_course_is_a_draft_its_creator_edits(app, author, trainer):
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        assert draft is not None
        assert db.session.get(CourseEditor, (SLUG, trainer.id)) is not None
        files = revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))
        assert set(files) == {"course.md"}
        text = files["course.md"].decode()
        assert "titulo: Cuidados en la cooperativa" in text and "horas: 2.5" in text
        assert revisions.published_revision(SLUG) is None
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "Cuidados en la cooperativa" in page and "todavía no lo ven" in page
    assert author.get(f"/cursos/{SLUG}/").status_code == 404  # not public


def test_an_error_is_shown_at_its_line_and_fixing_it_clears_it(app, author):
    path = _add_lesson(author, "Pedir ayuda")
    assert path == "01-pedir-ayuda.md"
    broken = LESSON.replace("minutos: 10", "minutos: diez")
    response = _save(author, path, broken)
    assert response.status_code == 302
    page = author.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
    assert 'href="#linea-3">línea 3</a>' in page
    assert 'id="linea-3" class="line-has-problem"' in page
    overview = author.get(f"{BASE}/").get_data(as_text=True)
    assert f'{path}#linea-3"' in overview
    _save(author, path, LESSON)
    page = author.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
    assert "Ninguno: 0 errores" in page


def test_publish_needs_zero_errors_and_a_note_then_participants_see_it(
    app, author, client, trainer, approve
):
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON.replace("minutos: 10", "minutos: diez"))
    refused = author.post(f"{BASE}/publicar", data={"note": "Primera versión"})
    assert refused.status_code == 400
    assert "tiene errores" in refused.get_data(as_text=True)
    _save(author, path, LESSON)
    page = author.get(f"{BASE}/publicar").get_data(as_text=True)
    assert "archivo nuevo" in page and "Pedir ayuda es parte del trabajo en equipo." in page
    assert author.post(f"{BASE}/publicar", data={"note": " "}).status_code == 400
    response = author.post(f"{BASE}/publicar", data={"note": "Primera versión"})
    assert response.status_code == 302
    # A first publication waits for an admin: nobody else sees the course meanwhile.
    assert client.get(f"/cursos/{SLUG}/01-pedir-ayuda").status_code == 404
    approve()
    visitor = client.get(f"/cursos/{SLUG}/01-pedir-ayuda").get_data(as_text=True)
    assert "Pedir ayuda es parte del trabajo en equipo." in visitor
    with app.app_context():
        assert db.session.get(CourseDraft, SLUG) is None
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"course_created", "course_draft_saved", "course_published"} <= actions
        assert {"course_review_requested", "course_review_approved"} <= actions
    history = author.get(f"{BASE}/historial").get_data(as_text=True)
    assert "Publicó la versión" in history and "Ana Administradora" in history
    assert "Primera versión" in history


def test_rollback_and_withdraw(app, author, client, approve):
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    author.post(f"{BASE}/publicar", data={"note": "Uno"})
    approve()
    with app.app_context():
        first = revisions.published_revision(SLUG)
        assert first.number > 1 and first.publication_number == 1  # saves are not versions
        saved_as = first.number
    _save(author, path, LESSON.replace("parte del trabajo", "parte esencial del trabajo"))
    author.post(f"{BASE}/publicar", data={"note": "Dos"})
    lesson_url = f"/cursos/{SLUG}/01-pedir-ayuda"
    assert "parte esencial" in client.get(lesson_url).get_data(as_text=True)
    diff = author.get(f"{BASE}/versiones/2").get_data(as_text=True)
    assert "<h1>Versión 2</h1>" in diff and "Nota de la publicación: Dos" in diff
    assert "Cambios respecto de la versión 1" in diff and "parte esencial" in diff
    # The addresses that named a save's number lead to the version's own.
    old = author.get(f"{BASE}/historial/{saved_as}")
    assert old.status_code == 301 and old.headers["Location"].endswith(f"{BASE}/versiones/1")
    response = author.post(f"{BASE}/versiones/1/volver")
    assert response.status_code == 302
    assert "parte esencial" not in client.get(lesson_url).get_data(as_text=True)
    assert "Volvió a la versión" in author.get(f"{BASE}/historial").get_data(as_text=True)
    author.post(f"{BASE}/retirar")
    assert client.get(lesson_url).status_code == 404
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert actions.count("course_published") == 3 and "course_withdrawn" in actions


def test_a_stale_save_gets_the_conflict_page_and_nothing_is_lost(
    app, author, client_as, make_user, trainer
):
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    colleague = make_user("trainer", full_name="Otra Facilitadora")
    with app.app_context():
        db.session.add(CourseEditor(course_slug=SLUG, user_id=colleague.id))
        db.session.commit()
    other = client_as(colleague)
    base = _base(author, path)
    assert _base(other, path) == base
    _save(other, path, LESSON.replace("Pedir ayuda es", "Pedir ayuda, dice Otra, es"), base)
    response = _save(
        author, path, LESSON.replace("Pedir ayuda es", "Pedir ayuda, dice Marta, es"), base
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "dice Otra" in page and "dice Marta" in page
    saved = author.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
    assert "dice Otra" in saved and "dice Marta" not in saved


def test_only_editors_and_admins_see_a_course(app, author, client_as, make_user):
    stranger = client_as(make_user("trainer"))
    assert stranger.get(f"{BASE}/").status_code == 404
    assert SLUG not in stranger.get("/formacion/taller/").get_data(as_text=True)
    admin = client_as(make_user("admin"))
    assert admin.get(f"{BASE}/").status_code == 200
    participant = client_as(make_user("participant"))
    assert participant.get(f"{BASE}/").status_code == 403


def test_lessons_are_added_renamed_moved_and_deleted_keeping_numbers(app, author):
    first = _add_lesson(author, "Uno")
    second = _add_lesson(author, "Dos")
    assert (first, second) == ("01-uno.md", "02-dos.md")
    _save(author, second, LESSON.replace("Pedir ayuda es", "Ver [la primera](01-uno.md). Es"))
    author.post(f"{BASE}/lecciones/01-uno/nombre", data={"name": "Primera parte"})
    author.post(f"{BASE}/lecciones/02-dos/mover", data={"hacia": "arriba"})
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        files = revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))
    assert {"01-dos.md", "02-primera-parte.md"} <= set(files)
    assert b"](02-primera-parte.md)" in files["01-dos.md"]
    author.post(f"{BASE}/lecciones/01-dos/borrar")
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        files = revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))
        count = db.session.scalar(select(func.count()).select_from(CourseRevision))
    assert set(files) == {"course.md", "01-primera-parte.md"}
    assert count >= 5


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _draft_files(app) -> dict[str, bytes]:
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        return revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))


def test_an_image_upload_asks_for_its_description_and_gives_the_markdown(app, author):
    response = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(PNG), "Foto Asamblea.PNG"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "qué muestra la imagen" in response.get_data(as_text=True)
    assert "media/foto-asamblea.png" not in _draft_files(app)
    response = author.post(
        f"{BASE}/medios",
        data={
            "file": (io.BytesIO(PNG), "Foto Asamblea.PNG"),
            "alt": "Ocho personas votan a mano alzada",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _draft_files(app)["media/foto-asamblea.png"] == PNG
    page = author.get(response.headers["Location"]).get_data(as_text=True)
    assert "![Ocho personas votan a mano alzada](media/foto-asamblea.png)" in page


def test_a_file_whose_bytes_are_not_its_name_is_refused(app, author):
    before = _draft_files(app)
    response = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(b"<html><script>alert(1)</script>"), "foto.jpg"), "alt": "x y z"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "foto.jpg" in response.get_data(as_text=True)
    assert _draft_files(app) == before


def test_media_and_zip_uploads_may_be_larger_than_other_forms(app, author):
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * (6 * 1024 * 1024)
    response = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(video), "asamblea.mp4"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert "media/asamblea.mp4" in _draft_files(app)
    too_big = author.post(f"{BASE}/lecciones", data={"title": "x" * (6 * 1024 * 1024)})
    assert too_big.status_code == 413


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _fixture_course(prefix: str) -> dict[str, bytes]:
    """The fixture course's text files (its media are placeholders a zip upload refuses)."""
    folder = FIXTURE_COURSES / "curso-prueba"
    return {
        f"{prefix}{rel}": data for rel, data in read_folder(folder).items() if rel.endswith(".md")
    }


def test_a_whole_course_uploaded_as_zip_becomes_a_draft_of_a_new_course(app, client_as, trainer):
    uploader = client_as(trainer)
    data = _zip(_fixture_course("curso-subido/"))
    response = uploader.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(data), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/formacion/taller/curso-subido/")
    with app.app_context():
        draft = db.session.get(CourseDraft, "curso-subido")
        files = revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))
        assert db.session.get(CourseEditor, ("curso-subido", trainer.id)) is not None
    assert files == _fixture_course("")
    page = uploader.get("/formacion/taller/curso-subido/").get_data(as_text=True)
    assert "Borrador con cambios sin publicar" in page and "01-que-es-una-cooperativa.md" in page


def test_a_zip_that_reaches_outside_its_folder_is_refused_naming_the_entry(app, client_as, trainer):
    entries = _fixture_course("")
    entries["../fuera.md"] = b"# fuera"
    response = client_as(trainer).post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(_zip(entries)), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "../fuera.md" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CourseDraft)) == 0


def test_a_zip_of_a_course_someone_else_edits_is_refused(app, client_as, trainer):
    response = client_as(trainer).post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(_zip(_fixture_course("curso-prueba/"))), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "no eres parte de su equipo de edición" in response.get_data(as_text=True)


def test_a_preview_quiz_is_graded_and_nothing_is_recorded(app, client_as, make_user):
    admin = client_as(make_user("admin"))
    page = admin.get("/formacion/taller/curso-prueba/vista-previa/").get_data(as_text=True)
    assert "Vista previa del borrador" in page
    with app.app_context():
        course = get_store().get("curso-prueba")
        quiz_id, quiz = next(iter(course.quizzes.items()))
    url = f"/formacion/taller/curso-prueba/vista-previa/pruebas/{quiz_id}"
    assert 'name="q-' in admin.get(url).get_data(as_text=True)
    answers = {}
    for q in quiz.questions:
        correct = [o.key for o in q.options if o.correct]
        if q.kind in ("single", "true_false"):
            answers[f"q-{q.key}"] = correct[0]
        elif q.kind == "multiple":
            answers[f"q-{q.key}"] = correct
        elif q.kind == "text":
            answers[f"q-{q.key}"] = q.answers[0]
        elif q.kind == "ordering":
            for position, option in enumerate(q.options, start=1):
                answers[f"q-{q.key}-{option.key}"] = str(position)
    result = admin.post(url, data=answers).get_data(as_text=True)
    assert "Aprobaría la prueba" in result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_an_admin_makes_a_trainer_an_editor_and_it_is_audited(app, client_as, make_user):
    admin = client_as(make_user("admin"))
    colleague = make_user("trainer", username="facilitadora-quillota")
    response = admin.post(
        "/formacion/taller/curso-prueba/editores", data={"username": "facilitadora-quillota"}
    )
    assert response.status_code == 302
    assert client_as(colleague).get("/formacion/taller/curso-prueba/").status_code == 200
    admin.post(f"/formacion/taller/curso-prueba/editores/{colleague.id}/quitar")
    assert client_as(colleague).get("/formacion/taller/curso-prueba/").status_code == 404
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "course_editor_added" in actions and "course_editor_removed" in actions
    # A trainer who does not edit the course learns nothing of it.
    refused = client_as(make_user("trainer")).get("/formacion/taller/curso-prueba/editores")
    assert refused.status_code == 404


def test_a_trainer_starts_a_course_as_a_copy_of_a_published_one(app, client_as, trainer):
    client = client_as(trainer)
    page = client.get("/formacion/taller/nuevo").get_data(as_text=True)
    assert '<option value="curso-prueba">' in page
    refused = client.post("/formacion/taller/copiar", data={"copia-source": "", "copia-title": "x"})
    assert refused.status_code == 400 and "Elige un curso publicado." in refused.get_data(True)
    response = client.post(
        "/formacion/taller/copiar",
        data={"copia-source": "curso-prueba", "copia-title": "Cooperativas: versión Quillota"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/formacion/taller/cooperativas-version-quillota/")
    with app.app_context():
        draft = db.session.get(CourseDraft, "cooperativas-version-quillota")
        files = revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))
        original = read_folder(FIXTURE_COURSES / "curso-prueba")
        assert set(files) == set(original)
        assert "titulo: 'Cooperativas: versión Quillota'" in files["course.md"].decode()
        assert db.session.get(CourseEditor, ("cooperativas-version-quillota", trainer.id))
    page = client.get("/formacion/taller/cooperativas-version-quillota/").get_data(as_text=True)
    assert "<h1>Cooperativas: versión Quillota</h1>" in page
    assert client.get("/cursos/curso-prueba/").status_code == 200  # the original is untouched


MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400


def test_a_recorded_narration_goes_beside_its_lesson_and_plays_in_the_preview(app, author):
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    stem = path[:-3]
    response = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(MP3), "mi voz.mp3"), "target": f"{stem}.lf", "alt": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert _draft_files(app)[f"{stem}.lf.mp3"] == MP3
    preview = author.get(f"{BASE}/vista-previa/{stem}?version=facil").get_data(as_text=True)
    src = f"/cursos/{SLUG}/archivos/{stem}.lf.mp3"
    assert f'<source src="{src}?v={hashlib.sha256(MP3).hexdigest()[:12]}">' in preview
    assert author.get(src).data == MP3  # the draft's file, for its editors
    assert app.test_client().get(src).status_code == 404  # not for anyone else
    refused = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(PNG), "foto.png"), "target": stem, "alt": "Una foto"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "debe ser un audio MP3 u OGG" in refused.get_data(as_text=True)


QUIZ_LESSON = LESSON.replace(
    "## Fuentes",
    """::: prueba pedir-ayuda

### ¿A quién le pides ayuda?
Marta no entiende una tarea nueva.
Nadie del grupo la ha hecho antes.
- [ ] A nadie: lo resuelve sola
- [x] A la facilitadora del grupo

:::

## Fuentes""",
)


def test_a_prompt_of_several_lines_is_read_once_in_the_quiz(app, author):
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, QUIZ_LESSON)
    page = author.get(f"{BASE}/vista-previa/pruebas/pedir-ayuda").get_data(as_text=True)
    assert page.count("Nadie del grupo la ha hecho antes.") == 1
    legend = re.search(r"<legend>(.*?)</legend>", page, re.S).group(1)
    assert "Marta no entiende una tarea nueva." in legend and "<br>" in legend


def test_a_save_built_on_an_old_draft_never_overwrites_a_newer_one(app, author, trainer):
    """The database guard behind the conflict page: of two saves that read the same draft at
    the same moment, the second is refused and the first one's change stays."""
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    with app.test_request_context():
        me = db.session.get(User, trainer.id)
        stale = authoring.workspace(SLUG)
        authoring.change_files(me, SLUG, stale, {**stale.files, "media/a.txt": b"uno\n"}, "uno")
        db.session.commit()
        late = {**stale.files, "media/b.txt": b"dos\n"}
        with pytest.raises(authoring.SaveRace):
            authoring._save(me, SLUG, late, note="dos", base=stale)
        db.session.rollback()
    files = _draft_files(app)
    assert "media/a.txt" in files and "media/b.txt" not in files


def test_the_breadcrumbs_mark_only_the_page_shown(client_as, trainer):
    client = client_as(trainer)
    page = client.get("/formacion/taller/nuevo").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert crumbs.count('aria-current="page"') == 1
    assert 'aria-current="page">Curso nuevo<' in crumbs


def test_the_course_page_never_shows_a_snippet_from_the_address(author):
    page = author.get(f"{BASE}/?fragmento=Pega+esto").get_data(as_text=True)
    assert "Pega esto" not in page and "Texto para pegar" not in page


def test_a_publish_by_folder_sync_is_in_the_history_too(app, client_as, make_user):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["courses", "sync"])
        assert result.exit_code == 0, result.output
    history = client_as(make_user("admin")).get("/formacion/taller/curso-prueba/historial")
    page = history.get_data(as_text=True)
    assert "Publicó la versión 1" in page and "carpeta courses/" in page
