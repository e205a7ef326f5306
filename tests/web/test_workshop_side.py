"""Write and see side by side (issue 21 §3): the preview beside the text box with each problem at
its place, «línea N» and line numbers, and the course's media library."""

from __future__ import annotations

import io
import re

import pytest

from app.authoring import media_library
from app.authoring import services as authoring
from app.authoring.uploads import MediaUpload
from app.extensions import db
from app.revisions import services as revisions
from app.revisions.models import CourseDraft, CourseRevision
from tests.helpers import NEW_COURSE_FORM, NEW_COURSE_SLUG
from tests.worlds import WORKSHOP_LESSON

SLUG = NEW_COURSE_SLUG
BASE = f"/formacion/taller/{SLUG}"
LESSON_PATH = "01-pedir-ayuda.md"

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(13)
PNG_2 = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(12) + b"\x01"
MP3 = b"ID3\x04\0\0\0\0\0\0" + b"\xff\xfb\x90\x64" + bytes(8)
MP4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + bytes(8)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
VTT = (
    "\ufeffWEBVTT\n\nNOTE hecho a mano\n\n1\n00:00.000 --> 00:02.000\n<v María>Hola, soy María.\n"
    "\n00:02.000 --> 00:05.000\n# Votamos: *todas* las socias [a mano alzada].\n"
    "- Y después, 3. cosas.\n"
).encode()
TRANSCRIPT = b"La presidenta abre la asamblea.\n\n::: nota\n1. Se vota el acta.\n"

BROKEN = WORKSHOP_LESSON.replace(
    "Pedir ayuda es parte del trabajo en equipo.\n",
    "Pedir ayuda es parte del trabajo en equipo.\n\n::: cuadro\nUn bloque con nombre mal escrito.\n"
    ":::\n\nOtro párrafo que sigue bien.\n",
)


@pytest.fixture
def author(client_as, make_user):
    client = client_as(make_user("trainer", full_name="Marta Facilitadora"))
    assert client.post("/formacion/taller/nuevo", data=NEW_COURSE_FORM).status_code == 302
    assert client.post(f"{BASE}/lecciones", data={"title": "Pedir ayuda"}).status_code == 302
    return client


def _base(client, path: str) -> str:
    html = client.get(f"{BASE}/archivo/{path}").get_data(as_text=True)
    return re.search(r'name="base" type="hidden" value="(\d+)"', html).group(1)


def _save(client, path: str, text: str):
    response = client.post(
        f"{BASE}/archivo/{path}", data={"text": text, "base": _base(client, path)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def _upload(client, name: str, data: bytes, alt: str = ""):
    response = client.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(data), name), "alt": alt},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def _draft(app) -> authoring.Workspace:
    with app.app_context():
        return authoring.workspace(SLUG)


def _draft_files(app) -> dict[str, bytes]:
    with app.app_context():
        draft = db.session.get(CourseDraft, SLUG)
        return revisions.revision_files(db.session.get(CourseRevision, draft.revision_id))


def _preview(html: str) -> str:
    return html.split('<section class="edit-preview"', 1)[1].split("</section>", 1)[0]


# --- the preview beside the text box -------------------------------------------------------------
def test_the_edit_page_shows_the_saved_text_rendered_beside_the_text_box(author):
    _save(author, LESSON_PATH, WORKSHOP_LESSON)
    html = author.get(f"{BASE}/archivo/{LESSON_PATH}").get_data(as_text=True)
    layout = html.split('<div class="edit-layout">', 1)[1]
    # The text box first, then the preview: side by side on a wide screen (CSS grid).
    assert layout.index('<textarea id="texto"') < layout.index('class="edit-preview"')
    assert 'aria-labelledby="vista-previa-titulo"' in html  # a labelled region
    preview = _preview(html)
    assert '<p class="preview-title">Pedir ayuda</p>' in preview
    assert "<p>Pedir ayuda es parte del trabajo en equipo.</p>" in preview
    assert 'aria-label="Lectura fácil"' in preview and "<p>Pedir ayuda está bien.</p>" in preview
    assert "preview-problem" not in preview  # no problems, no markers
    # Without the script the numbered listing of the saved text stays.
    assert 'id="linea-8"' in html and 'class="numbered-lines"' in html
    assert re.search(r'<script src="/static/js/editor\.js\?v=[0-9a-f]{12}" defer>', html)


