"""Uploads from the trainer's browser workspace: one media file, or a whole course as .zip.

Every test builds its attack in memory (bytes, zipfile on BytesIO) and asserts the refusal: the
kind of message (a key phrase) and the file or entry it names.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from app.authoring.uploads import (
    MAX_BYTES,
    MB,
    CourseZip,
    MediaUpload,
    UploadRefused,
    check_media_upload,
    read_course_zip,
    safe_name,
    sniff_type,
)
from app.content.loader import _hidden, load_course
from app.content.media_types import MEDIA_EXT

pytestmark = pytest.mark.nodb

SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "cooperativa-en-marcha"

# --- minimal files of each type --------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(13)
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + bytes(8)
GIF = b"GIF89a" + bytes(10)
WEBP = b"RIFF\x1a\0\0\0WEBPVP8 " + bytes(10)
MP3_ID3 = b"ID3\x04\0\0\0\0\0\0" + b"\xff\xfb\x90\x64" + bytes(8)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(12)  # MPEG-1 layer III, no ID3 tag
OGG = b"OggS\0\x02" + bytes(22) + b"OpusHead"
WAV = b"RIFF$\0\0\0WAVEfmt " + bytes(12)
M4A = b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42isom" + bytes(4)
M4A_AS_MP42 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom" + bytes(4)
MP4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2" + bytes(8)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(8)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
VTT = "\ufeffWEBVTT\n\n00:00.000 --> 00:02.000\nHola, soy María.\n".encode()
TXT = "Guía para la asamblea.\nÑuñoa, 2026.\n".encode()
HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(4)
HTML = b"<!DOCTYPE html>\n<html><script>alert(document.cookie)</script></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
ELF = b"\x7fELF\x02\x01\x01" + bytes(9)
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"

ALT = "Diez personas sentadas en círculo levantan la mano"

# One good sample for every extension the checker publishes: (file name, bytes, kind).
SAMPLES = {
    ".jpg": ("foto.jpg", JPEG, "image"),
    ".jpeg": ("foto.jpeg", JPEG, "image"),
    ".png": ("foto.png", PNG, "image"),
    ".gif": ("foto.gif", GIF, "image"),
    ".webp": ("foto.webp", WEBP, "image"),
    ".mp3": ("entrevista.mp3", MP3_ID3, "audio"),
    ".ogg": ("entrevista.ogg", OGG, "audio"),
    ".oga": ("entrevista.oga", OGG, "audio"),
    ".opus": ("entrevista.opus", OGG, "audio"),
    ".m4a": ("entrevista.m4a", M4A, "audio"),
    ".wav": ("entrevista.wav", WAV, "audio"),
    ".mp4": ("asamblea.mp4", MP4, "video"),
    ".webm": ("asamblea.webm", WEBM, "video"),
    ".vtt": ("asamblea.vtt", VTT, "captions"),
    ".pdf": ("guia.pdf", PDF, "pdf"),
    ".txt": ("notas.txt", TXT, "text"),
}

COURSE = {
    "course.md": b"---\ntitulo: Curso de prueba\n---\n\nBienvenida.\n",
    "01-inicio.md": "---\ntitulo: Inicio\n---\n\n## Qué es\n\nTexto.\n".encode(),
}


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(UploadRefused) as caught:
        call(*args, **kwargs)
    assert str(caught.value) == caught.value.message
    return caught.value.message


def media_refusal(filename: str, data: bytes, **kwargs) -> str:
    kwargs.setdefault("alt", ALT)
    return refusal(check_media_upload, filename, data, **kwargs)


def build_zip(
    files: dict[str, bytes], *, top: str = "", method: int = zipfile.ZIP_DEFLATED, edit=None
) -> bytes:
    """A zip of FILES (under TOP/ when given); EDIT(zf) runs before the central directory is
    written, so it can change what the headers declare."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in files.items():
            zf.writestr(top + name, data)
        if edit is not None:
            edit(zf)
    return buf.getvalue()


