"""Password policy and readable one-time passwords."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from app.content.textutil import fold

MIN_LENGTH = 8
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    """Return what is wrong with PASSWORD (empty list when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("La contraseña debe tener al menos %(n)s caracteres.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("La contraseña puede tener como máximo %(n)s caracteres.", n=MAX_LENGTH))
    folded = fold(password)
    if folded in common_passwords() or (username and folded == fold(username)):
        problems.append(
            _(
                "Esa contraseña es muy común y fácil de adivinar. Prueba con una frase de "
                "varias palabras que puedas recordar."
            )
        )
    return problems


# Syllables of consonants and vowels that are written only one way in Spanish (no b/v, c/s/z,
# g/j, h, ll/y): 8 x 5 = 40 syllables, log2(40) = 5.32 bits each.
ONE_TIME_SYLLABLES = [c + v for c in "dflmnprt" for v in "aeiou"]


def one_time_password() -> str:
    """Four made-up three-syllable words and two digits, e.g. 'tamodi-lenupa-rifoma-petudo-47'.

    12 syllables and 90 numbers: log2(40**12 * 90) = 70 bits, so it can be stored with a fast
    hash until the person chooses their own password (accounts.services.ONE_TIME_HASH_METHOD).
    Easy to read aloud and to type on a phone: lower-case letters, hyphens and two digits.
    """
    words = ["".join(secrets.choice(ONE_TIME_SYLLABLES) for _ in range(3)) for _ in range(4)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"
