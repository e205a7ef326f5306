"""A new version's book reuses the audio of every document its earlier book said the same way:
only what changed is spoken again, the reused audio is the same bytes, and the book still
passes EPUBCheck and the clip checks. `--rebuild` speaks everything again."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest

from app.books import services, speech
from app.books.checks import clip_problems, epubcheck
from app.books.models import CourseBook
from app.books.services import EarlierAudio, book_data, build_books
from app.extensions import db
from app.revisions.services import record_folder
from tests.helpers import FIXTURE_COURSES

pytestmark = [
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing"),
    pytest.mark.skipif(shutil.which("lame") is None, reason="lame missing"),
]
CHANGED = "Cada equipo elige cómo se reparte las tareas de la semana."
UNCHANGED = "Una cooperativa es una empresa"  # the start of a sentence of lesson 1


@pytest.fixture
def spoken(monkeypatch):
    said: list[str] = []
    real = speech.synthesize_wav

    def counting(text, out, **kw):
        said.append(text)
        real(text, out, **kw)

    monkeypatch.setattr(speech, "synthesize_wav", counting)
    return said


def audio(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {n: book.read(n) for n in book.namelist() if n.startswith("EPUB/audio/")}


def two_versions(tmp_path):
    """Revision 1 of the fixture course, and revision 2 with one sentence added to lesson 2."""
    first, _ = record_folder(FIXTURE_COURSES / "curso-prueba")
    folder = tmp_path / "curso-prueba"
    shutil.copytree(FIXTURE_COURSES / "curso-prueba", folder)
    lesson = folder / "02-trabajo-en-equipo.md"
    lesson.write_text(
        lesson.read_text().replace(
            "Trabajar en equipo permite", f"{CHANGED}\n\nTrabajar en equipo permite"
        )
    )
    second, created = record_folder(folder)
    assert created and second.id != first.id
    return first.id, second.id


def test_only_the_changed_lesson_is_spoken_again(app, tmp_path, spoken):
    with app.app_context():
        first, second = two_versions(tmp_path)
        (old,) = build_books(first, readings=("completo",))
        assert old.status == "ready", old.error
        old_index = json.loads(old.narration_index)
        assert {e["doc"] for e in old_index.values()} >= {
            "01-que-es-una-cooperativa",
            "02-trabajo-en-equipo",
        }
        assert any(t.startswith(UNCHANGED) for t in spoken)
        spoken.clear()

        (new,) = build_books(second, readings=("completo",))
        assert new.status == "ready", new.error
        new_index = json.loads(new.narration_index)
        changed = {e["doc"] for k, e in new_index.items() if k not in old_index}
        assert "02-trabajo-en-equipo" in changed
        assert "01-que-es-una-cooperativa" not in changed
        # What was spoken: sentences of the changed documents only.
        assert CHANGED in spoken
        assert not any(t.startswith(UNCHANGED) for t in spoken)

        before, after = audio(book_data(old)), audio(book_data(new))
        lesson_1 = "EPUB/audio/01-que-es-una-cooperativa.mp3"
        assert after[lesson_1] == before[lesson_1]  # the same bytes, not spoken again
        lesson_2 = "EPUB/audio/02-trabajo-en-equipo.mp3"
        assert len(after[lesson_2]) > len(before[lesson_2])  # one sentence longer
        reused = new_index[
            next(k for k, e in new_index.items() if e["doc"] == "01-que-es-una-cooperativa")
        ]
        assert (
            reused
            == old_index[
                next(k for k, e in old_index.items() if e["doc"] == "01-que-es-una-cooperativa")
            ]
        )

        path = tmp_path / "nuevo.epub"
        path.write_bytes(book_data(new))
        assert [str(f) for f in epubcheck(path)] == []
        assert clip_problems(path) == []
        db.session.rollback()


def test_a_rebuild_speaks_everything_again(app, tmp_path, spoken):
    with app.app_context():
        first, second = two_versions(tmp_path)
        build_books(first, readings=("completo",))
        spoken.clear()
        (book,) = build_books(second, readings=("completo",), rebuild=True)
        assert book.status == "ready", book.error
        assert any(t.startswith(UNCHANGED) for t in spoken)
        db.session.rollback()


def test_earlier_audio_that_cannot_be_read_is_spoken_again(app, tmp_path, spoken):
    with app.app_context():
        first, second = two_versions(tmp_path)
        (old,) = build_books(first, readings=("completo",))
        # The earlier book's index names a document its EPUB does not have.
        index = json.loads(old.narration_index)
        for entry in index.values():
            entry["doc"] = "no-existe"
        old.narration_index = json.dumps(index)
        db.session.flush()
        assert EarlierAudio("curso-prueba", exclude=second)(next(iter(index))) is None
        spoken.clear()
        (new,) = build_books(second, readings=("completo",))
        assert new.status == "ready", new.error
        assert any(t.startswith(UNCHANGED) for t in spoken)
        db.session.rollback()


def test_only_ready_books_of_the_same_course_lend_their_audio(app, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "book_bytes", lambda *a, **k: (b"not a zip", 1.0, {"k": {}}))
    with app.app_context():
        first, second = two_versions(tmp_path)
        build_books(first, readings=("completo",))
        book = db.session.query(CourseBook).filter_by(revision_id=first).one()
        assert json.loads(book.narration_index) == {"k": {}}
        assert EarlierAudio("curso-prueba", exclude=second)("k") is None  # not a zip
        assert EarlierAudio("otro-curso")._entries == {}
        book.status = "failed"
        db.session.flush()
        assert EarlierAudio("curso-prueba", exclude=second)._entries == {}
        db.session.rollback()