def zip_refusal(data: bytes, **kwargs) -> str:
    return refusal(read_course_zip, data, **kwargs)


def forbid_reading(monkeypatch) -> None:
    """From now on, opening any zip entry fails the test (the zip must be built before)."""

    def refuse(*args, **kwargs):
        raise AssertionError("an entry was read; the headers alone had to refuse the zip")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def write_zeros(zf: zipfile.ZipFile, name: str, megabytes: int) -> None:
    """Write MEGABYTES MB of zeros as one entry, a megabyte at a time (never all in memory)."""
    block = bytes(MB)
    with zf.open(name, "w") as out:
        for _ in range(megabytes):
            out.write(block)


# --- sniffing the bytes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "png"),
        (JPEG, "jpeg"),
        (GIF, "gif"),
        (WEBP, "webp"),
        (MP3_ID3, "mp3"),
        (MP3_FRAME, "mp3"),
        (OGG, "ogg"),
        (WAV, "wav"),
        (M4A, "m4a"),
        (M4A_AS_MP42, "mp4"),
        (MP4, "mp4"),
        (WEBM, "webm"),
        (PDF, "pdf"),
        (VTT, "vtt"),
        (b"WEBVTT", "vtt"),
        (TXT, "txt"),
        (HEIC, "heic"),
        (HTML, "html"),
        (b"  \n<script>alert(1)</script>", "html"),
        (b"<a href=x>hola</a>", "html"),
        (SVG, "svg"),
        (b"<svg onload=alert(1)>", "svg"),
        (b'<?xml version="1.0"?><root/>', "xml"),
        (ELF, "elf"),
        (b"MZ\x90\0\x03\0\0\0", "exe"),
        (SCRIPT, "script"),
        (b"PK\x03\x04\x14\0\0\0", "zip"),
        (b"<nombre> y <apellido>, separados por coma", "txt"),
        (b"texto\0con NUL", None),
        ("café".encode("latin-1"), None),
        (b"\xff\xf1\x50\x80", None),  # AAC ADTS: frame sync, but layer 0 is not MPEG audio
        (bytes(range(256)), None),
        (b"", None),
    ],
)
def test_sniff_type_reads_the_bytes_not_the_name(data, expected):
    assert sniff_type(data) == expected


# --- one media file: accepted ----------------------------------------------------------------


def test_every_published_extension_has_a_sample_that_is_accepted():
    """A new published extension without a content rule would be refused: this catches it."""
    assert set(SAMPLES) == MEDIA_EXT


@pytest.mark.parametrize(("ext", "sample"), sorted(SAMPLES.items()))
def test_a_real_file_of_each_published_type_is_accepted(ext, sample):
    filename, data, kind = sample
    upload = check_media_upload(filename, data, alt=ALT)
    assert upload.kind == kind
    assert upload.path == f"media/{filename}"


@pytest.mark.parametrize(
    ("filename", "data", "kind"),
    [
        ("entrevista.mp3", MP3_FRAME, "audio"),
        ("entrevista.m4a", M4A_AS_MP42, "audio"),  # audio labelled as plain MP4: same family
        ("notas.txt", VTT, "text"),
        ("Acta de la Asamblea.TXT", b"Acta\r\n\tpunto 1\x0c", "text"),
    ],
)
def test_variants_of_a_type_are_accepted(filename, data, kind):
    assert check_media_upload(filename, data, alt=None).kind == kind


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Foto Asamblea (1).JPG", "foto-asamblea-1.jpg"),
        ("Reunión en Ñuñoa.jpeg", "reunion-en-nunoa.jpeg"),
        ("C:\\Users\\ana\\Fotos\\acta final.pdf", "acta-final.pdf"),
        ("../../etc/foto.png", "foto.png"),
        (".oculto.png", "oculto.png"),
        ("foto..__--final.png ", "foto.final.png"),
        ("写真.jpg", "archivo.jpg"),
        ("x" * 200 + ".mp3", "x" * 60 + ".mp3"),
    ],
)
def test_names_become_safe(filename, expected):
    assert safe_name(filename) == expected
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", expected)


