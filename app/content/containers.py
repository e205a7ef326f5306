"""The ::: blocks of a lesson (callouts, another language, video and audio with their
transcript), checked and marked for the render rules."""

from __future__ import annotations

from markdown_it.token import Token

from .langtags import valid_lang
from .media_types import AUDIO_EXT, CAPTION_EXT, VIDEO_EXT
from .page_context import PageContext
from .tokens import check_closed, container_name, matching_close, parse_params

CALLOUTS = {
    "nota": ("note", "Nota"),
    "consejo": ("tip", "Consejo"),
    "actividad": ("activity", "Actividad"),
    "ejercicio": ("activity", "Actividad"),
    "advertencia": ("warning", "Advertencia"),
}


BLOCK_NAMES = (*CALLOUTS, "lectura-facil", "idioma", "video", "audio", "prueba")


def check_container(tokens: list[Token], idx: int, ctx: PageContext, lines: list[str]) -> None:
    tok = tokens[idx]
    line = tok.meta.get("line", 0)
    name, rest = container_name(tok)
    close = tokens[matching_close(tokens, idx)]
    check_closed(tok, lines, ctx, name)
    tok.meta["kind"] = close.meta["kind"] = "div"
    if name in CALLOUTS:
        kind, label = CALLOUTS[name]
        title = rest.strip()
        full = f"{label}: {title}" if title else label
        tok.meta.update(kind="callout", callout=kind, label=full)
        close.meta["kind"] = "callout"
    elif name == "idioma":
        lang = rest.strip()
        if not valid_lang(lang):
            ctx.error(
                line,
                "lang-invalid",
                f"'{lang}' no es un código de idioma válido; escribe por ejemplo ::: idioma en",
            )
        else:
            tok.meta.update(kind="lang", lang=lang)
    elif name in ("video", "audio"):
        _media_block(tokens, idx, ctx, name, rest)
        close.meta["kind"] = tok.meta["kind"]
    elif name == "lectura-facil":
        ctx.error(
            line,
            "easy-read-nested",
            "el bloque ::: lectura-facil debe ir directamente en la lección, no dentro de otro "
            "bloque ni dentro de otro lectura-facil",
        )
    elif name == "prueba":
        ctx.error(
            line,
            "quiz-nested",
            "el bloque ::: prueba debe ir directamente en la lección, fuera de otros bloques "
            "(y no dentro de lectura fácil)",
        )
    else:
        ctx.error(
            line,
            "container-unknown",
            f"bloque desconocido ::: {name}; usa " + ", ".join(BLOCK_NAMES),
        )


def _media_block(tokens: list[Token], idx: int, ctx: PageContext, name: str, rest: str) -> None:
    tok = tokens[idx]
    line = tok.meta.get("line", 0)
    positional, named = parse_params(rest)
    for key in named:
        if key != "subtitulos":
            ctx.error(
                line,
                "media-param",
                f"opción desconocida '{key}=' en ::: {name}; la única opción es subtitulos=",
            )
    is_video = name == "video"
    if len(positional) != 1:
        ctx.error(
            line,
            "media-src",
            f"escribe un solo archivo después de ::: {name} (por ejemplo, ::: {name} "
            f"media/{'asamblea.mp4' if is_video else 'entrevista.mp3'})",
        )
        return
    src = ctx.resolve(positional[0], line, VIDEO_EXT if is_video else AUDIO_EXT, f"un {name}")
    captions = None
    if "subtitulos" in named:
        captions = ctx.resolve(named["subtitulos"], line, CAPTION_EXT, "los subtítulos")
    elif is_video:
        ctx.error(
            line,
            "video-no-captions",
            "el video no tiene subtítulos; agrega subtitulos=media/archivo.vtt",
        )
    if tokens[idx + 1].type == "container_generic_close":
        ctx.error(
            line,
            "media-no-transcript",
            f"el {name} no tiene transcripción; escríbela dentro del bloque (todo lo que se dice "
            "y lo importante que se ve)",
        )
    if src is None:
        return
    ctx.media_counter += 1
    tok.meta.update(
        kind=name,
        src=ctx.file_url(src),
        captions=ctx.file_url(captions) if captions else "",
        number=ctx.media_counter,
    )
