"""Forms of the course workshop."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

LEVELS = [
    SelectChoice("inicial", _l("Inicial")),
    SelectChoice("intermedio", _l("Intermedio")),
    SelectChoice("avanzado", _l("Avanzado")),
]


class CommaDecimalField(DecimalField):
    """A number written the Chilean way, with a decimal comma (2,5) or a point (2.5)."""

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".").strip() for v in valuelist])


class NewCourseForm(FlaskForm):
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


class FileForm(FlaskForm):
    text = TextAreaField(_l("Texto del archivo"), validators=[Length(max=200_000)])
    base = HiddenField()


class LessonForm(FlaskForm):
    title = StringField(
        _l("Título de la lección nueva"),
        validators=[DataRequired(_l("Escribe el título de la lección.")), Length(max=150)],
    )


class RenameForm(FlaskForm):
    name = StringField(
        _l("Nombre nuevo del archivo"),
        validators=[DataRequired(_l("Escribe el nombre nuevo.")), Length(max=80)],
        description=_l("Solo la parte después del número, por ejemplo: trabajo-en-equipo."),
    )


class MediaForm(FlaskForm):
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


class ZipForm(FlaskForm):
    file = FileField(
        _l("Curso en un archivo .zip"),
        validators=[FileRequired(_l("Elige un archivo .zip."))],
        description=_l(
            "La carpeta del curso comprimida: course.md, las lecciones y la carpeta media."
        ),
    )


class PublishForm(FlaskForm):
    note = TextAreaField(
        _l("Qué cambió"),
        validators=[DataRequired(_l("Escribe en pocas palabras qué cambió.")), Length(max=500)],
        description=_l("Lo verán las demás personas del equipo en el historial."),
    )


class EditorForm(FlaskForm):
    username = StringField(
        _l("Nombre de usuario o correo de la persona facilitadora"),
        validators=[DataRequired(_l("Escribe el nombre de usuario.")), Length(max=254)],
    )


class CopyCourseForm(FlaskForm):
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


class TesterForm(FlaskForm):
    username = StringField(
        _l("Nombre de usuario de la persona"),
        validators=[DataRequired(_l("Escribe el nombre de usuario.")), Length(max=254)],
    )