def test_the_upload_goes_to_media_under_its_safe_name():
    upload = check_media_upload("../Foto Asamblea.PNG", PNG, alt=ALT)
    assert upload == MediaUpload(
        "media/foto-asamblea.png", "image", f"![{ALT}](media/foto-asamblea.png)"
    )


# --- one media file: snippets ----------------------------------------------------------------


def test_the_image_snippet_keeps_the_description_whole_even_with_brackets_and_newlines():
    upload = check_media_upload("foto.png", PNG, alt="Personas [socias] votan\n](javascript:x)")
    html = MarkdownIt("commonmark").renderInline(upload.snippet)
    assert html == ('<img src="media/foto.png" alt="Personas [socias] votan ](javascript:x)" />')


@pytest.mark.parametrize("alt", [None, "", "   \n\t"])
def test_an_image_without_description_is_refused(alt):
    message = media_refusal("foto-asamblea.jpg", JPEG, alt=alt)
    assert "«foto-asamblea.jpg»" in message
    assert "escribe qué muestra la imagen, para quien no la ve" in message


@pytest.mark.parametrize("alt", ["Foto", "imagen", "foto-asamblea.jpg", "foto-asamblea"])
def test_an_image_with_a_description_that_describes_nothing_is_refused(alt):
    message = media_refusal("foto-asamblea.jpg", JPEG, alt=alt)
    assert f"«{alt}» no dice qué muestra «foto-asamblea.jpg»" in message


def test_audio_video_captions_and_documents_get_the_markdown_the_renderer_renders():
    audio = check_media_upload("Entrevista.mp3", MP3_ID3, alt=None)
    assert audio.snippet == "::: audio media/entrevista.mp3\n\n:::"
    video = check_media_upload("Asamblea.mp4", MP4, alt=None)
    assert video.snippet == "::: video media/asamblea.mp4 subtitulos=media/asamblea.vtt\n\n:::"
    captions = check_media_upload("Asamblea.vtt", VTT, alt=None)
    assert captions.snippet == "subtitulos=media/asamblea.vtt"
    pdf = check_media_upload("Guía de principios.pdf", PDF, alt=None)
    assert pdf.snippet == "[Guía de principios (PDF)](media/guia-de-principios.pdf)"
    text = check_media_upload("aqui.txt", TXT, alt=None)
    assert text.snippet == "[Documento (texto)](media/aqui.txt)"  # never a vague link text


def test_the_snippets_pass_the_course_checker(tmp_path):
    """Pasted into a lesson (with the transcripts written), the snippets load without errors."""
    folder = tmp_path / "cooperativa-en-marcha"
    shutil.copytree(SHIPPED, folder)
    uploads = [
        check_media_upload("Foto Asamblea.png", PNG, alt=ALT),
        check_media_upload("Entrevista.mp3", MP3_ID3, alt=None),
        check_media_upload("Asamblea.mp4", MP4, alt=None),
        check_media_upload("Asamblea.vtt", VTT, alt=None),
        check_media_upload("Guía de principios.pdf", PDF, alt=None),
    ]
    (folder / "media").mkdir()
    data = {"image": PNG, "audio": MP3_ID3, "video": MP4, "captions": VTT, "pdf": PDF}
    for upload in uploads:
        (folder / upload.path).write_bytes(data[upload.kind])
    blocks = [
        u.snippet.replace("\n\n:::", "\nUna socia explica cómo votan en la asamblea.\n:::")
        for u in uploads
        if u.kind != "captions"
    ]
    lesson = folder / "01-despues-de-constituir.md"
    text = lesson.read_text(encoding="utf-8")
    head, sources = text.split("\n## Fuentes", 1)
    lesson.write_text(
        head + "\n## Material\n\n" + "\n\n".join(blocks) + "\n\n## Fuentes" + sources,
        encoding="utf-8",
    )
    course, problems = load_course(folder)
    errors = [p for p in problems if p.severity == "error"]
    assert errors == []
    html = "".join(getattr(block, "html", "") for lesson in course.lessons for block in lesson.body)
    url = "/cursos/cooperativa-en-marcha/archivos/media/"

    def v(data: bytes) -> str:  # media URLs carry their content's version
        return "?v=" + hashlib.sha256(data).hexdigest()[:12]

    assert f'<img src="{url}foto-asamblea.png{v(PNG)}" alt="{ALT}"' in html
    assert f'<audio controls preload="none" src="{url}entrevista.mp3{v(MP3_ID3)}">' in html
    video = f'<video controls preload="none" src="{url}asamblea.mp4{v(MP4)}"><track kind="captions"'
    assert video in html
    assert f'src="{url}asamblea.vtt{v(VTT)}" default' in html
    assert f'<a href="{url}guia-de-principios.pdf{v(PDF)}">Guía de principios (PDF)</a>' in html


