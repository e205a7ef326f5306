"""Checks for files a trainer uploads in the browser: one media file, or a whole course as .zip.

Pure functions (no Flask, no database, nothing written to disk). A file is judged by its bytes as
well as its name: the extension must be one the course checker publishes (the renderer's
MEDIA_EXT, or a lesson .md at the top of the course) and the content must really be of that type,
so a page, a drawing or a program cannot pass for a photo. Every refusal is an UploadRefused whose
message, in Spanish, names the file and says what to do.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from app.content.lint import GENERIC_ALT, unpublished_file, vague_link_text
from app.content.loader import _hidden
from app.content.media_types import (
    AUDIO_EXT,
    CAPTION_EXT,
    IMAGE_EXT,
    MEDIA_EXT,
    OTHER_EXT,
    VIDEO_EXT,
)
from app.content.textutil import norm_key, strip_accents
from app.errors import DomainError

MB = 1024 * 1024

# The largest file of each kind we accept. A phone-friendly course needs far less: a photo of
# 1600 px is under 1 MB, an hour of speech at 64 kbps is 28 MB, ten minutes of 720p video ~80 MB.
MAX_BYTES = {
    "image": 5 * MB,
    "audio": 30 * MB,
    "video": 100 * MB,
    "pdf": 20 * MB,
    "captions": 1 * MB,
    "text": 1 * MB,
}
MARKDOWN_MAX_BYTES = 1 * MB  # the checker refuses a file over 200,000 characters anyway

ZIP_MAX_FILES = 500
# Every entry counts, folders and the __MACOSX/ copies a Mac adds included: 880,000 empty
# folders (107 MB) took 7 s and 540 MB of memory to list (issue 25). Both are read from the end
# record of the zip, before its directory is parsed.
ZIP_MAX_ENTRIES = 3 * ZIP_MAX_FILES
ZIP_MAX_DIRECTORY_BYTES = 1 * MB
ZIP_MAX_TOTAL_BYTES = 200 * MB
ZIP_MAX_RATIO = 100  # deflate reaches ~1000:1 only on filler such as zeros: a zip bomb
ZIP_RATIO_MIN_BYTES = 1 * MB  # smaller entries cannot hurt, whatever their ratio
_CHUNK = 64 * 1024
_NAME_MAX = 60  # characters of a media file name, before its extension

_ZIP_JUNK = frozenset({".ds_store", "thumbs.db", "desktop.ini"})  # left by Mac and Windows
_FLAG_ENCRYPTED = 0x1
_FLAG_UTF8 = 0x800


class UploadRefused(DomainError):
    """An uploaded file that must not be stored; `message` says why, in Spanish (a clause:
    `sentence` is what a page shows), on the form's `file` field."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def _unsafe_char(ch: str) -> bool:
    """A control character, or an invisible one that changes how a name reads: U+202E turns
    "foto-gnp.exe" around, U+200B hides inside a word (Unicode categories Cc, Cf, Zl, Zp)."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def _check_name(name: str, where: str) -> None:
    """Refuse NAME (of a file WHERE: "del zip", "") when it holds an unsafe character; the
    message shows it with "?" in place of each, and names them by code point."""
    found = sorted({ch for ch in name if _unsafe_char(ch)})
    if not found:
        return
    shown = "".join("?" if _unsafe_char(ch) else ch for ch in name)
    codes = ", ".join(f"U+{ord(ch):04X}" for ch in found)
    raise UploadRefused(
        f"el nombre «{shown}»{where} tiene caracteres de control o invisibles ({codes}), que "
        "pueden esconder o dar vuelta parte del nombre; cámbiale el nombre usando solo letras, "
        "números y guiones, y vuelve a subirlo"
    )


@dataclass(frozen=True)
class MediaUpload:
    """A media file that passed the checks: where it goes and the Markdown that shows it."""

    path: str  # relative to the course folder, e.g. "media/foto-asamblea.jpg"
    kind: str  # image, audio, video, captions, pdf or text
    snippet: str  # the Markdown to paste in a lesson (the library says what else to do)


@dataclass(frozen=True)
class CourseZip:
    """A course read from a .zip: the folder it was in ("" for none) and its files."""

    folder_name: str
    files: dict[str, bytes]  # relative posix path -> bytes


# --- what the bytes are --------------------------------------------------------------------

# The sniffed types each published extension may hold.
_CONTENT = {
    ".jpg": {"jpeg"},
    ".jpeg": {"jpeg"},
    ".png": {"png"},
    ".gif": {"gif"},
    ".webp": {"webp"},
    ".mp3": {"mp3"},
    ".ogg": {"ogg"},
    ".oga": {"ogg"},
    ".opus": {"ogg"},
    ".m4a": {"m4a", "mp4"},  # many encoders label audio-only files as plain MP4
    ".wav": {"wav"},
    ".mp4": {"mp4"},
    ".webm": {"webm"},
    ".vtt": {"vtt"},
    ".pdf": {"pdf"},
    ".txt": {"txt", "vtt"},
}
# The extension to suggest for content that is fine but misnamed.
_EXT_FOR = {
    "jpeg": ".jpg",
    "png": ".png",
    "gif": ".gif",
    "webp": ".webp",
    "mp3": ".mp3",
    "ogg": ".ogg",
    "m4a": ".m4a",
    "wav": ".wav",
    "mp4": ".mp4",
    "webm": ".webm",
    "vtt": ".vtt",
    "pdf": ".pdf",
    "txt": ".txt",
}
_LABEL = {
    "png": "una imagen PNG",
    "jpeg": "una imagen JPG",
    "gif": "una imagen GIF",
    "webp": "una imagen WEBP",
    "heic": "una foto HEIC o AVIF (formato de iPhone), que no se ve en todos los navegadores",
    "mp3": "un audio MP3",
    "ogg": "un audio OGG",
    "m4a": "un audio M4A",
    "wav": "un audio WAV",
    "flac": "un audio FLAC, que no se escucha en todos los navegadores",
    "mp4": "un video MP4",
    "mov": "un video MOV (QuickTime), que no se ve en todos los navegadores",
    "webm": "un video WEBM",
    "vtt": "subtítulos VTT",
    "pdf": "un documento PDF",
    "txt": "texto",
    "svg": "un dibujo SVG, que puede llevar código",
    "html": "una página web (HTML), que puede llevar código",
    "xml": "un archivo XML, que puede llevar código",
    "script": "un programa (script)",
    "elf": "un programa (ejecutable de Linux)",
    "exe": "un programa (ejecutable de Windows o Mac)",
    "zip": "un archivo comprimido (ZIP) o un documento de Office",
    "archive": "un archivo comprimido",
    "office": "un documento de Office",
}
_KIND_NAME = {
    "image": "una imagen",
    "audio": "un audio",
    "video": "un video",
    "captions": "un archivo de subtítulos",
    "pdf": "un documento PDF",
    "text": "un archivo de texto",
}
_KIND_REMEDY = {
    "image": "sube la imagen original en .jpg o .png",
    "audio": "sube el audio en .mp3",
    "video": "sube el video en .mp4",
    "captions": "sube los subtítulos en .vtt",
    "pdf": "sube el documento en .pdf",
    "text": "sube el texto en .txt, guardado como UTF-8",
}
_SIZE_REMEDY = {
    "image": "redúcela (por ejemplo, a 1600 píxeles de ancho) y vuelve a subirla",
    "audio": "guárdalo como MP3 de 64 kbps o divídelo en partes",
    "video": "comprímelo (720p basta) o divídelo en partes más cortas",
    "pdf": "comprímelo o divídelo en varios documentos",
    "captions": "revisa que sean solo subtítulos",
    "text": "divídelo en varios archivos",
    "markdown": "divide la lección en varias",
}

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"fLaC", "flac"),
    (b"\x1a\x45\xdf\xa3", "webm"),  # EBML
    (b"%PDF-", "pdf"),
    (b"\x7fELF", "elf"),
    (b"MZ", "exe"),
    (b"\xca\xfe\xba\xbe", "exe"),  # Mach-O universal (or Java class)
    (b"\xcf\xfa\xed\xfe", "exe"),  # Mach-O 64-bit
    (b"\xce\xfa\xed\xfe", "exe"),  # Mach-O 32-bit
    (b"#!", "script"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"Rar!\x1a\x07", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),  # gzip
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "office"),  # .doc, .xls, .ppt
)
_RIFF = {b"WAVE": "wav", b"WEBP": "webp"}
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_PHOTO_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
)
_TEXT_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The tags a browser takes as the start of an HTML page (WHATWG MIME sniffing).
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p)"
    r"[\s>/]|<!--|<\?php"
)


def _mpeg_audio(head: bytes) -> bool:
    """True for an MPEG audio frame header (an MP3 without ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate != 15 and rate != 3


def _as_text(data: bytes) -> str | None:
    """The text of DATA when it is UTF-8 (BOM allowed) without binary control characters."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _TEXT_JUNK.search(text) else text


def _sniff_text(text: str) -> str:
    if re.match(r"WEBVTT(?:[ \t\r\n]|$)", text):
        return "vtt"
    head = text.lstrip()[:4096].lower()
    if not head.startswith("<"):
        return "txt"
    if "<svg" in head:
        return "svg"
    if head.startswith("<?xml") or head.startswith("<!doctype") and "html" not in head[:20]:
        return "xml"
    return "html" if _HTML_START.match(head) else "txt"


def sniff_type(data: bytes) -> str | None:
    """What DATA is, from its bytes alone (never its name), or None when unknown.

    Published types: png, jpeg, gif, webp, mp3, ogg (also Opus), wav, m4a, mp4, webm, pdf, vtt
    and txt (UTF-8 text). Types that are recognised only to be refused with a clear message:
    svg, html, xml, script, elf, exe, zip, archive, office, heic, flac and mov.
    """
    if not data:
        return None
    head = data[:64]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AUDIO_BRANDS:
            return "m4a"
        if brand in _PHOTO_BRANDS:
            return "heic"
        return "mov" if brand == b"qt  " else "mp4"
    if _mpeg_audio(head):
        return "mp3"
    text = _as_text(data)
    return _sniff_text(text) if text is not None else None


# --- names and extensions ------------------------------------------------------------------

_ADVICE = (
    (
        ".html .htm .xhtml .mhtml .shtml",
        "las páginas web (.html) no se publican porque pueden llevar código; copia su texto en "
        "una lección o guarda la página como PDF",
    ),
    (
        ".xml .xsl .xslt",
        "los archivos .xml no se publican porque pueden llevar código; si son datos, guárdalos "
        "como PDF o como texto (.txt)",
    ),
    (
        ".js .mjs .cjs .wasm",
        "el código (JavaScript) no se publica: un curso no puede llevar programas; quita este "
        "archivo",
    ),
    (
        ".exe .msi .bat .cmd .com .scr .ps1 .vbs .sh .bin .elf .so .dll .dylib .apk .jar .app "
        ".dmg .py .php",
        "los programas no se publican: un curso no puede llevar programas; quita este archivo",
    ),
    (
        ".zip .rar .7z .tar .gz .tgz .bz2 .xz",
        "los archivos comprimidos no se publican; descomprímelo y sube cada archivo por separado",
    ),
    (
        ".doc .docx .odt .rtf .ppt .pptx .odp .xls .xlsx .ods",
        "los documentos de Office no se publican; guárdalo como PDF (Archivo > Guardar como > PDF)",
    ),
    (
        ".heic .heif .avif .bmp .tif .tiff",
        "este formato de imagen no se ve en todos los navegadores; guárdala como .jpg o .png",
    ),
    (
        ".mov .avi .mkv .wmv .m4v .3gp .ogv .flv",
        "este formato de video no se ve en todos los navegadores; conviértelo a .mp4",
    ),
    (
        ".flac .aac .wma .amr .aif .aiff",
        "este formato de audio no se escucha en todos los navegadores; conviértelo a .mp3",
    ),
    (".srt .ass .ssa", "estos subtítulos no se publican; conviértelos a .vtt"),
)
_EXT_ADVICE = {ext: why for exts, why in _ADVICE for ext in exts.split()}


def _refused_name(shown: str, rel: str) -> str:
    """Why a file of this name is never published: a specific reason, else the checker's."""
    ext = posixpath.splitext(rel)[1].lower()
    reason = _EXT_ADVICE.get(ext) or unpublished_file(rel)[1]
    return f"«{shown}»: {reason}"


def safe_name(filename: str) -> str:
    """A safe media file name: 'Foto Asamblea (1).JPG' -> 'foto-asamblea-1.jpg'."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    folded = strip_accents(unicodedata.normalize("NFC", base)).lower()
    folded = re.sub(r"[^a-z0-9._-]+", "-", folded).rstrip(".-_")
    stem, ext = posixpath.splitext(folded)
    ext = re.sub(r"[^a-z0-9]", "", ext)
    stem = re.sub(r"([-._])[-._]+", r"\1", stem).strip(".-_")[:_NAME_MAX].strip(".-_")
    if not stem and ext:
        stem = "archivo"
    return f"{stem}.{ext}" if ext else stem


def _kind(ext: str) -> str | None:
    if ext in IMAGE_EXT:
        return "image"
    if ext in AUDIO_EXT:
        return "audio"
    if ext in VIDEO_EXT:
        return "video"
    if ext in CAPTION_EXT:
        return "captions"
    if ext in OTHER_EXT:
        return "pdf" if ext == ".pdf" else "text"
    return None


def _size(n: int) -> str:
    """A size as people read it, rounded up (so a file just over a limit never looks equal)."""
    if n < MB:
        return f"{math.ceil(n / 1024)} KB"
    tenths = math.ceil(n * 10 / MB)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth} MB" if tenth else f"{whole} MB"


readable_size = _size  # the media library shows each file's size as the limits are said


def _too_big(shown: str, size: int, limit: int, what: str, remedy: str) -> UploadRefused:
    return UploadRefused(
        f"«{shown}» pesa {_size(size)} y el máximo para {what} es {_size(limit)}; {remedy}"
    )


_LIMIT_WHAT = {
    "image": "una imagen",
    "audio": "un audio",
    "video": "un video",
    "pdf": "un PDF",
    "captions": "unos subtítulos",
    "text": "un texto",
}


def _check_content(shown: str, ext: str, data: bytes, max_bytes: int | None = None) -> str:
    """The kind of a media file whose extension is published; raise when its bytes disagree."""
    kind = _kind(ext)
    accepted = _CONTENT.get(ext)
    if kind is None or accepted is None:  # a new published extension without a content rule
        raise UploadRefused(_refused_name(shown, shown))
    if not data:
        raise UploadRefused(f"«{shown}» está vacío (0 bytes); vuelve a subir el archivo completo")
    limit = MAX_BYTES[kind] if max_bytes is None else max_bytes
    if len(data) > limit:
        raise _too_big(shown, len(data), limit, _LIMIT_WHAT[kind], _SIZE_REMEDY[kind])
    sniffed = sniff_type(data)
    if sniffed in accepted:
        return kind
    if sniffed is None:
        if kind in ("captions", "text"):
            reason = "no es texto UTF-8 válido; ábrelo en tu editor y guárdalo como UTF-8"
        else:
            reason = (
                f"no parece {_KIND_NAME[kind]} {ext}: no reconocemos su contenido (¿está "
                f"dañado?); vuelve a guardarlo como {ext} desde el programa con que lo creaste"
            )
        raise UploadRefused(f"«{shown}» {reason}")
    if kind == "captions" and sniffed == "txt":
        raise UploadRefused(
            f"«{shown}» no es un archivo de subtítulos: un .vtt debe empezar con la línea WEBVTT"
        )
    label = _LABEL.get(sniffed, sniffed)
    right_ext = _EXT_FOR.get(sniffed)
    if right_ext and sniffed not in ("txt", "vtt"):  # text as audio is no mistake of name
        raise UploadRefused(
            f"«{shown}» tiene la extensión {ext}, pero su contenido es {label}; cámbiale la "
            f"extensión a {right_ext} y vuelve a subirlo"
        )
    raise UploadRefused(
        f"«{shown}» no es {_KIND_NAME[kind]}: su contenido es {label}; {_KIND_REMEDY[kind]}"
    )


# --- one media file ------------------------------------------------------------------------


def md_text(text: str) -> str:
    """Text safe inside [ ] in Markdown: one line, brackets and backslashes escaped."""
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


def link_label(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = posixpath.splitext(base)[0]
    label = " ".join(re.sub(r"[-_]+", " ", unicodedata.normalize("NFC", stem)).split())
    if not label or vague_link_text(label) or not re.search(r"\w", label):
        return "Documento"
    return label[0].upper() + label[1:]


def _image_alt(shown: str, alt: str | None) -> str:
    text = " ".join((alt or "").split())
    if not text:
        raise UploadRefused(
            f"«{shown}» necesita una descripción: escribe qué muestra la imagen, para quien no "
            "la ve (por ejemplo, «Diez personas sentadas en círculo levantan la mano»)"
        )
    stem = posixpath.splitext(shown)[0].lower()
    if norm_key(text) in GENERIC_ALT or text.lower() in (shown.lower(), stem):
        raise UploadRefused(
            f"la descripción «{text}» no dice qué muestra «{shown}»: escribe qué se ve en la "
            "imagen, para quien no la ve"
        )
    return md_text(text)


def check_media_upload(
    filename: str, data: bytes, *, alt: str | None, max_bytes: int | None = None
) -> MediaUpload:
    """Check one media file for the course's media/ folder and give the Markdown to show it.

    ALT is the image's description (required for images, ignored otherwise). MAX_BYTES replaces
    the limit of the file's kind (MAX_BYTES[kind]) when given.
    """
    _check_name(filename, "")
    shown = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "(sin nombre)"
    name = safe_name(filename)
    ext = posixpath.splitext(name)[1]
    if ext not in MEDIA_EXT:
        if ext == ".md":
            raise UploadRefused(
                f"«{shown}» es una lección, no un archivo multimedia; escríbela en el editor del "
                "curso"
            )
        raise UploadRefused(_refused_name(shown, name or shown))
    kind = _check_content(shown, ext, data, max_bytes)
    path = f"media/{name}"
    stem = posixpath.splitext(name)[0]
    if kind == "image":
        return MediaUpload(path, kind, f"![{_image_alt(shown, alt)}]({path})")
    if kind == "audio":
        return MediaUpload(path, kind, f"::: audio {path}\n\n:::")
    if kind == "video":
        return MediaUpload(path, kind, f"::: video {path} subtitulos=media/{stem}.vtt\n\n:::")
    if kind == "captions":
        return MediaUpload(path, kind, f"subtitulos={path}")
    what = "PDF" if kind == "pdf" else "texto"
    return MediaUpload(path, kind, f"[{md_text(link_label(filename))} ({what})]({path})")


def check_media_replacement(rel: str, filename: str, data: bytes) -> str:
    """Check DATA, uploaded as FILENAME, as the new version of media file REL (same name, so
    the pages that use it need no change): same extension, content of that type. Its kind."""
    shown = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "(sin nombre)"
    ext = posixpath.splitext(rel)[1]
    if posixpath.splitext(shown)[1].lower() != ext:
        raise UploadRefused(
            f"«{shown}» no es del mismo tipo que {posixpath.basename(rel)}: para reemplazarlo, "
            f"sube un archivo {ext}"
        )
    return _check_content(shown, ext, data)


def media_kind(rel: str) -> str | None:
    """image, audio, video, captions, pdf or text, by REL's extension (None: not media)."""
    return _kind(posixpath.splitext(rel)[1].lower())


# --- a whole course as .zip ----------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    info: zipfile.ZipInfo
    name: str  # as shown to people: decoded, NFC
    rel: str = ""  # inside the course folder, once the top folder is known


def _refuse_zip(entry: str, message: str) -> UploadRefused:
    return UploadRefused(f"«{entry}» {message}")


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as text; refuse names that are not UTF-8 or hold control characters."""
    name = info.filename
    if not info.flag_bits & _FLAG_UTF8:
        # zipfile read the bytes as cp437; most tools write UTF-8 without saying so.
        raw = name.encode("cp437")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadRefused(
                f"el nombre «{name}» del zip no está en UTF-8 y no se puede leer bien; quítale "
                "tildes y eñes al nombre (o comprime con otro programa) y vuelve a subirlo"
            ) from None
    _check_name(name, " del zip")
    _check_name(info.orig_filename, " del zip")
    return unicodedata.normalize("NFC", name)


def _check_path(name: str) -> None:
    if re.match(r"[A-Za-z]:", name) or name.startswith("/"):
        raise _refuse_zip(
            name, "es una ruta absoluta; comprime la carpeta del curso con rutas relativas"
        )
    if "\\" in name:
        raise _refuse_zip(
            name,
            "tiene barra invertida (\\) en la ruta; comprime la carpeta con otro programa "
            "(por ejemplo, «Enviar a > Carpeta comprimida» de Windows)",
        )
    if ".." in name.split("/"):
        raise _refuse_zip(name, "tiene «..» en la ruta y sale de la carpeta del curso")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_junk(name: str) -> bool:
    parts = name.split("/")
    return parts[0] == "__MACOSX" or parts[-1].lower() in _ZIP_JUNK


def _entries(archive: zipfile.ZipFile, max_files: int) -> list[_Entry]:
    """The file entries to read, checked one by one for unsafe names, links and encryption."""
    out: list[_Entry] = []
    seen: dict[str, str] = {}
    for info in archive.infolist():
        name = _entry_name(info)
        _check_path(name)
        if _is_symlink(info):
            raise _refuse_zip(
                name,
                "es un enlace simbólico (symlink); pon en el zip el archivo de verdad, no un "
                "enlace",
            )
        if info.is_dir() or _is_junk(name):
            continue
        name = "/".join(part for part in name.split("/") if part not in ("", "."))
        if _hidden(name):
            continue  # hidden files are never published (the checker skips them too)
        if info.flag_bits & _FLAG_ENCRYPTED:
            raise _refuse_zip(
                name, "está protegido con contraseña; comprime la carpeta sin contraseña"
            )
        key = name.casefold()
        if key in seen:
            raise _refuse_zip(
                name,
                f"está repetido en el zip (mismo nombre que «{seen[key]}»); deja solo uno",
            )
        seen[key] = name
        out.append(_Entry(info, name))
        if len(out) > max_files:
            raise _refuse_zip(
                name,
                f"sobra: el zip tiene más de {max_files} archivos; un curso no necesita tantos, "
                "quita los que no uses",
            )
    return out


def _course_root(entries: list[_Entry]) -> str:
    """The top folder to strip ("" when course.md is at the root of the zip)."""
    names = sorted(e.name for e in entries)
    if "course.md" in names:
        return ""
    tops = sorted(name[: -len("/course.md")] for name in names if name.endswith("/course.md"))
    for top in tops:
        if "/" in top:
            continue
        outside = [name for name in names if not name.startswith(f"{top}/")]
        if outside:
            raise _refuse_zip(
                outside[0],
                f"está fuera de la carpeta del curso «{top}»: comprime solo la carpeta del curso "
                "(un curso por zip), o pon este archivo dentro de ella",
            )
        return top
    if tops:
        raise _refuse_zip(
            f"{tops[0]}/course.md",
            "está muy adentro en el zip: comprime directamente la carpeta del curso (la que "
            "tiene course.md), sin otras carpetas alrededor",
        )
    raise UploadRefused(
        "el zip no tiene course.md; comprime la carpeta del curso completa (la que tiene "
        "course.md y las lecciones)"
    )


def _entry_limit(entry: _Entry) -> int:
    """Refuse an entry whose type is never published or that is too big; its size limit."""
    ext = posixpath.splitext(entry.rel)[1].lower()
    if ext == ".md" and "/" not in entry.rel:
        limit, what, remedy = MARKDOWN_MAX_BYTES, "una lección", _SIZE_REMEDY["markdown"]
    else:
        kind = _kind(ext) if ext in MEDIA_EXT else None
        if kind is None:
            raise UploadRefused(_refused_name(entry.name, entry.rel))
        limit, what, remedy = MAX_BYTES[kind], _LIMIT_WHAT[kind], _SIZE_REMEDY[kind]
    if entry.info.file_size > limit:
        raise _too_big(entry.name, entry.info.file_size, limit, what, remedy)
    return limit


def _check_headers(entries: list[_Entry], max_total_bytes: int, max_ratio: float) -> list[int]:
    """Refuse, from the sizes the zip declares and before reading anything, what must not be
    read: a zip bomb, a type never published, a file or a course too big. The size limit of
    each entry otherwise."""
    limits = []
    total = 0
    for entry in entries:
        info = entry.info
        packed = max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_BYTES and info.file_size > max_ratio * packed:
            raise _refuse_zip(
                entry.name,
                f"se descomprime {info.file_size // packed} veces su tamaño "
                f"({_size(info.file_size)}): parece una bomba zip, hecha para llenar el servidor; "
                "comprime la carpeta del curso de nuevo",
            )
        limits.append(_entry_limit(entry))
        total += info.file_size
        if total > max_total_bytes:
            raise _refuse_zip(
                entry.name,
                f"hace que el curso descomprimido pase de {_size(max_total_bytes)}; quita o "
                "achica archivos (los videos pesan más)",
            )
    return limits


def _read_entry(archive: zipfile.ZipFile, entry: _Entry) -> bytes:
    """Read an entry in chunks, never more than the size it declared (those were summed)."""
    declared = entry.info.file_size
    chunks: list[bytes] = []
    got = 0
    try:
        with archive.open(entry.info) as stream:
            while True:
                chunk = stream.read(min(_CHUNK, declared - got + 1))
                if not chunk:
                    break
                got += len(chunk)
                if got > declared:
                    raise _refuse_zip(
                        entry.name,
                        f"trae más datos de los que declara ({_size(declared)}): el zip está "
                        "dañado o fue manipulado; comprime la carpeta del curso de nuevo",
                    )
                chunks.append(chunk)
    except NotImplementedError:
        raise _refuse_zip(
            entry.name,
            "usa un tipo de compresión que no podemos leer; comprime la carpeta con la opción "
            "normal (Deflate) de tu programa",
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError):
        raise _refuse_zip(
            entry.name, "está dañado dentro del zip; comprime la carpeta del curso de nuevo"
        ) from None
    return b"".join(chunks)


_NOT_A_ZIP = (
    "el archivo no es un .zip válido o está dañado; comprime de nuevo la carpeta del curso "
    "(clic derecho > Comprimir o «Enviar a > Carpeta comprimida»)"
)


def _too_many_entries(count: int, max_entries: int) -> UploadRefused:
    many, most = (f"{n:,}".replace(",", ".") for n in (count, max_entries))  # 1.500
    return UploadRefused(
        f"el zip tiene {many} entradas (archivos y carpetas) y el máximo es {most}; comprime "
        "solo la carpeta del curso, sin carpetas vacías ni copias"
    )


def _open_zip(source: BinaryIO, max_entries: int) -> zipfile.ZipFile:
    """The zip in SOURCE, once its end record says it has at most MAX_ENTRIES entries and a
    directory of at most ZIP_MAX_DIRECTORY_BYTES (zipfile would list every entry first)."""
    try:
        # zipfile's own reader of the end record (zip64 included): 22 bytes, or 56 more.
        end = zipfile._EndRecData(source)  # type: ignore[attr-defined]
    except (OSError, ValueError, EOFError, struct.error):
        end = None
    if not end:
        raise UploadRefused(_NOT_A_ZIP)
    count, directory = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if count > max_entries:
        raise _too_many_entries(count, max_entries)
    if directory > ZIP_MAX_DIRECTORY_BYTES:
        raise UploadRefused(
            f"el índice del zip pesa {_size(directory)} y el máximo es "
            f"{_size(ZIP_MAX_DIRECTORY_BYTES)}: tiene demasiadas entradas o nombres muy largos; "
            "comprime solo la carpeta del curso"
        )
    try:
        source.seek(0)
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRefused(_NOT_A_ZIP) from None
    listed = len(archive.infolist())
    if listed > max_entries:  # the end record understated the count
        archive.close()
        raise _too_many_entries(listed, max_entries)
    return archive


def read_course_zip(
    data: bytes | BinaryIO,
    *,
    max_files: int = ZIP_MAX_FILES,
    max_entries: int = ZIP_MAX_ENTRIES,
    max_total_bytes: int = ZIP_MAX_TOTAL_BYTES,
    max_ratio: float = ZIP_MAX_RATIO,
) -> CourseZip:
    """Read a course folder uploaded as .zip (its bytes, or a seekable binary file, such as
    the upload's temporary file): {relative posix path: bytes}.

    The files may sit at the root of the zip or inside one folder (stripped; its name is
    `folder_name`). Folder entries, __MACOSX/, .DS_Store, Thumbs.db and hidden files are skipped
    (but count towards MAX_ENTRIES). Everything else must be safe and published, or the whole
    zip is refused.
    """
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    archive = _open_zip(source, max_entries)
    with archive:
        entries = _entries(archive, max_files)
        top = _course_root(entries)
        prefix = f"{top}/" if top else ""
        entries = [
            _Entry(e.info, e.name, e.name[len(prefix) :])
            for e in entries
            if e.name.startswith(prefix)
        ]
        limits = _check_headers(entries, max_total_bytes, max_ratio)
        files: dict[str, bytes] = {}
        for entry, limit in zip(entries, limits, strict=True):
            content = _read_entry(archive, entry)
            ext = posixpath.splitext(entry.rel)[1].lower()
            if ext != ".md":  # lessons are checked (encoding, size, ...) by the course checker
                _check_content(entry.name, ext, content, limit)
            files[entry.rel] = content
    return CourseZip(top, files)
