"""Every file of a course in the browser (issue 21 §2): a course downloaded as .zip (draft or
any published version) uploads back unchanged; easy-read versions and orphans in the workshop."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CourseRevision
from tests.helpers import confirm_upload
from tests.web.test_authoring import (
    BASE,
    LESSON,
    PNG,
    SLUG,
    _add_lesson,
    _draft_files,
    _save,
    approve,  # noqa: F401 (fixture)
    author,  # noqa: F401 (fixture)
    trainer,  # noqa: F401 (fixture)
)


def _draft_version(app) -> str:
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        return db.session.get(CourseRevision, draft.revision_id).version


def _upload(client, data: bytes):
    return client.post(
        "/formacion/taller/subir",
        data={"file": (io.BytesIO(data), "descargado.zip")},
        content_type="multipart/form-data",
    )


def _with_lesson_and_image(client) -> str:
    path = _add_lesson(client, "Pedir ayuda")
    _save(client, path, LESSON)
    response = client.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(PNG), "asamblea.png"), "alt": "Personas votan"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return path


def test_the_draft_downloads_as_a_zip_that_uploads_back_unchanged(app, author):  # noqa: F811
    path = _with_lesson_and_image(author)
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{BASE}/descargar.zip"' in page and "Descargar como .zip" in page
    before = _draft_files(app)
    version = _draft_version(app)

    response = author.get(f"{BASE}/descargar.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f'filename="{SLUG}-borrador.zip"' in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(names) == sorted(f"{SLUG}/{rel}" for rel in before)
    assert f"{SLUG}/{path}" in names and f"{SLUG}/media/asamblea.png" in names

    # The same files twice give the same bytes: nothing in the zip depends on the time.
    assert author.get(f"{BASE}/descargar.zip").data == response.data
    uploaded = _upload(author, response.data)
    assert uploaded.status_code == 302
    assert uploaded.headers["Location"].endswith(f"{BASE}/")  # the same course, not a copy
    assert _draft_files(app) == before
    assert _draft_version(app) == version


def test_a_published_version_downloads_and_uploads_back_as_that_version(app, author, approve):  # noqa: F811
    path = _with_lesson_and_image(author)
    author.post(f"{BASE}/publicar", data={"note": "Uno"})
    approve()
    with app.app_context():
        published = revisions.published_revision(SLUG)
        number, version = published.publication_number, published.version
        saved_as = published.number
        files = revisions.revision_files(published)
    _save(author, path, LESSON.replace("parte del trabajo", "parte esencial del trabajo"))
    assert _draft_version(app) != version

    history = author.get(f"{BASE}/historial").get_data(as_text=True)
    assert number == 1 and f'href="{BASE}/versiones/{number}/descargar.zip"' in history
    old = author.get(f"{BASE}/historial/{saved_as}/descargar.zip")
    assert old.headers["Location"].endswith(f"{BASE}/versiones/{number}/descargar.zip")
    response = author.get(f"{BASE}/versiones/{number}/descargar.zip")
    assert response.status_code == 200
    assert f'filename="{SLUG}-version-{number}.zip"' in response.headers["Content-Disposition"]
    asked = _upload(author, response.data)
    assert asked.status_code == 200 and "¿Reemplazar el borrador con el .zip?" in asked.text
    assert _draft_version(app) != version  # nothing replaced before the person confirms
    assert confirm_upload(author, asked).status_code == 302
    assert _draft_files(app) == files
    assert _draft_version(app) == version  # the same content hash


def test_only_the_course_editors_download_it(app, author, client_as, make_user):  # noqa: F811
    other = client_as(make_user("trainer", full_name="Otra Facilitadora"))
    assert other.get(f"{BASE}/descargar.zip").status_code == 404
    assert other.get(f"{BASE}/historial/1/descargar.zip").status_code == 404
    assert author.get(f"{BASE}/historial/999/descargar.zip").status_code == 404
    assert other.get(f"{BASE}/versiones/1/descargar.zip").status_code == 404
    assert author.get(f"{BASE}/descargar.zip").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(CourseDraft.course_slug)) == SLUG


LESSON_WITH_HEADINGS = """---
titulo: "Pedir ayuda"
minutos: 10
objetivos:
  - Pedir ayuda cuando la necesito.
---

## Por qué pedir ayuda

Pedir ayuda es parte del trabajo en equipo.

```text
## no es un título
```

## A quién pedirla

A otra persona socia o a la incubadora.

## Fuentes