# --- one media file: refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "phrases"),
    [
        ("foto.jpg", PDF, ["extensión .jpg", "un documento PDF", "cámbiale la extensión a .pdf"]),
        ("foto.png", HTML, ["no es una imagen", "página web (HTML)", "puede llevar código"]),
        ("foto.png", SVG, ["no es una imagen", "dibujo SVG"]),
        ("foto.jpg", HEIC, ["no es una imagen", "HEIC"]),
        ("foto.gif", b"PK\x03\x04" + bytes(26), ["no es una imagen", "comprimido"]),
        ("foto.jpg", bytes(range(256)), ["no parece una imagen .jpg", "no reconocemos"]),
        ("foto.webp", WAV, ["un audio WAV", "cámbiale la extensión a .wav"]),
        ("entrevista.mp3", SCRIPT, ["no es un audio", "un programa (script)"]),
        ("entrevista.mp3", b"alert(document.cookie)", ["no es un audio", "es texto; sube"]),
        ("entrevista.ogg", MP3_ID3, ["un audio MP3", "cámbiale la extensión a .mp3"]),
        ("asamblea.mp4", ELF, ["no es un video", "programa (ejecutable de Linux)"]),
        ("asamblea.mp4", M4A, ["un audio M4A", "cámbiale la extensión a .m4a"]),
        ("asamblea.webm", b"MZ\x90\0" + bytes(60), ["no es un video", "ejecutable de Windows"]),
        ("asamblea.vtt", b"1\n00:00:00,000 --> 00:00:02,000\nHola\n", ["empezar con", "WEBVTT"]),
        ("asamblea.vtt", HTML, ["no es un archivo de subtítulos", "página web"]),
        ("guia.pdf", JPEG, ["una imagen JPG", "cámbiale la extensión a .jpg"]),
        ("notas.txt", "Ñuñoa".encode("latin-1"), ["no es texto UTF-8 válido"]),
        ("notas.txt", b"hola\0mundo", ["no es texto UTF-8 válido"]),
        ("notas.txt", HTML, ["no es un archivo de texto", "página web"]),
    ],
)
def test_content_that_disagrees_with_the_extension_is_refused(filename, data, phrases):
    message = media_refusal(filename, data)
    assert f"«{filename}»" in message
    for phrase in phrases:
        assert phrase in message


