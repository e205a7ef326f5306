"""Reading preferences as plain data: parse, normalise, store in a cookie or an account.

A preference set is a small dict of known keys with known values; anything else is dropped,
so a tampered cookie or an old account value can never put an unknown class on the page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

COOKIE_NAME = "lectura"
COOKIE_MAX_AGE = 365 * 24 * 3600

TEXT_SIZES = ("normal", "grande", "muy-grande")
VERSIONS = ("completo", "facil")


@dataclass(frozen=True)
class Preferences:
    text_size: str = "normal"
    high_contrast: bool = False
    spacing: bool = False
    easy_font: bool = False
    reduce_motion: bool = False
    reading: str = "completo"  # which version of a lesson to show: full text or easy read

    @classmethod
    def from_dict(cls, data: object) -> Preferences:
        if not isinstance(data, dict):
            return cls()
        size = data.get("text_size")
        reading = data.get("reading")
        return cls(
            text_size=size if size in TEXT_SIZES else "normal",
            high_contrast=data.get("high_contrast") is True,
            spacing=data.get("spacing") is True,
            easy_font=data.get("easy_font") is True,
            reduce_motion=data.get("reduce_motion") is True,
            reading=reading if reading in VERSIONS else "completo",
        )

    def to_dict(self) -> dict:
        return asdict(self)

    # Cookie: dot-separated tokens ("grande.contraste.facil"), short and free of quoting.
    def to_cookie(self) -> str:
        tokens = []
        if self.text_size != "normal":
            tokens.append(self.text_size)
        for flag, token in (
            (self.high_contrast, "contraste"),
            (self.spacing, "espaciado"),
            (self.easy_font, "fuente"),
            (self.reduce_motion, "quieto"),
        ):
            if flag:
                tokens.append(token)
        if self.reading != "completo":
            tokens.append(self.reading)
        return ".".join(tokens) or "normal"

    @classmethod
    def from_cookie(cls, value: str | None) -> Preferences | None:
        if not value:
            return None
        tokens = set(value[:200].split("."))
        size = next((s for s in TEXT_SIZES if s in tokens), "normal")
        return cls(
            text_size=size,
            high_contrast="contraste" in tokens,
            spacing="espaciado" in tokens,
            easy_font="fuente" in tokens,
            reduce_motion="quieto" in tokens,
            reading="facil" if "facil" in tokens else "completo",
        )

    @property
    def is_default(self) -> bool:
        return self == Preferences()

    def html_classes(self) -> list[str]:
        """CSS classes for <html>: the stylesheet does the rest (no inline styles)."""
        classes = []
        if self.text_size == "grande":
            classes.append("pref-text-large")
        elif self.text_size == "muy-grande":
            classes.append("pref-text-larger")
        if self.high_contrast:
            classes.append("pref-contrast")
        if self.spacing:
            classes.append("pref-spacing")
        if self.easy_font:
            classes.append("pref-font")
        if self.reduce_motion:
            classes.append("pref-motion")
        return classes


def normalised_preferences_cookie(value: str | None) -> str:
    """The preferences cookie as what it means: tampered or default variants share one value
    (the key of the visitor page cache)."""
    parsed = Preferences.from_cookie(value)
    return "" if parsed is None or parsed.is_default else parsed.to_cookie()
