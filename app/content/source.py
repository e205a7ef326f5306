"""Read a Markdown file safely: UTF-8 only, no binary junk, never an exception."""

from __future__ import annotations

import re

from .problems import Reporter

# Control characters other than tab, newline, carriage return and form feed mean the file is not
# text (a binary file renamed to .md, or a broken copy-paste).
_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_source(data: bytes, display: str, rep: Reporter) -> list[str] | None:
    """Decode file bytes into lines; report and return None when unusable."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        rep.error(
            display,
            line,
            "encoding",
            "el archivo no es texto UTF-8 válido (carácter raro en esta línea); "
            "guárdalo como UTF-8 desde tu editor",
        )
        return None
    junk = _JUNK.search(text)
    if junk:
        line = text.count("\n", 0, junk.start()) + 1
        rep.error(
            display,
            line,
            "binary",
            "el archivo contiene caracteres binarios (¿no es un archivo de texto?); "
            "revisa esta línea o vuelve a crear el archivo",
        )
        return None
    if not text.strip():
        rep.error(display, 0, "empty-file", "el archivo está vacío; escribe su contenido o bórralo")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
