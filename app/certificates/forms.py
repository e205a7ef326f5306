"""Certificate forms: verify a code, filter the staff list, revoke and reinstate."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.certificates.services import REASON_MAX
from app.web.forms import Form


class VerifyForm(Form):
    """Sent by GET: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    codigo = StringField(
        _l("Código del certificado"),
        validators=[DataRequired(_l("Escribe el código del certificado."))],
        description=_l(
            "Está impreso en el certificado, junto al código QR: 28 letras y números en "
            "grupos de 4. Da lo mismo usar mayúsculas o minúsculas, espacios o guiones."
        ),
    )


class FilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Buscar por código, curso o persona"),
        validators=[Length(max=100)],
    )


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Motivo de la revocación"),
        validators=[
            DataRequired(_l("Escribe el motivo de la revocación.")),
            Length(
                max=REASON_MAX,
                message=_l("El motivo puede tener como máximo 500 caracteres."),
            ),
        ],
        description=_l(
            "Obligatorio, hasta 500 caracteres. Se mostrará en la página pública de "
            "verificación: no escribas datos personales."
        ),
    )


class ReinstateForm(Form):
    """Only the CSRF token: the button says what it does."""
