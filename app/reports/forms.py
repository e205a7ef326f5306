"""Filters for the completion records (GET parameters, no CSRF: they change nothing)."""

import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from app.web.forms import Form


class IsoDateField(DateField):
    """A yyyy-mm-dd date that never echoes an impossible value back into ``<input type=date>``.

    The browser would drop such a value silently (and it is invalid HTML); the error message
    quotes what was typed instead, so nothing the person wrote is hidden from them.
    """

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        typed = valuelist[0].strip()
        try:
            self.data = datetime.datetime.strptime(typed, "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(
                _(
                    "«%(typed)s» no es una fecha válida. Escríbela como aaaa-mm-dd, "
                    "por ejemplo 2026-03-31.",
                    typed=typed[:40],
                )
            ) from None

    def _value(self):
        return self.data.isoformat() if self.data else ""


class RecordFilterForm(Form):
    class Meta:
        csrf = False

    curso = SelectField(_l("Curso"), validators=[Optional()])
    grupo = SelectField(_l("Grupo"), validators=[Optional()])
    estado = SelectField(_l("Estado"), validators=[Optional()])
    desde = IsoDateField(
        _l("Desde"),
        validators=[Optional()],
        description=_l("Inscripción o término desde este día. Formato: aaaa-mm-dd."),
    )
    hasta = IsoDateField(
        _l("Hasta"),
        validators=[Optional()],
        description=_l("Inscripción o término hasta este día. Formato: aaaa-mm-dd."),
    )

    def validate_hasta(self, field):
        if field.data and self.desde.data and field.data < self.desde.data:
            raise ValidationError(_l("La fecha «hasta» debe ser igual o posterior a «desde»."))
