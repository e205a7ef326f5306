"""Publishing that says what it will do (issue 21 §4), and lessons by their titles, renaming
and a chosen course address (§2)."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.authoring import services as authoring
from app.extensions import db
from app.learning.models import Enrollment
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CourseEditor, CourseRevision
from tests.helpers import NEW_COURSE_FORM, confirm_upload
from tests.web.test_authoring import (
    BASE,
    LESSON,
    SLUG,
    _add_lesson,
    _draft_files,
    _save,
    approve,  # noqa: F401 (fixture)
    author,  # noqa: F401 (fixture)
    trainer,  # noqa: F401 (fixture)
)
from tests.worlds import COURSE, build_scenario

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


def _published(author, approve, note: str = "Primera versión") -> str:  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    assert author.post(f"{BASE}/publicar", data={"note": note}).status_code == 302
    approve()
    return path


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- versions numbered per course ----------------------------------------------------------------
def test_published_versions_are_numbered_1_2_3_and_saves_by_their_time(app, author, approve):  # noqa: F811
    path = _published(author, approve)
    with app.app_context():
        first = revisions.published_revision(SLUG)
        assert first.number >= 3 and first.publication_number == 1  # three saves, one version
    for n, word in ((2, "esencial"), (3, "clave")):
        _save(author, path, LESSON.replace("parte del", f"parte {word} del"))
        response = author.post(f"{BASE}/publicar", data={"note": f"Cambio {n}"})
        assert response.status_code == 302
        assert f"Publicaste la versión {n}." in _text(author.get(response.headers["Location"]))
    history = _text(author.get(f"{BASE}/historial"))
    assert "Publicada ahora: versión 3." in history
    for n in (1, 2, 3):
        assert f"Publicó la versión {n}" in history
        assert f'href="{BASE}/versiones/{n}"' in history
    assert "versión 18" not in history and f"/historial/{first.number}" not in history
    # Going back keeps the version's own number; the zip is named after it.
    assert author.post(f"{BASE}/versiones/1/volver").status_code == 302
    assert "Volvió a la versión 1" in _text(author.get(f"{BASE}/historial"))
    with app.app_context():
        assert revisions.published_revision(SLUG).publication_number == 1
    zipped = author.get(f"{BASE}/versiones/2/descargar.zip")
    assert f'filename="{SLUG}-version-2.zip"' in zipped.headers["Content-Disposition"]
    assert author.get(f"{BASE}/versiones/9").status_code == 404
    # A draft is named by when it was saved, never by a number.
    _save(author, path, LESSON.replace("parte del", "parte nueva del"))
    page = _text(author.get(f"{BASE}/"))
    assert "Borrador con cambios sin publicar. Guardado el " in page
    assert "Publicado: versión 1." in page


def test_a_request_for_approval_names_the_draft_by_its_time(app, author, client_as, make_user):  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    response = author.post(f"{BASE}/publicar", data={"note": "Primera versión"})
    assert "Pediste la aprobación del borrador guardado el " in _text(
        author.get(response.headers["Location"])
    )
    admin = client_as(make_user("admin"))
    queue = _text(admin.get("/admin/cursos/aprobaciones"))
    assert "Borrador guardado el " in queue


def test_the_migration_numbers_what_was_published_in_publication_order(make_app, tmp_path):
    url = "sqlite:///" + str(tmp_path / "numbers.sqlite")
    migrated = make_app(SQLALCHEMY_DATABASE_URI=url)
    with migrated.app_context():
        upgrade(directory=MIGRATIONS, revision="0008")
        now = datetime(2026, 12, 1, 10, 0)
        with db.engine.begin() as conn:
            for rid, slug, number in [
                (1, "a", 1),
                (2, "a", 2),
                (3, "a", 3),
                (4, "a", 4),
                (5, "b", 1),
                (6, "b", 2),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO course_revisions (id, course_slug, number, version, "
                        "author_label, note, created_at) VALUES (:id, :s, :n, :v, '', '', :t)"
                    ),
                    {"id": rid, "s": slug, "n": number, "v": f"v{rid}", "t": now},
                )
            # a: 3 published, then 2 (approved later), then back to 3; 1 and 4 never.
            # b: 6 published from its folder before the history existed.
            for eid, rid in [(1, 3), (2, 2), (3, 3)]:
                conn.execute(
                    text(
                        "INSERT INTO course_publish_events (id, course_slug, action, "
                        "revision_id, actor_label, note, created_at) "
                        "VALUES (:e, 'a', 'publish', :r, '', '', :t)"
                    ),
                    {"e": eid, "r": rid, "t": now},
                )
            conn.execute(
                text(
                    "INSERT INTO course_publications (course_slug, revision_id, changed_at) "
                    "VALUES ('a', 3, :t), ('b', 6, :t)"
                ),
                {"t": now},
            )
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            numbers = dict(
                conn.execute(text("SELECT id, publication_number FROM course_revisions")).all()
            )
        db.engine.dispose()
    assert numbers == {1: None, 2: 2, 3: 1, 4: None, 5: None, 6: 1}


# --- the publish page ----------------------------------------------------------------------------
def test_the_publish_page_lists_warnings_and_asks_to_confirm_them(app, author, approve):  # noqa: F811
    path = _published(author, approve)
    _save(author, path, LESSON.replace("Pedir ayuda es", "# Pedir ayuda\n\nPedir ayuda es", 1))
    page = _text(author.get(f"{BASE}/publicar"))
    assert "0 errores y 1 aviso." in page and "línea 8" in page
    assert f'href="{BASE}/archivo/{path}#linea-8"' in page  # linked to its line
    assert 'name="accept_warnings"' in page and "La revisión automática dejó 1 aviso" in page
    refused = author.post(f"{BASE}/publicar", data={"note": "Con título"})
    assert refused.status_code == 400
    assert "El borrador tiene 1 aviso: revísalo y marca la casilla" in _text(refused)
    assert 'href="#accept_warnings"' in _text(refused)  # the error summary leads to the box
    with app.app_context():
        assert revisions.published_revision(SLUG).publication_number == 1  # nothing published
    done = author.post(f"{BASE}/publicar", data={"note": "Con título", "accept_warnings": "y"})
    assert done.status_code == 302
    with app.app_context():
        assert revisions.published_revision(SLUG).publication_number == 2


def test_example_text_left_in_place_is_an_error_that_stops_the_publish(app, author):  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")  # the new lesson's example text, untouched
    page = _text(author.get(f"{BASE}/publicar"))
    assert "El borrador tiene 3 errores" in page
    assert "aquí sigue el texto de ejemplo" in page and f"{path}#linea-" in page
    assert 'name="note"' not in page  # no publish form while there are errors
    refused = author.post(f"{BASE}/publicar", data={"note": "Intento"})
    assert refused.status_code == 400
    assert "El borrador tiene errores: corrígelos antes de publicar." in _text(refused)
    with app.app_context():
        ws = authoring.workspace(SLUG)
        assert {p.severity for p in ws.problems if p.code == "placeholder-text"} == {"error"}


def test_the_history_shows_the_note_typed_when_publishing(app, author, approve):  # noqa: F811
    path = _published(author, approve, note="Primera versión para Quillota")
    _save(author, path, LESSON.replace("parte del", "parte clave del"))
    author.post(f"{BASE}/publicar", data={"note": "Aclaramos a quién pedir ayuda"})
    history = _text(author.get(f"{BASE}/historial"))
    assert "Aclaramos a quién pedir ayuda" in history
    assert "Primera versión para Quillota" in history
    assert f"Editó {path}" not in history  # the last save's own note is not the publish's
    version = _text(author.get(f"{BASE}/versiones/2"))
    assert "Nota de la publicación: Aclaramos a quién pedir ayuda" in version


# --- withdraw and discard ask first --------------------------------------------------------------
def test_withdrawing_asks_first_and_says_how_many_people_are_enrolled(app, client_as):
    with app.app_context():
        scenario = build_scenario()
        db.session.commit()
        trainer_name = scenario.users["trainer"].username
        enrolled = db.session.scalar(
            select(db.func.count()).select_from(Enrollment).where(Enrollment.course_slug == COURSE)
        )
    assert enrolled >= 1
    editor = client_as(trainer_name)
    url = f"/formacion/taller/{COURSE}/retirar"
    history = _text(editor.get(f"/formacion/taller/{COURSE}/historial"))
    assert f'href="{url}"' in history and f'action="{url}"' not in history
    page = editor.get(url)
    assert page.status_code == 200
    html = _text(page)
    people = "persona está inscrita" if enrolled == 1 else "personas están inscritas"
    assert f"{enrolled} {people} en el curso." in html
    assert "conservan sus avances, sus resultados y sus certificados" in html
    assert "Sí, retirar el curso" in html
    with app.app_context():
        assert revisions.published_revision(COURSE) is not None  # asking changed nothing
    assert editor.post(url).status_code == 302
    with app.app_context():
        assert revisions.published_revision(COURSE) is None


def test_discarding_the_draft_asks_first_and_shows_what_is_lost(app, author, approve):  # noqa: F811
    path = _published(author, approve)
    _save(author, path, LESSON.replace("parte del", "parte perdida del"))
    page = _text(author.get(f"{BASE}/"))
    assert f'href="{BASE}/descartar"' in page and f'action="{BASE}/descartar"' not in page
    confirm = _text(author.get(f"{BASE}/descartar"))
    assert "¿Descartar el borrador?" in confirm and "versión publicada 1" in confirm
    assert "parte perdida" in confirm  # the changes that go
    with app.app_context():
        assert db.session.get(CourseDraft, SLUG) is not None
    assert author.post(f"{BASE}/descartar").status_code == 302
    with app.app_context():
        assert db.session.get(CourseDraft, SLUG) is None


# --- a participant of a withdrawn course ---------------------------------------------------------
def test_an_enrolled_participant_sees_the_course_was_withdrawn(app, client_as, client):
    with app.app_context():
        scenario = build_scenario()
        authoring.withdraw(scenario.users["trainer"], COURSE)
        db.session.commit()
        participant = scenario.users["participant"].username
        other_trainer = scenario.users["trainer"].username
        lesson = revisions.last_published_revision(COURSE)
        when = revisions.withdrawn_at(COURSE)
    assert lesson is not None and when is not None
    me = client_as(participant)
    page = me.get(f"/cursos/{COURSE}/")
    assert page.status_code == 410
    html = _text(page)
    assert "Curso retirado" in html and "lo retiró el " in html
    assert "Tus avances, tus resultados y tus certificados se conservan" in html
    assert 'href="/mis-certificados"' in html
    assert me.get(f"/cursos/{COURSE}/01-que-es-una-cooperativa").status_code == 410
    # Anyone else (a visitor, a trainer never enrolled) gets the plain 404.
    assert client.get(f"/cursos/{COURSE}/").status_code == 404
    assert client_as(other_trainer).get(f"/cursos/{COURSE}/").status_code == 404
    mine = _text(me.get("/mis-cursos"))
    assert "Cursos retirados" in mine and "Retirado el " in mine
    assert "Tus avances y certificados se conservan." in mine


# --- a .zip over a draft -------------------------------------------------------------------------
def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for rel, data in files.items():
            archive.writestr(f"{SLUG}/{rel}", data)
    return buffer.getvalue()


def _upload(client, data: bytes):
    return client.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(data), "curso.zip")},
        content_type="multipart/form-data",
    )


def test_a_zip_over_a_draft_shows_the_differences_and_replaces_only_when_confirmed(app, author):  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    exported = _draft_files(app)
    # The title edited in the browser after the export...
    _save(author, path, LESSON.replace('titulo: "Pedir ayuda"', 'titulo: "Pedir ayuda a tiempo"'))
    edited = _draft_files(app)
    asked = _upload(author, _zip_of(exported))
    assert asked.status_code == 200
    html = _text(asked)
    assert "¿Reemplazar el borrador con el .zip?" in html and "Todavía no se reemplazó nada" in html
    assert "Pedir ayuda a tiempo" in html and path in html  # the line that would be lost
    assert _draft_files(app) == edited  # ...is not overwritten silently
    # Cancelling is leaving the page; confirming replaces the draft with the zip.
    assert confirm_upload(author, asked).status_code == 302
    assert _draft_files(app) == exported


def test_a_zip_confirmed_after_the_draft_moved_replaces_nothing(app, author):  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)
    asked = _upload(author, _zip_of({**_draft_files(app), path: LESSON.encode() + b"\nMas.\n"}))
    _save(author, path, LESSON.replace("parte del", "parte reciente del"))
    latest = _draft_files(app)
    refused = confirm_upload(author, asked)
    assert refused.status_code == 302
    assert "El curso cambió desde que subiste el .zip" in _text(
        author.get(refused.headers["Location"])
    )
    assert _draft_files(app) == latest


def test_a_zip_identical_to_the_draft_changes_nothing(app, author):  # noqa: F811
    before = _draft_files(app)
    response = _upload(author, _zip_of(before))
    assert response.status_code == 302
    assert "El .zip es igual a lo que ya tiene el curso" in _text(
        author.get(response.headers["Location"])
    )


# --- co-editors ----------------------------------------------------------------------------------
def test_an_editor_adds_a_co_editor_and_it_is_audited(app, author, trainer, client_as, make_user):  # noqa: F811
    colleague = make_user("trainer", username="facilitadora-coquimbo", full_name="Rosa Coquimbo")
    assert client_as(colleague).get(f"{BASE}/").status_code == 404
    page = _text(author.get(f"{BASE}/"))
    assert f'href="{BASE}/editores"' in page
    response = author.post(f"{BASE}/editores", data={"username": "facilitadora-coquimbo"})
    assert response.status_code == 302
    assert client_as(colleague).get(f"{BASE}/").status_code == 200
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "course_editor_added")
        )
        assert event.actor_id == trainer.id
        row = db.session.get(CourseEditor, (SLUG, colleague.id))
        assert row.added_by_id == trainer.id
    # Removing stays with the administration; a participant can never be added.
    editors = _text(author.get(f"{BASE}/editores"))
    assert "Rosa Coquimbo" in editors and "/quitar" not in editors
    assert author.post(f"{BASE}/editores/{colleague.id}/quitar").status_code == 403
    make_user("participant", username="socia")
    refused = author.post(f"{BASE}/editores", data={"username": "socia"})
    assert refused.status_code == 400
    assert "Solo una persona facilitadora activa puede editar cursos." in _text(refused)


# --- lessons by title, renaming, the course address ----------------------------------------------
def test_lessons_are_listed_by_title_and_renamed_by_title_and_file(app, author):  # noqa: F811
    first = _add_lesson(author, "Pedir ayuda")
    second = _add_lesson(author, "Cierre")
    _save(author, second, LESSON.replace("Pedir ayuda es", f"Ver [la primera]({first}). Es"))
    page = _text(author.get(f"{BASE}/"))
    assert '<strong class="lesson-title">Pedir ayuda</strong>' in page
    form = _text(author.get(f"{BASE}/lecciones/01-pedir-ayuda/nombre"))
    assert 'value="Pedir ayuda"' in form and 'value="pedir-ayuda"' in form
    # The title alone: the file keeps its name.
    author.post(
        f"{BASE}/lecciones/01-pedir-ayuda/nombre",
        data={"title": "Pedir ayuda a tiempo", "name": "pedir-ayuda"},
    )
    files = _draft_files(app)
    assert "01-pedir-ayuda.md" in files
    assert b"titulo: Pedir ayuda a tiempo" in files["01-pedir-ayuda.md"]
    assert "Pedir ayuda a tiempo</strong>" in _text(author.get(f"{BASE}/"))
    # Asked to, the file name follows the title and links to it are rewritten.
    response = author.post(
        f"{BASE}/lecciones/01-pedir-ayuda/nombre",
        data={"title": "Pedir ayuda a tiempo", "match_name": "y", "name": ""},
    )
    assert response.status_code == 302
    files = _draft_files(app)
    assert "01-pedir-ayuda-a-tiempo.md" in files and "01-pedir-ayuda.md" not in files
    assert b"](01-pedir-ayuda-a-tiempo.md)" in files["02-cierre.md"]
    unchanged = author.post(
        f"{BASE}/lecciones/01-pedir-ayuda-a-tiempo/nombre",
        data={"title": "Pedir ayuda a tiempo", "name": "pedir-ayuda-a-tiempo"},
    )
    assert unchanged.status_code == 400 and "No cambiaste ni el título ni el nombre." in _text(
        unchanged
    )
    empty = author.post(f"{BASE}/lecciones/01-pedir-ayuda-a-tiempo/nombre", data={"name": ""})
    assert empty.status_code == 400 and "Escribe el nombre del archivo." in _text(empty)


def test_the_course_address_is_chosen_at_creation(app, client_as, trainer):  # noqa: F811
    client = client_as(trainer)
    form = _text(client.get("/formacion/taller/nuevo"))
    assert 'name="slug"' in form and "Dirección del curso (opcional)" in form
    response = client.post("/formacion/taller/nuevo", data={**NEW_COURSE_FORM, "slug": "cuidados"})
    assert response.headers["Location"].endswith("/formacion/taller/cuidados/")
    for typed, message in (
        ("Cuidados Ñuble", "solo puede tener letras minúsculas sin tildes"),
        ("cuidados", "Esa dirección no está disponible: elige otra."),
        ("curso-prueba", "Esa dirección no está disponible: elige otra."),
        ("a" * 81, "máximo 80 caracteres"),
    ):
        refused = client.post("/formacion/taller/nuevo", data={**NEW_COURSE_FORM, "slug": typed})
        assert refused.status_code == 400, typed
        html = _text(refused)
        assert message in html and 'href="#slug"' in html, typed
    with app.app_context():
        slugs = set(db.session.scalars(select(CourseRevision.course_slug).distinct()))
    assert slugs == {"cuidados"}  # nothing made by the refused forms
    # Left empty, the address comes from the title.
    response = client.post("/formacion/taller/nuevo", data=NEW_COURSE_FORM)
    assert response.headers["Location"].endswith(f"/formacion/taller/{SLUG}/")
    assert re.search(r"cuidados-en-la-cooperativa", response.headers["Location"])
