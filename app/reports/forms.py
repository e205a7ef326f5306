"""Filters for the completion records (GET parameters, no CSRF: they change nothing)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class RecordFilterForm(FlaskForm):
    class Meta:
        csrf = False

    curso = SelectField(_l("Curso"), validators=[Optional()])
    grupo = SelectField(_l("Grupo"), validators=[Optional()])
    estado = SelectField(_l("Estado"), validators=[Optional()])
    desde = DateField(
        _l("Desde"),
        validators=[Optional()],
        description=_l("Inscripción o término desde este día. Formato: aaaa-mm-dd."),
    )
    hasta = DateField(
        _l("Hasta"),
        validators=[Optional()],
        description=_l("Inscripción o término hasta este día. Formato: aaaa-mm-dd."),
    )

    def validate_hasta(self, field):
        if field.data and self.desde.data and field.data < self.desde.data:
            raise ValidationError(_l("La fecha «hasta» debe ser igual o posterior a «desde»."))
