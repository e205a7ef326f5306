"""Learning forms."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.web.forms import Form


class EnrollForm(Form):
    key = StringField(
        _l("Clave de inscripción"),
        validators=[Optional(), Length(max=100)],
        description=_l("Te la entrega la persona que facilita el curso."),
    )
