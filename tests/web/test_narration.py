"""Listen: narration made on publish by the job queue, stored in the database, served by pages.

Jobs run in immediate mode here (each in the caller, at once); tests/web/test_narration_worker.py
runs a real worker process on the SQLite queue and on Redis.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import subprocess
import wave
import zipfile

import pytest
from sqlalchemy import select

from app import jobs
from app.content.narration import all_readings
from app.course_store import get_course
from app.extensions import db
from app.narration import services as narration
from app.narration.models import LessonNarration
from app.narration.services import zip_size
from app.revisions import services as revisions
from app.revisions.models import CourseBlob
from tests.helpers import FIXTURE_COURSES

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")
COURSE = "/cursos/curso-prueba/"
WORKSHOP = "/formacion/taller/curso-prueba/"
LESSON_1 = "/cursos/curso-prueba/01-que-es-una-cooperativa"
LESSON_2 = "/cursos/curso-prueba/02-trabajo-en-equipo"
# Lesson 1's full text has a trainer's recording; lesson 3 has no easy-read version.
NARRATED = {
    ("01-que-es-una-cooperativa", True),
    ("02-trabajo-en-equipo", False),
    ("02-trabajo-en-equipo", True),
    ("03-prueba-final", False),
}


@pytest.fixture
def narrating(app, make_app):
    """An app whose jobs run at once (immediate mode); the session's queue comes back after."""
    application = make_app(JOBS_IMMEDIATE=True, NARRATION_RETRY_SECONDS=0)
    yield application
    jobs.init_jobs(app)


def player(html: str) -> str | None:
    match = re.search(r'<section class="listen".*?</section>', html, re.S)
    return match.group(0) if match else None


def rows(application) -> list[LessonNarration]:
    with application.app_context():
        found = list(db.session.scalars(select(LessonNarration)))
        db.session.expunge_all()
        return found


def sync(application):
    result = application.test_cli_runner().invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    return result


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as w:
        return w.getnframes() / w.getframerate()


def test_no_player_before_the_narration_is_made(client):
    html = client.get(LESSON_2).get_data(as_text=True)
    assert player(html) is None
    assert client.get("/cursos/curso-prueba/narracion/02-trabajo-en-equipo.mp3").status_code == 404
    assert "Descargar el audio de las lecciones" not in client.get(COURSE).get_data(as_text=True)
    assert client.get("/cursos/curso-prueba/audio/completo.zip").status_code == 404


def test_trainer_recording_comes_first(client):
    section = player(client.get(LESSON_1).get_data(as_text=True))
    assert section is not None
    assert '<h2 id="escuchar">Escuchar esta lección</h2>' in section
    assert 'aria-labelledby="escuchar"' in section
    recording = FIXTURE_COURSES / "curso-prueba" / "01-que-es-una-cooperativa.mp3"
    version = hashlib.sha256(recording.read_bytes()).hexdigest()[:12]
    assert (
        f'src="/cursos/curso-prueba/archivos/01-que-es-una-cooperativa.mp3?v={version}"' in section
    )
    assert "Grabación de una persona" in section


def test_a_publish_without_a_worker_only_plans_the_jobs(app, runner):
    """The session's queue has no worker: a publish leaves the jobs waiting, pages unchanged."""
    waiting = jobs.pending_count()
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert jobs.pending_count() == waiting + 1  # one job per published version
    assert rows(app) == []


