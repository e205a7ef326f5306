"""Account forms."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.validators import Email as EmailValidator

from app.web.forms import Form


class LoginForm(Form):
    login = StringField(
        _l("Nombre de usuario o correo"),
        validators=[DataRequired(_l("Escribe tu nombre de usuario o tu correo."))],
        description=_l("Es el nombre de usuario que te entregaron en tu hoja de acceso."),
    )
    password = PasswordField(
        _l("Contraseña"), validators=[DataRequired(_l("Escribe tu contraseña."))]
    )
    remember = BooleanField(_l("Mantener la sesión abierta en este equipo"))


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Contraseña actual"),
        validators=[DataRequired(_l("Escribe tu contraseña actual."))],
    )
    new_password = PasswordField(
        _l("Nueva contraseña"),
        validators=[DataRequired(_l("Escribe la nueva contraseña."))],
        description=_l(
            "Al menos 8 caracteres. Puedes usar una frase de varias palabras, "
            "por ejemplo: «mi huerta tiene tres limones»."
        ),
    )
    confirm = PasswordField(
        _l("Repite la nueva contraseña"),
        validators=[
            DataRequired(_l("Repite la nueva contraseña.")),
            EqualTo("new_password", _l("Las dos contraseñas nuevas no coinciden.")),
        ],
    )


class ProfileForm(Form):
    full_name = StringField(
        _l("Nombre completo"),
        validators=[DataRequired(_l("Escribe tu nombre.")), Length(max=200)],
    )
    email = EmailField(
        _l("Correo electrónico (opcional)"),
        validators=[
            Optional(),
            EmailValidator(
                _l("Escribe un correo válido, por ejemplo nombre@dominio.cl."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
    )
    locale = SelectField(
        _l("Idioma de la plataforma"),
        choices=[SelectChoice("es_CL", "Español (Chile)"), SelectChoice("en", "English")],
    )
    # Sensitive data (Ley 21.719): optional self-declaration with explicit consent.
    disability = RadioField(
        _l("¿Tienes alguna discapacidad? (opcional)"),
        choices=[
            SelectChoice("", _l("Prefiero no decir")),
            SelectChoice("yes", _l("Sí, tengo una discapacidad")),
            SelectChoice("no", _l("No")),
        ],
        default="",
        validators=[Optional()],
        description=_l(
            "Nos ayuda a saber si los cursos llegan a todas las personas. La coordinación "
            "municipal solo ve totales, nunca quién respondió. Puedes cambiarlo o quitarlo "
            "cuando quieras."
        ),
    )
    disability_consent = BooleanField(
        _l(
            "Doy mi consentimiento para que se guarde este dato, que es un dato sensible, y se "
            "use solo en totales anónimos."
        )
    )
