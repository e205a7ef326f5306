"""Admin forms: municipalities, groups, users and roles."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.orgs.models import GROUP_KIND_LABELS
from app.web.forms import Form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


ROLE_CHOICES = [
    SelectChoice("participant", _l("Participante")),
    SelectChoice("trainer", _l("Facilitador o facilitadora")),
    SelectChoice("coordinator", _l("Coordinación municipal")),
    SelectChoice("admin", _l("Administración de la red")),
]
KIND_CHOICES = [SelectChoice(kind, label) for kind, label in GROUP_KIND_LABELS.items()]


class MunicipalityForm(Form):
    name = StringField(
        _l("Nombre de la comuna"),
        validators=[DataRequired(_l("Escribe el nombre de la comuna.")), Length(max=120)],
    )
    region = StringField(_l("Región (opcional)"), validators=[Optional(), Length(max=120)])


class GroupForm(Form):
    name = StringField(
        _l("Nombre del grupo"),
        validators=[DataRequired(_l("Escribe el nombre del grupo.")), Length(max=160)],
    )
    municipality = SelectField(
        _l("Comuna"), validators=[DataRequired(_l("Elige la comuna."))], coerce=str
    )
    kind = RadioField(
        _l("Tipo de grupo"),
        choices=KIND_CHOICES,
        default="pre_associative",
        validators=[DataRequired(_l("Elige el tipo de grupo."))],
    )
    trainers = MultiCheckboxField(_l("Personas que facilitan el grupo"), coerce=int)


class UserForm(Form):
    full_name = StringField(
        _l("Nombre completo"),
        validators=[DataRequired(_l("Escribe el nombre de la persona.")), Length(max=200)],
    )
    username = StringField(
        _l("Nombre de usuario (opcional)"),
        validators=[Optional(), Length(max=63)],
        description=_l("Si lo dejas en blanco, se arma con el nombre."),
    )
    email = EmailField(
        _l("Correo electrónico (opcional)"), validators=[Optional(), Length(max=254)]
    )
    rut = StringField(
        _l("RUT (opcional)"),
        validators=[Optional(), Length(max=14)],
        description=_l("Por ejemplo 12.345.678-5."),
    )
    role = RadioField(_l("Rol"), choices=ROLE_CHOICES, default="participant")
    municipalities = MultiCheckboxField(
        _l("Comunas donde trabaja"),
        coerce=int,
        description=_l(
            "Para facilitadores: una o más. Para coordinación: exactamente una. "
            "Los demás roles no llevan comuna."
        ),
    )


class SendBackForm(Form):
    """Send a course's publication request back to its editors, saying what to change."""

    note = TextAreaField(
        _l("Qué debe cambiar el equipo del curso"),
        validators=[
            DataRequired(_l("Escribe qué debe cambiar el equipo del curso.")),
            Length(max=500, message=_l("La nota puede tener como máximo 500 caracteres.")),
        ],
        description=_l("Lo verá el equipo de edición del curso en el taller."),
    )