@pytest.mark.parametrize(
    ("filename", "phrases"),
    [
        ("logo.svg", [".svg puede llevar código", "guárdalo como .png o .jpg"]),
        ("pagina.html", ["páginas web", "pueden llevar código", "PDF"]),
        ("datos.xml", [".xml", "pueden llevar código"]),
        ("menu.js", ["JavaScript", "no puede llevar programas"]),
        ("instalar.exe", ["programas no se publican"]),
        ("fotos.zip", ["comprimidos", "descomprímelo"]),
        ("guia.docx", ["Office", "guárdalo como PDF"]),
        ("foto.heic", ["guárdala como .jpg o .png"]),
        ("video.mov", ["conviértelo a .mp4"]),
        ("subtitulos.srt", ["conviértelos a .vtt"]),
        ("raro.xyz", ["no se publica (.xyz)"]),
        ("README", ["sin extensión"]),
        ("02-asamblea.md", ["es una lección"]),
    ],
)
def test_types_that_are_never_published_are_refused_by_name(filename, phrases):
    message = media_refusal(filename, PNG)
    assert f"«{filename}»" in message
    for phrase in phrases:
        assert phrase in message


def test_an_svg_is_refused_even_when_it_is_a_real_svg():
    message = media_refusal("Logo Cooperativa.svg", SVG)
    assert "«Logo Cooperativa.svg»" in message and ".svg puede llevar código" in message


def test_an_elf_program_is_refused_whatever_its_name():
    for filename in ("programa", "programa.png", "programa.mp3", "programa.pdf"):
        message = media_refusal(filename, ELF)
        assert f"«{filename}»" in message
        assert "sin extensión" in message or "programa (ejecutable de Linux)" in message


def test_an_empty_file_is_refused():
    message = media_refusal("foto.png", b"")
    assert "«foto.png» está vacío" in message


def test_a_file_over_its_limit_is_refused_with_both_sizes():
    message = media_refusal("foto.png", PNG + bytes(2 * MB), max_bytes=1 * MB)
    assert message.startswith("«foto.png» pesa 2,1 MB y el máximo para una imagen es 1 MB")


def test_the_default_limit_of_an_image_is_5_mb():
    assert MAX_BYTES["image"] == 5 * MB
    check_media_upload("foto.png", PNG + bytes(5 * MB - len(PNG)), alt=ALT)
    message = media_refusal("foto.png", PNG + bytes(5 * MB))
    assert "pesa 5,1 MB y el máximo para una imagen es 5 MB" in message
    assert "redúcela" in message


@pytest.mark.parametrize(
    ("filename", "data", "what"),
    [
        ("notas.txt", TXT, "un texto"),
        ("asamblea.vtt", VTT, "unos subtítulos"),
        ("guia.pdf", PDF, "un PDF"),
        ("entrevista.mp3", MP3_ID3, "un audio"),
        ("asamblea.mp4", MP4, "un video"),
    ],
)
def test_each_kind_has_its_limit(filename, data, what):
    message = media_refusal(filename, data + bytes(2048), max_bytes=1024)
    assert f"«{filename}» pesa 3 KB y el máximo para {what} es 1 KB" in message


# --- a course as .zip: accepted --------------------------------------------------------------

MEDIA_FILES = {
    "media/foto.png": PNG,
    "media/entrevista.mp3": MP3_ID3,
    "media/asamblea.mp4": MP4,
    "media/asamblea.vtt": VTT,
    "media/guia.pdf": PDF,
    "01-inicio.mp3": MP3_FRAME,  # the trainer's narration, beside its lesson
}


def test_a_course_at_the_root_of_the_zip_is_read_whole():
    files = {**COURSE, **MEDIA_FILES}
    assert read_course_zip(build_zip(files)) == CourseZip("", files)


def test_a_course_inside_one_folder_is_read_without_the_folder_and_mac_junk_is_skipped():
    files = {**COURSE, **MEDIA_FILES}

    def junk(zf):
        zf.writestr("mi-curso/", b"")  # folder entries
        zf.writestr("mi-curso/media/", b"")
        zf.writestr("__MACOSX/mi-curso/._course.md", b"\0\x05\x16\x07 junk")
        zf.writestr("__MACOSX/mi-curso/media/._foto.png", b"\0\x05\x16\x07 junk")
        zf.writestr("mi-curso/.DS_Store", b"Bud1\0\0\0\x01")
        zf.writestr("mi-curso/media/.DS_Store", b"Bud1\0\0\0\x01")
        zf.writestr("mi-curso/media/Thumbs.db", b"\xd0\xcf\x11\xe0")
        zf.writestr("mi-curso/.gitignore", b"*.tmp\n")  # hidden: never published

    result = read_course_zip(build_zip(files, top="mi-curso/", edit=junk))
    assert result.folder_name == "mi-curso"
    assert result.files == files


