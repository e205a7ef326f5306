"""Password policy and readable one-time passwords."""

from __future__ import annotations

import secrets
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")

# Short everyday Spanish words, easy to read aloud and type on a phone (no ñ or accents).
WORDS = [
    "agua",
    "arbol",
    "arena",
    "barco",
    "boca",
    "bote",
    "brazo",
    "caballo",
    "cafe",
    "calle",
    "cama",
    "campo",
    "canto",
    "casa",
    "cerro",
    "cielo",
    "cine",
    "clavo",
    "cobre",
    "cola",
    "copa",
    "cuna",
    "dedo",
    "diente",
    "dulce",
    "fruta",
    "fuego",
    "gato",
    "globo",
    "gota",
    "grano",
    "hoja",
    "huevo",
    "isla",
    "jugo",
    "lago",
    "lana",
    "lapiz",
    "leche",
    "libro",
    "limon",
    "lobo",
    "luna",
    "lluvia",
    "madera",
    "mano",
    "manzana",
    "mapa",
    "mar",
    "mesa",
    "miel",
    "mono",
    "monte",
    "nariz",
    "nido",
    "nieve",
    "nube",
    "ojo",
    "ola",
    "oro",
    "oveja",
    "palma",
    "pan",
    "papel",
    "pato",
    "pera",
    "perro",
    "piedra",
    "pino",
    "plato",
    "pluma",
    "puente",
    "queso",
    "radio",
    "rama",
    "rio",
    "roca",
    "rosa",
    "sal",
    "silla",
    "sol",
    "sopa",
    "taza",
    "techo",
    "tierra",
    "tomate",
    "tren",
    "trigo",
    "uva",
    "vaca",
    "vela",
    "viento",
    "yerba",
    "zapato",
]


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def password_problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    """Return what is wrong with PASSWORD (empty list when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("La contraseña debe tener al menos %(n)s caracteres.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("La contraseña puede tener como máximo %(n)s caracteres.", n=MAX_LENGTH))
    folded = _fold(password)
    if folded in common_passwords() or (username and folded == _fold(username)):
        problems.append(
            _(
                "Esa contraseña es muy común y fácil de adivinar. Prueba con una frase de "
                "varias palabras que puedas recordar."
            )
        )
    return problems


def one_time_password() -> str:
    """Four everyday words and two digits, e.g. 'sol-mesa-pan-vaca-47'."""
    words = [secrets.choice(WORDS) for _ in range(4)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"
