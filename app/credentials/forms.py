"""The form that checks a credential file someone brings (uploaded or pasted)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import TextAreaField

from app.web.forms import Form

MAX_CREDENTIAL_BYTES = 200_000


class CheckCredentialForm(Form):
    archivo = FileField(
        _l("Archivo de la credencial"),
        description=_l("El archivo .json que descargaste o que viene dentro del PDF."),
    )
    texto = TextAreaField(
        _l("O pega aquí el texto de la credencial"),
        description=_l("Empieza con una llave «{». Usa esta opción si no tienes el archivo."),
    )