def test_the_shipped_course_zipped_comes_back_exactly():
    expected = {
        path.relative_to(SHIPPED).as_posix(): path.read_bytes()
        for path in sorted(SHIPPED.rglob("*"))
        if path.is_file() and not _hidden(path.relative_to(SHIPPED).as_posix())
    }
    assert "course.md" in expected and len(expected) > 5
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for dirpath, _dirs, names in os.walk(SHIPPED):
            for name in sorted(names):
                path = Path(dirpath) / name
                zf.write(path, "cooperativa-en-marcha/" + path.relative_to(SHIPPED).as_posix())
    result = read_course_zip(buf.getvalue())
    assert result.folder_name == "cooperativa-en-marcha"
    assert result.files == expected


def test_names_written_in_utf8_without_the_flag_or_decomposed_are_read_as_nfc():
    # macOS writes UTF-8 names without the UTF-8 flag, decomposed (o + accent).
    data = build_zip({**COURSE, "media/canciXXn.txt": TXT, "media/cancio\u0301n2.txt": TXT})
    data = data.replace(b"canciXXn", "canción".encode())
    files = read_course_zip(data).files
    assert set(files) == {"course.md", "01-inicio.md", "media/canción.txt", "media/canción2.txt"}


def test_a_small_highly_compressible_file_is_not_taken_for_a_bomb():
    notes = b" " * (900 * 1024)  # deflates ~1000:1, but is below the 1 MB floor
    files = read_course_zip(build_zip({**COURSE, "media/notas.txt": notes})).files
    assert files["media/notas.txt"] == notes


def test_five_hundred_files_are_accepted():
    files = {**COURSE, **{f"media/nota-{i}.txt": b"hola" for i in range(498)}}
    assert len(read_course_zip(build_zip(files)).files) == 500


# --- a course as .zip: refused ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"esto no es un zip", PNG, build_zip(COURSE)[:-30]],
    ids=["empty", "text", "png", "truncated"],
)
def test_something_that_is_not_a_zip_is_refused(data):
    assert "no es un .zip válido o está dañado" in zip_refusal(data)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("../x.md", "sale de la carpeta del curso"),
        ("media/../../x.md", "sale de la carpeta del curso"),
        ("mi-curso/../../../etc/cron.d/x", "sale de la carpeta del curso"),
        ("/etc/passwd", "ruta absoluta"),
        ("C:\\x.md", "ruta absoluta"),
        ("c:/Windows/x.md", "ruta absoluta"),
        ("media\\foto.png", "barra invertida"),
        ("..\\..\\x.md", "barra invertida"),
    ],
)
def test_paths_that_leave_the_course_folder_are_refused(name, phrase):
    message = zip_refusal(build_zip({**COURSE, name: PNG}))
    assert f"«{name}»" in message
    assert phrase in message


def test_a_folder_entry_with_dot_dot_is_refused_too():
    message = zip_refusal(build_zip({**COURSE, "../afuera/": b""}))
    assert "«../afuera/» tiene «..» en la ruta" in message


def test_a_symlink_entry_is_refused():
    def link(zf):
        info = zipfile.ZipInfo("media/foto.png")
        info.create_system = 3
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")

    message = zip_refusal(build_zip(COURSE, edit=link))
    assert "«media/foto.png» es un enlace simbólico" in message


def test_an_encrypted_entry_is_refused():
    def encrypt(zf):
        zf.getinfo("media/foto.png").flag_bits |= 0x1

    message = zip_refusal(build_zip({**COURSE, "media/foto.png": PNG}, edit=encrypt))
    assert "«media/foto.png» está protegido con contraseña" in message