- Conversaciones del equipo de la incubadora con los grupos.
"""


def _problems_of(app, path: str) -> list:
    from app.authoring import services as authoring

    with app.app_context():
        return authoring.workspace(SLUG).problems_of(path)


def test_an_easy_read_version_is_created_prefilled_and_checked(app, author):  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON_WITH_HEADINGS)
    stem = path[:-3]
    page = author.get(f"{BASE}/").get_data(as_text=True)
    action = f"{BASE}/lecciones/{stem}/lectura-facil"
    assert f'action="{action}"' in page and "Crear la versión simplificada" in page

    response = author.post(action)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/archivo/{stem}.lf.md")
    text = _draft_files(app)[f"{stem}.lf.md"].decode()
    assert text.startswith("---\ntitulo: Pedir ayuda (versión simplificada)\n---\n")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Por qué pedir ayuda", "## A quién pedirla", "## Lo más importante"]
    assert text.count("Escribe aquí") == 3
    # It checks as an easy-read file (no orphan, no header error); its example text is an
    # error until written (issue 21: example text must never be published).
    problems = _problems_of(app, f"{stem}.lf.md")
    assert problems and all(p.code == "placeholder-text" for p in problems), problems
    assert all(p.severity == "error" for p in problems), problems
    assert {p.line for p in problems} == {7, 11, 15}  # the three example lines
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "Editar la versión simplificada" in page and f'action="{action}"' not in page
    # A second one is refused, and the first is kept as it is.
    response = author.post(action, follow_redirects=True)
    assert "ya tiene su versión simplificada" in response.get_data(as_text=True)
    assert _draft_files(app)[f"{stem}.lf.md"].decode() == text


def test_a_lesson_with_an_easy_read_block_gets_no_second_version(app, author):  # noqa: F811
    path = _add_lesson(author, "Pedir ayuda")
    _save(author, path, LESSON)  # has a ::: lectura-facil block
    # The course page offers no button that could only be refused, and says why.
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert f'action="{BASE}/lecciones/{path[:-3]}/lectura-facil"' not in page
    assert "La versión simplificada está dentro de la lección (::: lectura-facil)." in page
    response = author.post(f"{BASE}/lecciones/{path[:-3]}/lectura-facil", follow_redirects=True)
    assert "lectura-facil" in response.get_data(as_text=True)
    assert f"{path[:-3]}.lf.md" not in _draft_files(app)


def test_orphans_are_listed_confirmed_and_deleted(app, author, client_as, make_user):  # noqa: F811
    path = _with_lesson_and_image(author)  # the image is uploaded but no page uses it
    download = author.get(f"{BASE}/descargar.zip").data
    buffer = io.BytesIO(download)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(f"{SLUG}/09-sin-leccion.lf.md", "---\ntitulo: Nada\n---\n\nHola.\n")
    assert confirm_upload(author, _upload(author, buffer.getvalue())).status_code == 302
    page = author.get(f"{BASE}/").get_data(as_text=True)
    assert "Archivos que nada usa" in page
    for rel in ("09-sin-leccion.lf.md", "media/asamblea.png"):
        assert f'href="{BASE}/sobrantes/{rel}"' in page
    assert f'href="{BASE}/sobrantes/{path}"' not in page
    assert author.get(f"{BASE}/sobrantes/{path}").status_code == 404  # used: not an orphan

    confirm = author.get(f"{BASE}/sobrantes/media/asamblea.png")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "¿Borrar media/asamblea.png del borrador?" in html
    assert "Ninguna página del curso usa este archivo" in html
    assert "media/asamblea.png" in _draft_files(app)  # a GET deletes nothing
    other = client_as(make_user("trainer", full_name="Otra Facilitadora"))
    assert other.post(f"{BASE}/sobrantes/media/asamblea.png").status_code == 404
    assert author.post(f"{BASE}/sobrantes/media/asamblea.png").status_code == 302
    assert author.post(f"{BASE}/sobrantes/09-sin-leccion.lf.md").status_code == 302
    files = _draft_files(app)
    assert "media/asamblea.png" not in files and "09-sin-leccion.lf.md" not in files
    assert path in files
    assert "Archivos que nada usa" not in author.get(f"{BASE}/").get_data(as_text=True)


def test_the_scenario_workshop_course_shows_its_orphan_page(app, scenario, client_as):
    """The page the browser suites reach (tests/browser/pages.py) answers 200 there."""
    from tests.browser.pages import PAGES

    page = next(p for p in PAGES if p.endpoint == "authoring.delete_orphan")
    client = client_as(scenario.users["trainer"])
    response = client.get(page.url(scenario))
    assert response.status_code == 200
    assert "¿Borrar media/sobrante.txt del borrador?" in response.get_data(as_text=True)