@needs_espeak
def test_a_publish_narrates_every_lesson_into_the_database_and_pages_play_it(
    narrating, client_as, make_user
):
    sync(narrating)
    made = rows(narrating)
    assert {r.status for r in made} == {"done"} and len(made) == len(NARRATED)
    client = narrating.test_client()
    with narrating.app_context():
        blobs = {r.blob_sha256: db.session.get(CourseBlob, r.blob_sha256) for r in made}
        assert all(b is not None and b.size > 1000 for b in blobs.values())

    admin = client_as(make_user("admin"), application=narrating)
    assert "Narración: 3 de 3 lecciones listas." in admin.get(WORKSHOP).get_data(as_text=True)

    html = client.get(LESSON_2).get_data(as_text=True)
    section = player(html)
    match = re.search(r'<source src="([^"]+)" type="(audio/[a-z]+)">', section)
    url, mimetype = match.groups()
    assert url.startswith("/cursos/curso-prueba/narracion/02-trabajo-en-equipo.")
    assert "Voz sintética" in section
    # the player sits above the text, which stays on the page
    assert html.index('class="listen"') < html.index("Trabajar en equipo permite repartir")
    easy = player(client.get(LESSON_2 + "?version=facil").get_data(as_text=True))
    assert "/narracion/02-trabajo-en-equipo.lf." in easy
    easy_1 = player(client.get(LESSON_1 + "?version=facil").get_data(as_text=True))
    assert "/narracion/01-que-es-una-cooperativa.lf." in easy_1

    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == mimetype
    # The download names its size as the course page names the books' (the file_size filter)
    # and its format.
    size = re.search(r"Descargar el audio \((\d+) kB, (MP3|WAV)\)</a>", section)
    assert size is not None, section
    assert int(size.group(1)) == max(1, round(len(response.data) / 1024))
    assert size.group(2) == ("MP3" if mimetype == "audio/mpeg" else "WAV")
    digest = hashlib.sha256(response.data).hexdigest()
    assert digest in blobs and response.headers["ETag"] == f'"{digest}"'
    assert "max-age=31536000" in response.headers["Cache-Control"]  # the URL names its bytes
    assert url.split("?")[0].rsplit("/", 1)[1] in response.headers["Content-Disposition"]
    if mimetype == "audio/mpeg":
        data = response.data
        assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    else:
        assert wav_seconds(response.data) > 1.0
    again = client.get(url, headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == response.data[:100]


@needs_espeak
@pytest.mark.skipif(shutil.which("lame") is None, reason="lame missing")
def test_the_narration_is_mp3_that_decodes_to_speech(narrating, tmp_path):
    sync(narrating)
    made = rows(narrating)
    assert {r.mimetype for r in made} == {"audio/mpeg"}
    response = narrating.test_client().get(
        "/cursos/curso-prueba/narracion/02-trabajo-en-equipo.mp3"
    )
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    mp3 = tmp_path / "lesson.mp3"
    mp3.write_bytes(response.data)
    decoded = tmp_path / "back.wav"
    subprocess.run(["lame", "--quiet", "--decode", str(mp3), str(decoded)], check=True)
    assert wav_seconds(decoded.read_bytes()) > 1.0


@needs_espeak
def test_an_unchanged_text_is_never_narrated_twice(narrating, tmp_path):
    sync(narrating)
    before = {r.key: (r.attempts, r.updated_at) for r in rows(narrating)}
    # The operator's command finds everything made: nothing enqueued.
    result = narrating.test_cli_runner().invoke(args=["courses", "narrate"])
    assert "narration: 0 enqueued for the worker, 4 made or waiting already, 1 recorded" in (
        result.output
    )
    # A new version where one lesson changed: only that text is narrated.
    folder = tmp_path / "curso-prueba"
    shutil.copytree(FIXTURE_COURSES / "curso-prueba", folder)
    lesson = folder / "02-trabajo-en-equipo.md"
    text = lesson.read_text("utf-8").replace("las tareas", "las tareas del día", 1)
    lesson.write_text(text, "utf-8")
    with narrating.app_context():
        revision, created = revisions.record_folder(folder)
        assert created and revisions.publish(revision)
        db.session.commit()
    after = {r.key: (r.attempts, r.updated_at) for r in rows(narrating)}
    assert len(after) == len(before) + 1
    assert all(after[key] == value for key, value in before.items())


@needs_espeak
def test_a_narration_that_keeps_failing_is_retried_then_reported(
    make_app, app, caplog, client_as, make_user
):
    failing = make_app(
        JOBS_IMMEDIATE=True,
        NARRATION_RETRY_SECONDS=0,
        NARRATION_ATTEMPTS=2,
        NARRATION_VOICE="zz-nada",  # espeak-ng refuses it
    )
    try:
        with caplog.at_level(logging.ERROR, logger="aula.narration"):
            sync(failing)
    finally:
        jobs.init_jobs(app)
    made = rows(failing)
    assert len(made) == len(NARRATED)
    assert {(r.status, r.attempts) for r in made} == {("failed", 2)}
    assert all("CalledProcessError" in r.error for r in made)
    assert "failed after 2 attempts" in caplog.text
    assert player(failing.test_client().get(LESSON_2).get_data(as_text=True)) is None
    admin = client_as(make_user("admin"), application=failing)
    page = admin.get(WORKSHOP).get_data(as_text=True)
    assert "Narración: 0 de 3 lecciones listas." in page
    notice = re.search(
        r'<div class="notice" role="status" id="narracion-fallida">.*?</div>', page, re.S
    )
    names = re.findall(r"<li>([^<]+)</li>", notice.group(0))
    assert names == [
        "¿Qué es una cooperativa? (lectura fácil)",
        "Trabajo en equipo",
        "Trabajo en equipo (lectura fácil)",
        "Prueba final",
    ]


@needs_espeak
def test_narration_blobs_are_kept_by_a_prune(narrating):
    sync(narrating)
    with narrating.app_context():
        revisions.prune_drafts()
        db.session.commit()
        for row in db.session.scalars(select(LessonNarration)):
            assert db.session.get(CourseBlob, row.blob_sha256) is not None


@needs_espeak
def test_every_lesson_audio_downloads_as_one_zip_per_reading_version(narrating):
    sync(narrating)
    client = narrating.test_client()
    page = client.get(COURSE).get_data(as_text=True)
    links = dict(
        re.findall(
            r'<a href="(/cursos/curso-prueba/audio/[a-z]+\.zip\?v=[0-9a-f]{12})" download>'
            r"([^<]+)</a>",
            page,
        )
    )
    assert len(links) == 2, page
    full_url = next(u for u in links if "/completo.zip" in u)
    easy_url = next(u for u in links if "/facil.zip" in u)
    assert re.fullmatch(r"Descargar el audio de las lecciones \(\d+ kB\)", links[full_url])
    assert "lectura fácil" in links[easy_url] or "versión simplificada" in links[easy_url]
    full_page = client.get("/cursos/curso-prueba/completo").get_data(as_text=True)
    assert full_url in full_page and easy_url in full_page

    response = client.get(full_url)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "curso-prueba-audio.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert [n.rsplit(".", 1)[0] for n in names] == [
        "01-que-es-una-cooperativa",
        "02-trabajo-en-equipo",
        "03-prueba-final",
    ]
    recording = FIXTURE_COURSES / "curso-prueba" / "01-que-es-una-cooperativa.mp3"
    assert archive.read("01-que-es-una-cooperativa.mp3") == recording.read_bytes()
    shown = int(re.search(r"\((\d+) kB\)", links[full_url]).group(1))
    assert shown == round(len(response.data) / 1024)
    assert zip_size([_Entry(i.filename, i.file_size) for i in archive.infolist()]) == len(
        response.data
    )

    easy = zipfile.ZipFile(io.BytesIO(client.get(easy_url).data))
    assert [n.rsplit(".", 1)[0] for n in easy.namelist()] == [
        "01-que-es-una-cooperativa.lf",
        "02-trabajo-en-equipo.lf",
        "03-prueba-final",  # no easy-read version: its full text, as the pages show it
    ]
    assert easy.read(easy.namelist()[2]) == archive.read(names[2])


