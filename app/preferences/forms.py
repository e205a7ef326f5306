"""Forms of the reading preferences page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from app.preferences.prefs import Preferences
from app.web.forms import Form


class PreferencesForm(Form):
    text_size = RadioField(
        _l("Tamaño del texto"),
        choices=[
            SelectChoice("normal", _l("Normal")),
            SelectChoice("grande", _l("Grande")),
            SelectChoice("muy-grande", _l("Muy grande")),
        ],
        default="normal",
    )
    high_contrast = BooleanField(
        _l("Alto contraste"),
        description=_l("Letras blancas y enlaces amarillos sobre fondo negro."),
    )
    spacing = BooleanField(
        _l("Más espacio entre letras, palabras y líneas"),
        description=_l("Separa más las letras, las palabras, las líneas y los párrafos."),
    )
    easy_font = BooleanField(
        _l("Letra fácil de leer"),
        description=_l("Usa la letra Atkinson Hyperlegible, hecha para personas con baja visión."),
    )
    reduce_motion = BooleanField(
        _l("Sin movimiento"),
        description=_l("Quita animaciones y desplazamientos suaves."),
    )
    reading = RadioField(
        _l("Versión de las lecciones"),
        choices=[
            SelectChoice("completo", _l("Texto completo")),
            SelectChoice("facil", _l("Lectura fácil, cuando la lección la tiene")),
        ],
        default="completo",
    )
    next = HiddenField()

    def fill(self, prefs: Preferences) -> None:
        self.text_size.data = prefs.text_size
        self.high_contrast.data = prefs.high_contrast
        self.spacing.data = prefs.spacing
        self.easy_font.data = prefs.easy_font
        self.reduce_motion.data = prefs.reduce_motion
        self.reading.data = prefs.reading

    def preferences(self) -> Preferences:
        return Preferences.from_dict(
            {
                "text_size": self.text_size.data,
                "high_contrast": bool(self.high_contrast.data),
                "spacing": bool(self.spacing.data),
                "easy_font": bool(self.easy_font.data),
                "reduce_motion": bool(self.reduce_motion.data),
                "reading": self.reading.data,
            }
        )


class ReadingForm(Form):
    """The switch on a lesson between its full text and its easy-read version."""

    reading = RadioField(
        choices=[SelectChoice("completo", "completo"), SelectChoice("facil", "facil")]
    )
    next = HiddenField()