def test_more_than_500_files_are_refused():
    files = {**COURSE, **{f"media/nota-{i:03}.txt": b"hola" for i in range(499)}}
    assert len(files) == 501
    message = zip_refusal(build_zip(files))
    assert "«media/nota-498.txt» sobra: el zip tiene más de 500 archivos" in message


def test_the_file_count_is_a_parameter():
    message = zip_refusal(build_zip({**COURSE, "media/a.txt": b"a"}), max_files=2)
    assert "«media/a.txt» sobra: el zip tiene más de 2 archivos" in message


def test_a_zip_bomb_is_refused_from_its_headers_before_anything_is_read(monkeypatch):
    """50 MB of zeros deflate to ~50 KB (about 1000:1): written and checked a MB at a time."""
    data = build_zip(COURSE, edit=lambda zf: write_zeros(zf, "media/bomba.wav", 50))
    assert len(data) < 200 * 1024
    forbid_reading(monkeypatch)
    message = zip_refusal(data)
    assert "«media/bomba.wav» se descomprime" in message
    assert "bomba zip" in message
    assert "(50 MB)" in message


def test_the_compression_ratio_is_a_parameter():
    # Base64 of random bytes deflates only ~1.3:1: fine by default, a bomb at max_ratio=1.1.
    pdf = b"%PDF-1.7\n" + base64.b64encode(os.urandom(900 * 1024))
    data = build_zip({**COURSE, "media/datos.pdf": pdf})
    assert read_course_zip(data).files["media/datos.pdf"] == pdf
    assert "bomba zip" in zip_refusal(data, max_ratio=1.1)


def test_a_course_over_the_total_size_is_refused_from_its_headers(monkeypatch):
    chunk = os.urandom(600 * 1024)  # incompressible, so no entry looks like a bomb
    files = {**COURSE, "media/a.pdf": b"%PDF-" + chunk, "media/b.pdf": b"%PDF-" + chunk}
    data = build_zip(files)
    forbid_reading(monkeypatch)
    message = zip_refusal(data, max_total_bytes=1 * MB)
    assert "«media/b.pdf» hace que el curso descomprimido pase de 1 MB" in message


def test_an_entry_over_the_limit_of_its_kind_is_refused_from_its_headers(monkeypatch):
    data = build_zip({**COURSE, "media/foto.png": PNG + os.urandom(5 * MB)})
    forbid_reading(monkeypatch)
    message = zip_refusal(data)
    assert "«media/foto.png» pesa 5,1 MB y el máximo para una imagen es 5 MB" in message


def test_a_header_that_understates_the_size_never_yields_more_than_it_declares():
    """The central directory says 10 bytes; the data is 3 MB. zipfile stops at the declared
    size, so the entry fails its CRC and the zip is refused as damaged."""

    def lie(zf):
        write_zeros(zf, "media/notas.txt", 3)
        zf.getinfo("media/notas.txt").file_size = 10

    message = zip_refusal(build_zip(COURSE, edit=lie))
    assert "«media/notas.txt» está dañado dentro del zip" in message


