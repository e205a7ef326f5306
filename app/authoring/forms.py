"""Forms of the course workshop."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.web import LEVEL_NAMES
from app.web.forms import Form

LEVELS = [SelectChoice(value, name) for value, name in LEVEL_NAMES.items()]


class CommaDecimalField(DecimalField):
    """A number written the Chilean way, with a decimal comma (2,5) or a point (2.5)."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".").strip() for v in valuelist])


class NewCourseForm(Form):
    title = StringField(
        _l("Título del curso"),
        validators=[DataRequired(_l("Escribe el título del curso.")), Length(max=150)],
    )
    summary = TextAreaField(
        _l("Resumen"),
        validators=[DataRequired(_l("Escribe un resumen de una o dos frases.")), Length(max=600)],
        description=_l("Una o dos frases: de qué trata y para quién es."),
    )
    audience = StringField(
        _l("Para quién es"),
        validators=[DataRequired(_l("Escribe para quién es el curso.")), Length(max=300)],
        description=_l("Por ejemplo: grupos preasociativos y equipos municipales."),
    )
    hours = CommaDecimalField(
        _l("Horas"),
        places=1,
        validators=[
            DataRequired(_l("Escribe cuántas horas dura, por ejemplo 4.")),
            NumberRange(
                min=0.5, max=200, message=_l("Escribe un número de horas entre 0,5 y 200.")
            ),
        ],
        description=_l("Cuánto dura en total, por ejemplo 4 o 2,5."),
    )
    level = SelectField(_l("Nivel"), choices=LEVELS, validate_choice=True)
    licence = StringField(
        _l("Licencia"),
        default="CC BY-SA 4.0",
        validators=[DataRequired(_l("Escribe la licencia.")), Length(max=100)],
    )
    authors = StringField(
        _l("Autoras y autores"),
        validators=[DataRequired(_l("Escribe quién escribe el curso.")), Length(max=300)],
        description=_l("Separados por comas, por ejemplo: Equipo REFICOOP, Ana Pérez."),
    )
    slug = StringField(
        _l("Dirección del curso (opcional)"),
        validators=[Optional(), Length(max=200)],  # services.chosen_slug says 80, in Spanish
        description=_l(
            "Es la parte final de la dirección web: /cursos/esta-parte/. Solo letras minúsculas "
            "sin tildes, números y guiones. Si la dejas vacía, se forma con el título. No se "
            "puede cambiar después."
        ),
    )


class FileForm(Form):
    text = TextAreaField(_l("Texto del archivo"), validators=[Length(max=200_000)])
    base = HiddenField()
    keep_token = HiddenField()  # who opened the form (app.authoring.kept): never trusted alone


class LessonForm(Form):
    title = StringField(
        _l("Título de la lección nueva"),
        validators=[DataRequired(_l("Escribe el título de la lección.")), Length(max=150)],
    )


class RenameForm(Form):
    title = StringField(
        _l("Título de la lección"),
        validators=[Optional(), Length(max=150)],
        description=_l("Es el nombre que ven las personas participantes."),
    )
    match_name = BooleanField(_l("Cambiar también el nombre del archivo para que siga al título"))
    name = StringField(
        _l("Nombre del archivo"),
        validators=[Length(max=80)],
        description=_l(
            "Solo la parte después del número, por ejemplo: trabajo-en-equipo. Si lo cambias, "
            "los enlaces de otras lecciones a esta se corrigen solos."
        ),
    )

    def validate_name(self, field):
        """The file name is needed unless it follows the title."""
        if not self.match_name.data and not (field.data or "").strip():
            raise ValidationError(_l("Escribe el nombre del archivo."))


class MediaForm(Form):
    file = FileField(
        _l("Archivo"),
        validators=[FileRequired(_l("Elige un archivo."))],
        description=_l(
            "Imagen (JPG, PNG, GIF, WebP), audio (MP3, OGG, M4A, WAV), video (MP4, WebM), "
            "subtítulos (VTT) o PDF."
        ),
    )
    target = SelectField(_l("Para qué es"), default="", validate_choice=True)
    alt = StringField(
        _l("Descripción de la imagen"),
        validators=[Optional(), Length(max=300)],
        description=_l("Solo para imágenes: qué muestra, para quien no la ve."),
    )


class ZipForm(Form):
    file = FileField(
        _l("Curso en un archivo .zip"),
        validators=[FileRequired(_l("Elige un archivo .zip."))],
        description=_l(
            "La carpeta del curso comprimida: course.md, las lecciones y la carpeta media."
        ),
    )


class PublishForm(Form):
    note = TextAreaField(
        _l("Qué cambió"),
        validators=[DataRequired(_l("Escribe en pocas palabras qué cambió.")), Length(max=500)],
        description=_l("Lo verán las demás personas del equipo en el historial."),
    )
    # Shown (and required by publish_draft) only when the checker has warnings.
    accept_warnings = BooleanField(_l("Revisé los avisos y quiero publicar igual"))


class EditorForm(Form):
    username = StringField(
        _l("Nombre de usuario o correo de la persona facilitadora"),
        validators=[DataRequired(_l("Escribe el nombre de usuario.")), Length(max=254)],
    )


class CopyCourseForm(Form):
    source = SelectField(
        _l("Curso publicado"),
        validators=[DataRequired(_l("Elige un curso publicado."))],
        validate_choice=True,
    )
    title = StringField(
        _l("Título del curso nuevo"),
        validators=[DataRequired(_l("Escribe el título del curso nuevo.")), Length(max=150)],
        description=_l("Por ejemplo: Cooperativismo para Quillota."),
    )


class TesterForm(Form):
    username = StringField(
        _l("Nombre de usuario de la persona"),
        validators=[DataRequired(_l("Escribe el nombre de usuario.")), Length(max=254)],
    )


class ReplaceMediaForm(Form):
    """A new version of one media file, under the same name (the media library)."""

    file = FileField(
        _l("Archivo nuevo"),
        validators=[FileRequired(_l("Elige un archivo."))],
        description=_l("Del mismo tipo que el actual: las páginas que lo usan no cambian."),
    )
