"""The shared fixture course loads cleanly and exercises every construct."""

from __future__ import annotations

import hashlib
import pickle

from app.content import HtmlBlock, QuizBlock, load_course, load_courses

from .helpers import FIXTURES

COURSE = FIXTURES / "courses" / "curso-prueba"


def v(name: str) -> str:
    """The version the URL of media/NAME carries: 12 hex digits of its SHA-256."""
    return hashlib.sha256((COURSE / "media" / name).read_bytes()).hexdigest()[:12]


def load():
    course, problems = load_course(COURSE)
    assert problems == []
    assert course is not None
    return course


def test_fixture_has_no_problems():
    result = load_courses(FIXTURES / "courses")
    assert result.problems == ()
    assert list(result.courses) == ["curso-prueba"]


def test_course_metadata():
    course = load()
    assert course.title == "Curso de prueba"
    assert course.language == "es-CL"
    assert course.hours == 2
    assert course.level == "inicial"
    assert course.authors == ("Equipo REFICOOP",)
    assert course.certificate is True
    assert course.status == "published"
    assert course.enrolment_key is None
    assert len(course.version) == 12
    assert [ls.slug for ls in course.lessons] == [
        "01-que-es-una-cooperativa",
        "02-trabajo-en-equipo",
        "03-prueba-final",
    ]
    assert list(course.quizzes) == ["repaso-cooperativas", "prueba-final"]
    assert course.required_quiz_ids == ("repaso-cooperativas", "prueba-final")
    assert course.media_files == {
        "01-que-es-una-cooperativa.mp3",
        "media/asamblea.png",
        "media/asamblea.mp4",
        "media/asamblea.vtt",
        "media/entrevista.mp3",
    }
    assert 'href="/cursos/curso-prueba/01-que-es-una-cooperativa"' in course.intro_html


def test_lesson_one_constructs():
    course = load()
    lesson = course.lesson("01-que-es-una-cooperativa")
    assert lesson is course.lessons_by_slug["01-que-es-una-cooperativa"]
    assert lesson.minutes == 20
    assert lesson.kind == "lesson"
    assert lesson.quiz_ids == ("repaso-cooperativas",)
    assert isinstance(lesson.body[0], HtmlBlock)
    assert lesson.body[1] == QuizBlock("repaso-cooperativas")
    html = lesson.body[0].html
    assert '<h2 id="c-que-es">Qué es</h2>' in html
    assert '<h3 id="c-los-principios">' in html
    assert (
        '<div class="table-wrap table-scroll" role="region" tabindex="0"' in html
        and '<th scope="col">Principio</th>' in html
    )
    assert (
        f'<img src="/cursos/curso-prueba/archivos/media/asamblea.png?v={v("asamblea.png")}" '
        in html
    )
    assert 'alt="Un grupo' in html
    for kind, label in [
        ("note", "Nota"),
        ("tip", "Consejo: Antes de empezar"),
        ("activity", "Actividad: Conversen en grupo"),
        ("warning", "Advertencia"),
    ]:
        assert f'<div class="callout callout-{kind}" role="note" aria-label="{label}">' in html
        assert f'<p class="callout-label">{label}</p>' in html
    assert '<span lang="en">cooperative</span>' in html
    assert '<div lang="en">' in html
    video = (
        '<video controls preload="none" '
        f'src="/cursos/curso-prueba/archivos/media/asamblea.mp4?v={v("asamblea.mp4")}"'
    )
    assert video in html
    assert '<track kind="captions" srclang="es" label="Español"' in html
    assert f'src="/cursos/curso-prueba/archivos/media/asamblea.vtt?v={v("asamblea.vtt")}"' in html
    assert '<a href="#transcripcion-1">Leer la transcripción</a>' in html
    assert '<details id="transcripcion-1"><summary>Transcripción</summary>' in html
    assert '<audio controls preload="none"' in html
    assert 'href="/cursos/curso-prueba/02-trabajo-en-equipo#c-por-que-en-equipo"' in html
    assert (
        '<a href="https://www.ica.coop/es" rel="noopener noreferrer">Alianza Cooperativa '
        'Internacional<span class="visually-hidden"> (enlace externo)</span></a>'
    ) in html
    assert lesson.headings[0] == (2, "c-que-es", "Qué es")
    assert "lectura" not in html.lower() or "Una cooperativa es un grupo" not in html
    assert lesson.easy_read is not None
    assert "Una cooperativa es un grupo de personas." in lesson.easy_read[0].html
    assert "Cada persona tiene un voto." in lesson.easy_read_text
    assert "Una cooperativa es una empresa de personas" in lesson.plain_text
    assert [(m.kind, m.src, m.easy_read) for m in lesson.media] == [
        ("audio", "01-que-es-una-cooperativa.mp3", False)
    ]


def test_lesson_two_has_easy_read_file():
    lesson = load().lesson("02-trabajo-en-equipo")
    assert lesson.easy_read is not None
    assert "En un equipo las personas se ayudan." in lesson.easy_read[0].html
    # ids are unique across the lesson and its easy-read version
    assert 'id="c-por-que-en-equipo-2"' in lesson.easy_read[0].html


def test_in_lesson_quiz():
    quiz = load().quizzes["repaso-cooperativas"]
    assert quiz.title == "Repaso de la lección"
    assert (quiz.passing_score, quiz.max_attempts, quiz.time_limit_minutes) == (50, 3, None)
    assert quiz.required is True
    assert quiz.lesson_slug == "01-que-es-una-cooperativa"
    assert [q.kind for q in quiz.questions] == [
        "single",
        "multiple",
        "true_false",
        "text",
        "ordering",
    ]
    assert [q.key for q in quiz.questions] == ["p1", "p2", "p3", "p4", "p5"]
    single = quiz.questions[0]
    assert single.points == 2 and quiz.max_score == 6
    assert single.hint_html == "Revisa la tabla de la lección."
    assert single.options[1].correct and single.options[1].key == "b"
    assert single.options[0].feedback_html == "No son cinco. Vuelve a contar la lista."
    assert quiz.questions[3].answers == ("asamblea", "asamblea general")
    ordering = quiz.questions[4]
    assert [o.text for o in ordering.options] == [
        "Reunir al grupo",
        "Escribir los estatutos",
        "Hacer la asamblea constitutiva",
    ]
    assert sorted(o.key for o in ordering.options) == ["a", "b", "c"]


def test_quiz_file():
    course = load()
    lesson = course.lesson("03-prueba-final")
    assert lesson.kind == "quiz"
    assert lesson.easy_read is None
    assert lesson.body[-1] == QuizBlock("prueba-final")
    quiz = course.quizzes["prueba-final"]
    assert quiz.title == "Prueba final"
    assert (quiz.passing_score, quiz.max_attempts, quiz.time_limit_minutes) == (60, None, 30)
    assert "Responde las preguntas" in quiz.intro_html
    assert [q.kind for q in quiz.questions] == ["single", "true_false"]


def test_course_pickles_and_lookups():
    course = load()
    again = pickle.loads(pickle.dumps(course))  # noqa: S301 - our own object
    assert again == course
    assert again.lesson("02-trabajo-en-equipo").title == "Trabajo en equipo"
    assert again.lesson("no-existe") is None


def test_base_url_is_used():
    course, _ = load_course(COURSE, base_url="/aula/c/")
    html = course.lessons[0].body[0].html
    assert f'src="/aula/c/curso-prueba/archivos/media/asamblea.png?v={v("asamblea.png")}"' in html