class _Entry:
    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size


@needs_espeak
def test_the_operator_command_makes_them_here_with_now(make_app):
    operator = make_app()  # its own index of narrations: the session's app stays without
    runner = operator.test_cli_runner()
    result = runner.invoke(args=["courses", "narrate", "--now", "curso-prueba"])
    assert result.exit_code == 0, result.output
    assert "narration: 4 made, 0 already there, 0 failed, 1 recorded by a trainer" in (
        result.output
    )
    assert {(r.status, r.attempts) for r in rows(operator)} == {("done", 1)}
    again = runner.invoke(args=["courses", "narrate", "--now", "curso-prueba"])
    assert "narration: 0 made, 4 already there, 0 failed" in again.output
    assert "/narracion/02-trabajo-en-equipo." in operator.test_client().get(LESSON_2).get_data(
        as_text=True
    )


def test_unknown_course_fails(runner):
    result = runner.invoke(args=["courses", "narrate", "no-existe"])
    assert result.exit_code == 1 and "unknown course: no-existe" in result.output


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "02-trabajo-en-equipo.txt", "no-existe.mp3", "02-trabajo-en-equipo"],
)
def test_narration_route_serves_nothing_else(client, name):
    assert client.get(f"/cursos/curso-prueba/narracion/{name}").status_code == 404


