"""Chilean RUT/RUN: check digit (módulo 11) and one normalised form, "12345678-5"."""

from __future__ import annotations

import re

_RUT_RE = re.compile(r"^(\d{1,8})-?([\dK])$")


def check_digit(number: int | str) -> str:
    """The dígito verificador of NUMBER: multiply digits right to left by 2..7, mod 11."""
    total, factor = 0, 2
    for digit in reversed(str(int(number))):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    result = 11 - total % 11
    if result == 11:
        return "0"
    if result == 10:
        return "K"
    return str(result)


def normalise_rut(text: str) -> str | None:
    """Return "12345678-5" for 12.345.678-5, 12345678-5 or 123456785 (K or k); None if invalid."""
    cleaned = re.sub(r"[.\s]", "", text or "").upper()
    match = _RUT_RE.match(cleaned)
    if not match:
        return None
    number, digit = match.groups()
    number = number.lstrip("0")
    if not number or check_digit(number) != digit:
        return None
    return f"{number}-{digit}"