def test_the_preview_renders_while_the_course_has_errors_each_problem_at_its_block(app, author):
    _save(author, LESSON_PATH, BROKEN.replace("minutos: 10", "minutos: diez"))
    ws = _draft(app)
    assert ws.course is None  # the course preview is refused; this one is not
    problems = ws.problems_of(LESSON_PATH)
    assert [(p.line, p.code) for p in problems] == [
        (3, "front-matter-bad-value"),
        (10, "container-unknown"),
    ]
    html = author.get(f"{BASE}/archivo/{LESSON_PATH}").get_data(as_text=True)
    preview = _preview(html)
    # The block made from line 10, then its marker (with its message and a link to the line),
    # then the next block.
    block = preview.index('id="vista-linea-10"')
    marker = preview.index('id="vista-problema-2"')
    following = preview.index("<p>Otro párrafo que sigue bien.</p>")
    assert block < preview.index("Un bloque con nombre mal escrito.") < marker < following
    assert 'class="preview-block preview-has-problem" id="vista-linea-10"' in preview
    marker_html = preview[marker : marker + 600]
    assert '<strong>Error</strong>, <a href="#linea-10"' in marker_html  # words, not colour
    assert "bloque desconocido ::: cuadro" in marker_html
    assert 'tabindex="-1"' in marker_html
    # A problem of the front matter is shown at the top, under the title.
    top = preview.index('id="vista-problema-1"')
    assert preview.index('class="preview-title"') < top < preview.index('id="vista-linea-8"')
    # The list of problems links to each marker.
    problem_list = html.split('id="problemas-archivo"', 1)[1].split("</section>", 1)[0]
    assert 'href="#vista-problema-1"' in problem_list
    assert 'href="#vista-problema-2"' in problem_list


def test_a_file_that_is_not_markdown_has_no_preview(author):
    _upload(author, "asamblea.vtt", VTT)
    html = author.get(f"{BASE}/archivo/media/asamblea.vtt").get_data(as_text=True)
    assert "edit-preview" not in html and 'id="insertar"' not in html


# --- the media library ---------------------------------------------------------------------------
def _course_with_media(author) -> None:
    _upload(author, "foto.png", PNG, alt="Ocho personas votan a mano alzada")
    _upload(author, "entrevista.mp3", MP3)
    _upload(author, "entrevista.txt", TRANSCRIPT)
    _upload(author, "asamblea.mp4", MP4)
    _upload(author, "asamblea.vtt", VTT)
    _upload(author, "Guía de principios.pdf", PDF)
    _upload(author, "sin-texto.mp3", MP3)
    lesson = WORKSHOP_LESSON.replace(
        "Pedir ayuda es parte del trabajo en equipo.\n",
        "Pedir ayuda es parte del trabajo en equipo.\n\n"
        "![Ocho personas votan a mano alzada](media/foto.png)\n",
    )
    _save(author, LESSON_PATH, lesson)


def test_the_library_lists_each_file_with_its_size_and_where_it_is_used(author):
    _course_with_media(author)
    html = author.get(f"{BASE}/biblioteca/").get_data(as_text=True)
    assert "<h1>Biblioteca de archivos</h1>" in html
    item = html.split('id="archivo-foto-png"', 1)[1].split("</li>\n  \n", 1)[0]
    assert "1 KB" in item
    assert f'href="{BASE}/archivo/{LESSON_PATH}#linea-10"' in item
    assert f"{LESSON_PATH}</span>, línea 10" in item
    unused = html.split('id="archivo-guia-de-principios-pdf"', 1)[1][:1500]
    assert "Ninguna página lo usa todavía." in unused
    # Reached from the course page.
    assert f'href="{BASE}/biblioteca/"' in author.get(f"{BASE}/").get_data(as_text=True)


