"""Listen: narration made offline by `flask courses narrate`, shown only when a file exists."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from app.course_store import get_store
from tests.helpers import FIXTURE_COURSES

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")
LESSON_1 = "/cursos/curso-prueba/01-que-es-una-cooperativa"
LESSON_2 = "/cursos/curso-prueba/02-trabajo-en-equipo"


@pytest.fixture
def narration_dir(app, tmp_path):
    """An empty narration folder for this test (the app's setting, restored afterwards)."""
    before = app.config["NARRATION_DIR"]
    app.config["NARRATION_DIR"] = str(tmp_path / "narration")
    yield Path(app.config["NARRATION_DIR"])
    app.config["NARRATION_DIR"] = before


def version_dir(app, root: Path) -> Path:
    with app.app_context():
        course = get_store().get("curso-prueba")
    return root / "curso-prueba" / course.version


def wav_info(path: Path) -> tuple[int, int, float]:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getnframes() / w.getframerate()


def player(html: str) -> str | None:
    match = re.search(r'<section class="listen".*?</section>', html, re.S)
    return match.group(0) if match else None


def test_no_player_without_a_file(client, narration_dir):
    html = client.get(LESSON_2).get_data(as_text=True)
    assert player(html) is None
    assert client.get("/cursos/curso-prueba/narracion/02-trabajo-en-equipo.mp3").status_code == 404


def test_trainer_recording_comes_first(client, narration_dir):
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


@needs_espeak
def test_narrate_makes_valid_wav_files_that_pages_use(app, client, runner, narration_dir):
    result = runner.invoke(args=["courses", "narrate", "--wav", "curso-prueba"])
    assert result.exit_code == 0, result.output
    folder = version_dir(app, narration_dir)
    made = sorted(p.name for p in folder.iterdir())
    # lesson 1 full text has a trainer's recording: not generated; lesson 3 has no easy read
    assert made == [
        "01-que-es-una-cooperativa.lf.wav",
        "02-trabajo-en-equipo.lf.wav",
        "02-trabajo-en-equipo.wav",
        "03-prueba-final.wav",
    ]
    for name in made:
        channels, width, seconds = wav_info(folder / name)
        assert channels == 1 and width == 2 and seconds > 1.0, name
        assert (folder / name).read_bytes()[:4] == b"RIFF"
    # the easy-read narration is longer than nothing and shorter than the full text
    assert (
        wav_info(folder / "02-trabajo-en-equipo.lf.wav")[2]
        < wav_info(folder / "02-trabajo-en-equipo.wav")[2]
    )

    html = client.get(LESSON_2).get_data(as_text=True)
    section = player(html)
    assert (
        '<source src="/cursos/curso-prueba/narracion/02-trabajo-en-equipo.wav" type="audio/wav">'
        in section
    )
    assert "Voz sintética" in section
    # the player sits above the text, which stays on the page
    assert html.index('class="listen"') < html.index("Trabajar en equipo permite repartir")
    easy = player(client.get(LESSON_2 + "?version=facil").get_data(as_text=True))
    assert "/narracion/02-trabajo-en-equipo.lf.wav" in easy
    easy_1 = player(client.get(LESSON_1 + "?version=facil").get_data(as_text=True))
    assert "/narracion/01-que-es-una-cooperativa.lf.wav" in easy_1

    response = client.get("/cursos/curso-prueba/narracion/02-trabajo-en-equipo.wav")
    assert response.status_code == 200
    assert response.mimetype in ("audio/wav", "audio/x-wav")
    assert response.data == (folder / "02-trabajo-en-equipo.wav").read_bytes()

    again = runner.invoke(args=["courses", "narrate", "--wav"])
    assert "narration: 0 made, 4 already there, 1 recorded by a trainer" in again.output


@needs_espeak
@pytest.mark.skipif(shutil.which("lame") is None, reason="lame missing")
def test_mp3_by_default_and_decodes_to_valid_audio(app, client, runner, narration_dir, tmp_path):
    result = runner.invoke(args=["courses", "narrate", "curso-prueba"])
    assert result.exit_code == 0, result.output
    mp3 = version_dir(app, narration_dir) / "02-trabajo-en-equipo.mp3"
    data = mp3.read_bytes()
    assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0)
    decoded = tmp_path / "back.wav"
    subprocess.run(["lame", "--quiet", "--decode", str(mp3), str(decoded)], check=True)
    assert wav_info(decoded)[2] > 1.0
    html = client.get(LESSON_2).get_data(as_text=True)
    assert 'type="audio/mpeg"' in player(html)
    response = client.get("/cursos/curso-prueba/narracion/02-trabajo-en-equipo.mp3")
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "02-trabajo-en-equipo.txt", "no-existe.mp3", "02-trabajo-en-equipo"],
)
def test_narration_route_serves_nothing_else(client, narration_dir, name):
    assert client.get(f"/cursos/curso-prueba/narracion/{name}").status_code == 404


def test_unknown_course_fails(runner, narration_dir):
    result = runner.invoke(args=["courses", "narrate", "no-existe"])
    assert result.exit_code == 1 and "unknown course: no-existe" in result.output
