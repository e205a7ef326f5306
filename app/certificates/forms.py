"""Certificate forms: verify a code, filter the staff list, revoke, suspend, lift a suspension."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SearchField, StringField, TextAreaField
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


def _reason(label, missing: str, description) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(missing),
            Length(
                max=REASON_MAX,
                message=_l("El motivo puede tener como máximo 500 caracteres."),
            ),
        ],
        description=description,
    )


def _confirm(label, missing) -> BooleanField:
    return BooleanField(label, validators=[DataRequired(missing)])


class RevokeForm(Form):
    reason = _reason(
        _l("Motivo de la revocación"),
        _l("Escribe el motivo de la revocación."),
        _l(
            "Obligatorio, hasta 500 caracteres. Se mostrará en la página pública de "
            "verificación: no escribas datos personales."
        ),
    )
    confirm = _confirm(
        _l("Confirmo que quiero revocar este certificado para siempre"),
        _l("Marca la casilla para confirmar la revocación."),
    )


class SuspendForm(Form):
    reason = _reason(
        _l("Motivo de la suspensión"),
        _l("Escribe el motivo de la suspensión."),
        _l(
            "Obligatorio, hasta 500 caracteres. Se mostrará en la página pública de "
            "verificación mientras dure la suspensión: no escribas datos personales."
        ),
    )
    confirm = _confirm(
        _l("Confirmo que quiero suspender este certificado"),
        _l("Marca la casilla para confirmar la suspensión."),
    )


class LiftSuspensionForm(Form):
    reason = _reason(
        _l("Por qué se levanta la suspensión"),
        _l("Escribe por qué se levanta la suspensión."),
        _l("Obligatorio, hasta 500 caracteres. Queda en el historial del certificado."),
    )
    confirm = _confirm(
        _l("Confirmo que el certificado vuelve a ser válido"),
        _l("Marca la casilla para confirmar que levantas la suspensión."),
    )