def test_every_offered_snippet_passes_the_check_as_pasted(app, author):
    _course_with_media(author)
    with app.app_context():
        offered = media_library.offers(authoring.workspace(SLUG).files)
    snippets = {m.path: m.snippet for m in offered if m.snippet}
    assert set(snippets) == {
        "media/foto.png",
        "media/entrevista.mp3",
        "media/entrevista.txt",
        "media/asamblea.mp4",
        "media/guia-de-principios.pdf",
    }
    assert snippets["media/asamblea.mp4"].startswith(
        "::: video media/asamblea.mp4 subtitulos=media/asamblea.vtt\n"
    )
    # The transcript is the course's own text, escaped so it reads as written.
    assert "Hola, soy María." in snippets["media/asamblea.mp4"]
    assert snippets["media/entrevista.mp3"].startswith("::: audio media/entrevista.mp3\n")
    assert "\nnota\n1\\. Se vota el acta.\n:::" in snippets["media/entrevista.mp3"]
    lesson = WORKSHOP_LESSON.replace(
        "Pedir ayuda es parte del trabajo en equipo.\n",
        "Pedir ayuda es parte del trabajo en equipo.\n\n" + "\n\n".join(snippets.values()) + "\n",
    )
    _save(author, LESSON_PATH, lesson)
    ws = _draft(app)
    assert ws.problems_of(LESSON_PATH) == []
    body = "".join(b.html for b in ws.course.lessons[0].body)
    assert "<video" in body and "<audio" in body and "Votamos: *todas* las socias" in body


def test_what_cannot_be_offered_yet_says_what_to_upload(app, author):
    _course_with_media(author)
    _upload(author, "sin-subtitulos.mp4", MP4)
    with app.app_context():
        found = {m.path: m for m in media_library.library(authoring.workspace(SLUG).files)}
    assert found["media/sin-texto.mp3"].snippet == ""
    assert "media/sin-texto.txt" in found["media/sin-texto.mp3"].advice
    assert found["media/sin-subtitulos.mp4"].snippet == ""
    assert "media/sin-subtitulos.vtt" in found["media/sin-subtitulos.mp4"].advice
    assert found["media/asamblea.vtt"].snippet == ""  # inserted with its video
    html = author.get(f"{BASE}/biblioteca/").get_data(as_text=True)
    # The advice the upload check once kept for tests is shown to trainers here.
    assert found["media/sin-texto.mp3"].advice in html.replace("&amp;", "&")
    assert not hasattr(MediaUpload("media/x.mp3", "audio", ""), "advice")


def test_the_edit_page_offers_each_file_to_insert_and_a_page_to_copy_it_without_script(author):
    _course_with_media(author)
    html = author.get(f"{BASE}/archivo/{LESSON_PATH}").get_data(as_text=True)
    insert = html.split('id="insertar"', 1)[1].split("</details>", 1)[0]
    link = re.search(r'<a href="([^"]+)" class="insert-snippet" data-snippet="([^"]+)"', insert)
    assert link and "media/asamblea.mp4/insertar?volver=01-pedir-ayuda.md" in link.group(1)
    assert link.group(2).startswith("::: video media/asamblea.mp4 subtitulos=media/asamblea.vtt")
    assert "asamblea.vtt</span>" not in insert  # captions go with their video
    page = author.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert '<textarea id="fragmento-texto"' in page and "::: video media/asamblea.mp4" in page
    assert f'href="{BASE}/archivo/{LESSON_PATH}">Volver a {LESSON_PATH}' in page


