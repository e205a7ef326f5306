"""The one rule for a lesson's audio file names (recorded by a trainer or made by the worker)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.books.services import download_name
from app.content import load_course
from app.content.narration import narration_filename, parse_narration_filename
from tests.content.helpers import FIXTURES


@pytest.mark.parametrize(
    ("slug", "easy", "ext", "name"),
    [
        ("01-que-es", False, ".mp3", "01-que-es.mp3"),
        ("01-que-es", True, ".mp3", "01-que-es.lf.mp3"),
        ("02-equipo", True, ".ogg", "02-equipo.lf.ogg"),
        ("02-equipo", False, ".wav", "02-equipo.wav"),
    ],
)
def test_a_name_says_lesson_version_and_format_and_reads_back(slug, easy, ext, name):
    assert narration_filename(slug, easy, ext) == name
    assert parse_narration_filename(name) == (slug, easy, ext)


@pytest.mark.parametrize("name", ["mp3", ".mp3", ""])
def test_a_name_without_lesson_or_extension_names_nothing(name):
    assert parse_narration_filename(name) is None


def test_a_stem_that_ends_in_lf_without_extension_is_not_the_easy_read_version():
    assert parse_narration_filename("01-que-es.lf") == ("01-que-es", False, ".lf")


def test_downloads_name_the_easy_read_version_as_its_pages_do():
    """«Lectura fácil» only when the course's easy-read texts were validated with readers: the
    book and the audio .zip of a course that was not say «versión simplificada»."""
    validated, _problems = load_course(FIXTURES / "courses" / "curso-prueba")
    assert validated.easy_read_validation is not None
    plain = replace(validated, easy_read_validation=None)
    assert validated.easy_reading_file_part == "lectura-facil"
    assert plain.easy_reading_file_part == "version-simplificada"
    assert download_name(plain, "facil") == "curso-prueba-version-simplificada-libro-con-audio.epub"
    assert download_name(plain, "completo") == "curso-prueba-libro-con-audio.epub"