@needs_espeak
def test_a_lesson_says_its_audio_is_on_its_way_until_it_is_made_or_fails(app, make_app):
    # A worker that has planned the narration but not made it yet (no job runs here).
    waiting = make_app(NARRATION_RETRY_SECONDS=0)
    try:
        sync(waiting)
        with waiting.app_context():
            course = get_course("curso-prueba")
            readings = all_readings(course, narration.voice(), narration.words_per_minute())
            assert len(narration.plan(readings)) == len(NARRATED)
            lesson_2 = course.lesson("02-trabajo-en-equipo")
        client = waiting.test_client()
        section = player(client.get(LESSON_2).get_data(as_text=True))
        assert section is not None and "<audio" not in section
        assert '<h2 id="escuchar">Escuchar esta lección</h2>' in section
        assert "se está preparando y estará aquí en unos minutos" in section
        # The course page says the same of the lessons' audio as one download.
        note = "El audio de las lecciones para descargar se está preparando"
        page = client.get(COURSE).get_data(as_text=True)
        assert note in page and "Descargar el audio de las lecciones" not in page
        # The trainer's recording plays at once: no note.
        first = player(client.get(LESSON_1).get_data(as_text=True))
        assert "<audio" in first and "se está preparando" not in first

        with waiting.app_context():
            full = narration.lesson_reading(lesson_2, False)
            narration.make_clip(full.key, full.text, voice_name=narration.voice(), wpm=150)
            easy = narration.lesson_reading(lesson_2, True)
            assert narration.record_failure(easy.key, narration.voice(), OSError("x"), allowed=1)
        made = player(client.get(LESSON_2).get_data(as_text=True))
        assert "<audio" in made and "se está preparando" not in made
        # Failed for good: no promise (the workshop names it).
        assert player(client.get(LESSON_2 + "?version=facil").get_data(as_text=True)) is None

        # Another process learns the same from the database.
        with waiting.app_context():
            narration.refresh_index()
            state = waiting.extensions[narration.EXTENSION_KEY]
            assert full.key in state["clips"] and full.key not in state["pending"]
            assert easy.key not in state["pending"]
            assert {r.key for r in readings if r.key} - {full.key, easy.key} <= state["pending"]
            # Once nothing is on its way (the rest failed too), no download is promised.
            for r in readings:
                if r.key and r.key not in state["clips"] and r.key in state["pending"]:
                    narration.record_failure(r.key, narration.voice(), OSError("x"), allowed=1)
        assert note not in client.get(COURSE).get_data(as_text=True)
    finally:
        jobs.init_jobs(app)