def test_an_image_never_described_asks_for_its_description_first(author):
    _upload(author, "mapa.png", PNG, alt="Mapa de la comuna con las tres sedes")
    url = f"{BASE}/biblioteca/media/mapa.png/insertar"
    page = author.get(url).get_data(as_text=True)
    assert 'id="descripcion"' in page and "fragmento-texto" not in page
    refused = author.get(url, query_string={"descripcion": "foto"})
    assert refused.status_code == 400
    assert "Escribe qué muestra la imagen" in refused.get_data(as_text=True)
    done = author.get(url, query_string={"descripcion": "Mapa de la comuna con las tres sedes"})
    assert "![Mapa de la comuna con las tres sedes](media/mapa.png)" in done.get_data(as_text=True)


def test_replacing_a_file_keeps_its_name_in_a_new_revision(app, author):
    _course_with_media(author)
    before = _draft(app).revision_id
    url = f"{BASE}/biblioteca/media/foto.png/reemplazar"
    assert author.get(url).status_code == 200
    wrong = author.post(
        url, data={"file": (io.BytesIO(PDF), "otra.pdf")}, content_type="multipart/form-data"
    )
    assert wrong.status_code == 400
    assert "no es del mismo tipo que foto.png" in wrong.get_data(as_text=True)
    assert _draft(app).revision_id == before
    done = author.post(
        url, data={"file": (io.BytesIO(PNG_2), "nueva.png")}, content_type="multipart/form-data"
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/biblioteca/#archivo-foto-png")
    assert _draft(app).revision_id > before
    assert _draft_files(app)["media/foto.png"] == PNG_2


def test_deleting_a_used_file_asks_first_then_the_checker_reports_what_still_uses_it(app, author):
    _course_with_media(author)
    url = f"{BASE}/biblioteca/media/foto.png/borrar"
    confirm = author.get(url).get_data(as_text=True)
    assert "Todavía se usa en 1 lugar" in confirm and f"{LESSON_PATH}</span>, línea 10" in confirm
    assert "media/foto.png" in _draft_files(app)  # asking changed nothing
    done = author.post(url)
    assert done.status_code == 302 and done.headers["Location"].endswith("/#revision")
    assert "media/foto.png" not in _draft_files(app)
    problems = _draft(app).problems_of(LESSON_PATH)
    assert [(p.line, p.code) for p in problems] == [(10, "media-missing")]
    page = author.get(done.headers["Location"]).get_data(as_text=True)
    assert "no existe el archivo &#39;media/foto.png&#39;" in page


def test_the_library_is_for_the_course_editors_only(author, client_as, make_user):
    _course_with_media(author)
    other = client_as(make_user("trainer", full_name="Otra Persona"))
    for url in (
        f"{BASE}/biblioteca/",
        f"{BASE}/biblioteca/media/foto.png/insertar",
        f"{BASE}/biblioteca/media/foto.png/reemplazar",
        f"{BASE}/biblioteca/media/foto.png/borrar",
    ):
        assert other.get(url).status_code == 404
    assert author.get(f"{BASE}/biblioteca/media/nada.png/borrar").status_code == 404


def test_an_audio_upload_offers_what_passes_the_check_or_says_what_to_upload(author):
    lone = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(MP3), "sola.mp3"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert lone.headers["Location"].endswith("/biblioteca/#archivo-sola-mp3")
    page = author.get(lone.headers["Location"]).get_data(as_text=True)
    assert "Subiste media/sola.mp3. Para insertarlo, sube su transcripción" in page
    assert "media/sola.txt" in page
    _upload(author, "entrevista.txt", TRANSCRIPT)
    done = author.post(
        f"{BASE}/medios",
        data={"file": (io.BytesIO(MP3), "entrevista.mp3"), "alt": ""},
        content_type="multipart/form-data",
    )
    assert done.headers["Location"].endswith("/#fragmento")
    page = author.get(done.headers["Location"]).get_data(as_text=True)
    snippet = re.search(r'<textarea id="fragmento-texto"[^>]*>(.*?)</textarea>', page, re.S)
    assert snippet.group(1).startswith("::: audio media/entrevista.mp3\nLa presidenta abre")
