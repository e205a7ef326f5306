"""The books pass EPUBCheck (0 fatal, 0 errors, 0 warnings) and DAISY Ace (0 violations), and
their Media Overlays are right; the negative controls prove that each check bites.

Runs in `make test`, offline: the fixture course (both reading versions) and the smallest
shipped course (its full text; `make books` checks every version of every course). The books
are built once for the module by `build_books`, as the job worker builds them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from app.books.checks import ace, clip_problems, epubcheck
from app.books.services import book_data, build_books
from app.extensions import db
from app.revisions.services import record_folder
from tests.helpers import FIXTURE_COURSES

# The smallest shipped course by the size of its text (the build time follows it).
SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "asociatividad"
BOOKS = [("curso-prueba", "completo"), ("curso-prueba", "facil"), ("asociatividad", "completo")]

pytestmark = pytest.mark.nodb  # no database of its own to test: not run again on PostgreSQL


@pytest.fixture(scope="module")
def books(app, tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("books")
    found = {}
    with app.app_context():
        for course_folder, readings in (
            (FIXTURE_COURSES / "curso-prueba", ("completo", "facil")),
            (SHIPPED, ("completo",)),
        ):
            revision, _ = record_folder(course_folder)
            for book in build_books(revision.id, readings=readings):
                assert book.status == "ready", book.error
                path = folder / f"{course_folder.name}-{book.reading}.epub"
                path.write_bytes(book_data(book))
                found[(course_folder.name, book.reading)] = path
        db.session.rollback()
    return found


def rezip(source: Path, target: Path, change) -> Path:
    """A copy of the book SOURCE with its package document changed by CHANGE (mimetype first
    and stored, as in the original)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("package.opf"):
                data = change(data.decode()).encode()
            new.writestr(info, data, compress_type=info.compress_type)
    return target


@pytest.mark.parametrize("key", BOOKS, ids=["-".join(k) for k in BOOKS])
def test_epubcheck_reports_nothing(books, key):
    assert [str(f) for f in epubcheck(books[key])] == []


@pytest.mark.parametrize("key", BOOKS, ids=["-".join(k) for k in BOOKS])
def test_ace_reports_no_violation(books, key):
    assert [str(f) for f in ace(books[key])] == []


@pytest.mark.parametrize("key", BOOKS, ids=["-".join(k) for k in BOOKS])
def test_every_clip_begins_before_it_ends_in_order_within_its_audio(books, key):
    assert clip_problems(books[key]) == []


def test_a_book_without_media_duration_fails_epubcheck(books, tmp_path):
    broken = rezip(
        books[("curso-prueba", "completo")],
        tmp_path / "sin-duracion.epub",
        lambda opf: re.sub(r'<meta property="media:duration"[^>]*>[^<]*</meta>\n?', "", opf),
    )
    findings = epubcheck(broken)
    assert any(f.severity == "ERROR" and "duration" in f.message for f in findings), findings
    assert "no total media:duration" in clip_problems(broken)


def test_a_book_without_accessibility_metadata_fails_ace(books, tmp_path):
    broken = rezip(
        books[("curso-prueba", "completo")],
        tmp_path / "sin-accesibilidad.epub",
        lambda opf: re.sub(
            r'<meta property="(schema|dcterms:conformsTo|a11y)[^"]*">[^<]*</meta>\n?', "", opf
        ),
    )
    titles = {f.id.lower() for f in ace(broken)}
    assert any("accessmode" in t for t in titles), titles
    assert any("accessibilitysummary" in t for t in titles), titles


def test_the_clip_check_finds_clips_out_of_order_or_past_the_audio(books, tmp_path):
    source = books[("curso-prueba", "completo")]
    target = tmp_path / "clips.epub"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("portada.smil"):
                text = data.decode()
                # The first clip made to end where it begins, the last one far past the audio.
                text = re.sub(r'clipEnd="[0-9.]+s"', 'clipEnd="0.000s"', text, count=1)
                ends = re.findall(r'clipEnd="([0-9.]+)s"', text)
                text = text.replace(f'clipEnd="{ends[-1]}s"', 'clipEnd="9999.000s"')
                data = text.encode()
            new.writestr(info, data, compress_type=info.compress_type)
    problems = clip_problems(target)
    assert any("begins at or after its end" in p for p in problems), problems
    assert any("ends after the audio" in p for p in problems), problems


def test_the_book_holds_the_lessons_practice_questions_answers_and_navigation(books):
    with zipfile.ZipFile(books[("curso-prueba", "completo")]) as book:
        first = book.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert book.read("mimetype") == b"application/epub+zip"
        nav = book.read("EPUB/nav.xhtml").decode()
        lesson = book.read("EPUB/text/01-que-es-una-cooperativa.xhtml").decode()
        smil = book.read("EPUB/smil/01-que-es-una-cooperativa.smil").decode()
        answers = book.read("EPUB/text/respuestas.xhtml").decode()
        opf = book.read("EPUB/package.opf").decode()
    assert 'epub:type="toc"' in nav and 'epub:type="landmarks"' in nav
    assert 'href="text/01-que-es-una-cooperativa.xhtml#c-que-es"' in nav
    # Every narrated sentence of the page has its clip, in reading order.
    ids = re.findall(r'id="(frase-\d+)"', lesson)
    assert ids and re.findall(r"#(frase-\d+)", smil) == ids
    # The image with its description (narrated), the table, the sources.
    assert re.search(
        r'<img src="../imagenes/[0-9a-f]+\.png" alt="Un grupo de personas sentadas', lesson
    )
    assert '<th scope="col"><span' in lesson and 'id="c-fuentes"' in lesson
    # Links between lessons stay in the book; no video player, its transcript kept.
    assert 'href="02-trabajo-en-equipo.xhtml#c-por-que-en-equipo"' in lesson
    assert "<video" not in lesson and "Una socia explica cómo votan" in lesson
    assert '<details id="transcripcion-1" open="open">' in lesson
    # Practice questions in the lesson, their answers at the end of the book.
    assert 'id="practica-repaso-cooperativas"' in lesson
    assert 'href="respuestas.xhtml#respuestas-repaso-cooperativas"' in lesson
    assert 'id="respuestas-repaso-cooperativas"' in answers and "Respuesta correcta" in answers
    assert 'href="01-que-es-una-cooperativa.xhtml#pregunta-repaso-cooperativas-p1"' in answers
    assert opf.index("text/respuestas.xhtml") > opf.index("text/03-prueba-final.xhtml")
    assert (
        '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>'
        in opf
    )
    assert '<meta property="schema:accessibilityFeature">synchronizedAudioText</meta>' in opf
    assert "<dc:language>es-CL</dc:language>" in opf


def test_the_easy_read_book_reads_the_easy_read_texts(books):
    with zipfile.ZipFile(books[("curso-prueba", "facil")]) as book:
        lesson = book.read("EPUB/text/01-que-es-una-cooperativa.xhtml").decode()
        opf = book.read("EPUB/package.opf").decode()
    assert "Una cooperativa es un grupo de personas." in lesson
    assert "Adhesión voluntaria" not in lesson
    assert "<dc:title>Curso de prueba (lectura fácil)</dc:title>" in opf
