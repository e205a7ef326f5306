"""Zips are refused from their end record when they hold too many entries, folders included, and
file names with control or invisible characters are refused in zips and media uploads (issue 25).

A 107 MB zip of 880,000 empty folder entries was accepted in 7 s and took the worker from 169 to
711 MB; a name with U+202E (right-to-left override) shows "foto-gnp.exe" as "foto-exe.png".
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from app.authoring.uploads import (
    ZIP_MAX_ENTRIES,
    UploadRefused,
    check_media_upload,
    read_course_zip,
)

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(13)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
COURSE = {
    "course.md": b"---\ntitulo: Curso de prueba\n---\n\nBienvenida.\n",
    "01-inicio.md": "---\ntitulo: Inicio\n---\n\n## Qué es\n\nTexto.\n".encode(),
}
ALT = "Diez personas sentadas en círculo levantan la mano"


def zip_of(files: dict[str, bytes], folders: int = 0, folder_name: str = "vacia") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        for n in range(folders):
            zf.writestr(zipfile.ZipInfo(f"{folder_name}{n}/"), b"")
    return buf.getvalue()


def refusal(data, **kwargs) -> str:
    with pytest.raises(UploadRefused) as caught:
        read_course_zip(data, **kwargs)
    return caught.value.message


def forbid_listing(monkeypatch) -> None:
    """From now on, zipfile may not parse a zip's directory (the end record must refuse it)."""

    def refuse(self):
        raise AssertionError("the directory was parsed; the end record had to refuse the zip")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", refuse)


# --- entries ---------------------------------------------------------------------------------


def test_empty_folders_count_and_the_zip_is_refused_before_its_directory_is_read(monkeypatch):
    data = zip_of(COURSE, folders=ZIP_MAX_ENTRIES)
    forbid_listing(monkeypatch)
    message = refusal(data)
    many, most = (f"{n:,}".replace(",", ".") for n in (ZIP_MAX_ENTRIES + 2, ZIP_MAX_ENTRIES))
    assert message == (
        f"el zip tiene {many} entradas (archivos y carpetas) y el máximo es {most}; comprime "
        "solo la carpeta del curso, sin carpetas vacías ni copias"
    )


def test_a_zip_of_a_hundred_thousand_folders_is_refused_fast_and_in_little_memory():
    """The finding, scaled down (880,000 folders in 107 MB): time and memory do not grow with
    the entries, the directory is never listed."""
    data = zip_of(COURSE, folders=100_000, folder_name="c" * 60)
    assert len(data) > 10_000_000
    stream = io.BytesIO(data)
    tracemalloc.start()
    start = time.process_time()  # CPU time: the work, not the wait for a busy core
    try:
        message = refusal(stream)
        elapsed = time.process_time() - start
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "el zip tiene 100.002 entradas" in message
    assert elapsed < 0.5, elapsed
    assert peak < 1_000_000, peak  # bytes: the end record only, nothing per entry


def test_an_end_record_that_understates_the_entries_is_caught_after_listing():
    data = bytearray(zip_of(COURSE, folders=600))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 2, 2)  # "2 entries", on this disk and in all
    message = refusal(bytes(data), max_entries=500)
    assert "el zip tiene 602 entradas (archivos y carpetas) y el máximo es 500" in message


def test_a_directory_too_big_for_its_entries_is_refused(monkeypatch):
    # 1,200 entries (under the count) with names of 1,000 characters: a directory of 1.2 MB.
    data = zip_of(COURSE, folders=1_200, folder_name="n" * 1_000)
    forbid_listing(monkeypatch)
    message = refusal(data)
    assert message.startswith("el índice del zip pesa 1,3 MB y el máximo es 1 MB: tiene")


def test_a_mac_zip_of_five_hundred_files_with_its_copies_and_folders_is_accepted():
    files = {f"curso/{name}": data for name, data in COURSE.items()}
    files |= {f"curso/media/nota-{i}.txt": b"hola" for i in range(498)}
    files |= {
        f"__MACOSX/{name.rpartition('/')[0]}/._{name.rpartition('/')[2]}": b"x" for name in files
    }
    data = zip_of(files, folders=3)
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 1003
    upload = read_course_zip(io.BytesIO(data))  # a file, as the upload view passes it
    assert upload.folder_name == "curso" and len(upload.files) == 500


# --- names -----------------------------------------------------------------------------------

UNSAFE = [
    ("\u202e", "U+202E"),  # right-to-left override
    ("\u2066", "U+2066"),  # left-to-right isolate
    ("\u200b", "U+200B"),  # zero-width space
    ("\u200f", "U+200F"),  # right-to-left mark
    ("\ufeff", "U+FEFF"),  # zero-width no-break space
    ("\u00ad", "U+00AD"),  # soft hyphen
    ("\u0085", "U+0085"),  # next line (a C1 control)
    ("\u2028", "U+2028"),  # line separator
    ("\x1b", "U+001B"),  # escape
]


@pytest.mark.parametrize("char, code", UNSAFE)
def test_zip_entries_with_invisible_or_control_characters_are_refused(char, code):
    name = f"media/foto{char}gnp.pdf"
    message = refusal(zip_of({**COURSE, name: PDF}))
    assert message.startswith(
        f"el nombre «media/foto?gnp.pdf» del zip tiene caracteres de control o invisibles "
        f"({code}), que pueden esconder o dar vuelta parte del nombre; cámbiale el nombre"
    )
    assert char not in message


def test_a_folder_with_a_bidi_override_is_refused_too():
    message = refusal(zip_of({f"curso\u202e/{k}": v for k, v in COURSE.items()}))
    assert "«curso?/" in message and "U+202E" in message


@pytest.mark.parametrize("char, code", UNSAFE)
def test_media_files_with_invisible_or_control_characters_are_refused(char, code):
    with pytest.raises(UploadRefused) as caught:
        check_media_upload(f"guia{char}fdp.pdf", PDF, alt=None)
    assert caught.value.message.startswith(
        f"el nombre «guia?fdp.pdf» tiene caracteres de control o invisibles ({code})"
    )


def test_names_with_accents_and_spaces_are_still_accepted():
    assert check_media_upload("Foto Asamblea Ñuñoa.png", PNG, alt=ALT).path == (
        "media/foto-asamblea-nunoa.png"
    )
    files = read_course_zip(zip_of({**COURSE, "media/guía de la asamblea.pdf": PDF})).files
    assert "media/guía de la asamblea.pdf" in files


def test_the_media_upload_page_shows_the_refusal(app, client_as, make_user):
    client = client_as(make_user("trainer"))
    new = {
        "title": "Curso de nombres",
        "summary": "Un curso.",
        "audience": "Grupos",
        "hours": "1",
        "level": "inicial",
        "licence": "CC BY-SA 4.0",
        "authors": "Equipo",
    }
    assert client.post("/formacion/taller/nuevo", data=new).status_code == 302
    response = client.post(
        "/formacion/taller/curso-de-nombres/medios",
        data={"file": (io.BytesIO(PDF), "guia\u202efdp.pdf"), "target": "", "alt": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "El nombre «guia?fdp.pdf» tiene caracteres de control o invisibles (U+202E)" in html
    assert "\u202e" not in html
