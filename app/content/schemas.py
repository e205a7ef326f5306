"""The file names and front-matter schemas of a course folder (course.md, lessons, quizzes)."""

from __future__ import annotations

import re
from typing import Any

from .frontmatter import (
    Field,
    parse_bool,
    v_attempts,
    v_choice,
    v_easy_read_validation,
    v_percent,
    v_positive_int,
    v_positive_number,
    v_str,
    v_str_list,
)
from .langtags import valid_lang
from .model import COURSE_LEVELS, CompletionRule
from .quiz_parser import valid_quiz_id
from .textutil import norm_key

COURSE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
EASY_FILE = re.compile(r"^(\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.lf\.md$")
NARRATION_EXT = (".mp3", ".ogg")


def _v_lang(value: Any) -> str:
    text = v_str(value)
    if not valid_lang(text):
        raise ValueError("no es un código de idioma válido; usa por ejemplo es-CL")
    return text


def _v_completion(value: Any) -> CompletionRule:
    if not isinstance(value, dict):
        raise ValueError("debe tener las claves 'pruebas' y/o 'intento' en líneas con sangría")
    quizzes, ids, attempt = "all", (), "best"
    for raw_key, raw in value.items():
        key = norm_key(raw_key)
        if key == "pruebas":
            if isinstance(raw, list):
                quizzes, ids = "listed", tuple(v_str(x) for x in raw)
            elif norm_key(str(raw)) == "todas":
                quizzes = "all"
            elif norm_key(str(raw)) == "ninguna":
                quizzes = "none"
            else:
                raise ValueError("'pruebas' debe ser todas, ninguna o una lista de ids [id, id]")
        elif key == "intento":
            choice = norm_key(str(raw))
            if choice not in ("mejor", "ultimo"):
                raise ValueError("'intento' debe ser mejor o ultimo")
            attempt = "best" if choice == "mejor" else "last"
        else:
            raise ValueError(f"clave desconocida '{raw_key}'; usa pruebas e intento")
    return CompletionRule(quizzes=quizzes, quiz_ids=ids, attempt=attempt)  # type: ignore[arg-type]


def _v_quiz_id(value: Any) -> str:
    text = v_str(value)
    if not valid_quiz_id(text):
        raise ValueError("usa solo minúsculas sin tildes, números y guiones (ej.: prueba-modulo-1)")
    return text


COURSE_SCHEMA = {
    "titulo": Field(v_str, "error"),
    "resumen": Field(v_str, "error"),
    "idioma": Field(_v_lang),
    "horas": Field(v_positive_number, "error"),
    "nivel": Field(v_choice(*COURSE_LEVELS), "error"),
    "publico": Field(v_str, "error"),
    "autores": Field(v_str_list, "error"),
    "licencia": Field(v_str, "error"),
    "certificado": Field(parse_bool),
    "estado": Field(v_choice("publicado", "borrador")),
    "clave_inscripcion": Field(v_str),
    "aprobacion": Field(_v_completion),
    "lectura_facil_validada": Field(v_easy_read_validation),
}
LESSON_SCHEMA = {
    "titulo": Field(v_str, "error"),
    "minutos": Field(v_positive_int, "warning"),
    "objetivos": Field(v_str_list, "warning"),
    "tipo": Field(v_choice("leccion", "prueba")),
}
QUIZ_FILE_SCHEMA = {
    **LESSON_SCHEMA,
    "aprobacion": Field(v_percent),
    "intentos": Field(v_attempts),
    "tiempo": Field(v_positive_int),
    "obligatoria": Field(parse_bool),
    "id": Field(_v_quiz_id),
}
QUIZ_ONLY = {
    key: f"'{key}' solo vale en pruebas; agrega 'tipo: prueba' o borra esta línea"
    for key in ("aprobacion", "intentos", "tiempo", "obligatoria", "id")
}
EASY_SCHEMA = {"titulo": Field(v_str)}