class EndlessStream(io.RawIOBase):
    """An entry whose data never ends, as a reader that trusted the data over the header sees."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, "the entry must be read in chunks"
        self.served += size
        assert self.served <= 1 * MB, "read far past the declared size"
        return bytes(size)


def test_entries_are_read_in_chunks_and_never_past_their_declared_size(monkeypatch):
    data = build_zip({**COURSE, "media/notas.txt": b"hola\n"})
    streams: list[EndlessStream] = []

    def endless(self, name, mode="r", pwd=None, **kwargs):
        streams.append(EndlessStream())
        return streams[-1]

    monkeypatch.setattr(zipfile.ZipFile, "open", endless)
    message = zip_refusal(data)
    assert message.startswith("«course.md» trae más datos de los que declara")
    assert streams[0].served == len(COURSE["course.md"]) + 1  # one byte past, then stop


def test_an_unsupported_compression_method_is_refused():
    def deflate64(zf):
        zf.getinfo("media/notas.txt").compress_type = 9

    message = zip_refusal(build_zip({**COURSE, "media/notas.txt": TXT}, edit=deflate64))
    assert "«media/notas.txt» usa un tipo de compresión que no podemos leer" in message


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("media/instalar.exe", "los programas no se publican"),
        ("media/pagina.html", "las páginas web (.html) no se publican"),
        ("media/logo.svg", ".svg puede llevar código"),
        ("media/menu.js", "JavaScript"),
        ("media/fotos.zip", "archivos comprimidos no se publican"),
        ("media/sin-extension", "sin extensión"),
        ("media/02-asamblea.md", "muévelo junto a course.md"),
        ("Makefile", "sin extensión"),
    ],
)
def test_entries_of_a_type_never_published_are_refused(name, phrase):
    message = zip_refusal(build_zip({**COURSE, name: b"MZ\x90\0"}))
    assert f"«{name}»" in message
    assert phrase in message


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("media/foto.jpg", HTML, "página web (HTML)"),
        ("media/entrevista.mp3", SCRIPT, "un programa (script)"),
        ("media/asamblea.mp4", ELF, "ejecutable de Linux"),
        ("media/guia.pdf", b"PK\x03\x04" + bytes(26), "comprimido"),
        ("01-inicio.mp3", b"", "está vacío"),
    ],
)
def test_media_entries_must_be_what_their_name_says(name, data, phrase):
    message = zip_refusal(build_zip({**COURSE, name: data}))
    assert f"«{name}»" in message
    assert phrase in message


def test_media_entries_do_not_need_a_description():
    assert read_course_zip(build_zip({**COURSE, "media/foto.jpg": JPEG})).files


@pytest.mark.parametrize(
    ("first", "second"),
    [("media/foto.png", "media/foto.png"), ("media/Foto.png", "media/foto.png")],
)
def test_duplicate_names_are_refused(first, second):
    def duplicate(zf):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the exact duplicate
            zf.writestr(first, PNG)
            zf.writestr(second, HTML)

    message = zip_refusal(build_zip(COURSE, edit=duplicate))
    assert f"«{second}» está repetido en el zip (mismo nombre que «{first}»)" in message


def test_names_that_are_not_utf8_are_refused():
    data = build_zip({**COURSE, "media/fotX.png": PNG}).replace(b"fotX", b"fot\xe9")  # latin-1
    message = zip_refusal(data)
    assert "no está en UTF-8" in message
    assert "media/fot" in message


def test_names_with_control_characters_are_refused():
    message = zip_refusal(build_zip({**COURSE, "media/foto\x1b[2J.png": PNG}))
    assert "«media/foto?[2J.png» del zip tiene caracteres de control" in message


def test_a_zip_without_course_md_is_refused():
    message = zip_refusal(build_zip({"01-inicio.md": COURSE["01-inicio.md"]}))
    assert "el zip no tiene course.md" in message


def test_a_course_two_folders_down_is_refused_with_the_way_to_fix_it():
    message = zip_refusal(build_zip(COURSE, top="Escritorio/mi-curso/"))
    assert "«Escritorio/mi-curso/course.md» está muy adentro en el zip" in message


def test_files_beside_the_course_folder_are_not_taken_for_a_top_folder():
    files = {**{f"mi-curso/{k}": v for k, v in COURSE.items()}, "otro.txt": TXT}
    message = zip_refusal(build_zip(files))
    assert "«otro.txt» está fuera de la carpeta del curso «mi-curso»" in message


def test_two_courses_in_one_zip_are_refused():
    files = {f"{top}/{k}": v for top in ("curso-a", "curso-b") for k, v in COURSE.items()}
    message = zip_refusal(build_zip(files))
    assert "«curso-b/01-inicio.md» está fuera de la carpeta del curso «curso-a»" in message
