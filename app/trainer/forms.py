"""Trainer workspace forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.web.forms import Form


class ParticipantForm(Form):
    full_name = StringField(
        _l("Nombre completo"),
        validators=[DataRequired(_l("Escribe el nombre de la persona.")), Length(max=200)],
    )
    email = EmailField(
        _l("Correo electrónico (opcional)"),
        validators=[Optional(), Length(max=254)],
        description=_l("Muchas personas no tienen correo: se puede dejar en blanco."),
    )
    rut = StringField(
        _l("RUT (opcional)"),
        validators=[Optional(), Length(max=14)],
        description=_l("Con o sin puntos y guion, por ejemplo 12.345.678-5."),
    )


class AddMemberForm(Form):
    username = StringField(
        _l("Nombre de usuario de la persona"),
        validators=[DataRequired(_l("Escribe el nombre de usuario.")), Length(max=254)],
        description=_l(
            "Para sumar a alguien que ya está en un grupo de tu comuna (su nombre de usuario o "
            "el correo que anotó el equipo). A una persona sin grupo la asigna la administración."
        ),
    )


class EnrollGroupForm(Form):
    course = SelectField(
        _l("Curso"), validators=[DataRequired(_l("Elige un curso."))], validate_choice=True
    )


class ImportForm(Form):
    file = FileField(
        _l("Archivo CSV"),
        validators=[FileRequired(_l("Elige un archivo CSV."))],
        description=_l(
            "Columnas: nombre, correo (opcional), rut (opcional), grupo y curso (opcional). "
            "Separado por comas o por punto y coma, como lo guarda Excel."
        ),
    )


class ConfirmImportForm(Form):
    token = HiddenField()
