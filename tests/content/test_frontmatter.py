"""Front matter, encoding and file-level errors, each at its exact line."""

from __future__ import annotations

from app.content.frontmatter import parse_front_matter
from app.content.problems import Reporter

from .helpers import COURSE_MD, LESSON_FM, find, lesson, only


def test_unknown_key_suggests_the_right_one(build):
    text = "---\ntitlo: Hola\nminutos: 5\nobjetivos: [a]\n---\n\nTexto.\n"
    course, problems = build.load({"01-uno.md": text + "\n::: lectura-facil\nFácil.\n:::\n"})
    assert course is None
    p = only(problems, "front-matter-unknown-key")
    assert (p.path, p.line, p.severity) == ("curso/01-uno.md", 2, "error")
    assert "¿quisiste decir 'titulo'?" in p.message
    assert only(problems, "front-matter-missing-key").message.startswith("falta la clave 'titulo'")


def test_keys_ignore_case_and_accents(build):
    text = "---\nTítulo: Hola\nMINUTOS: 5\nObjetivos: [a]\n---\n\nTexto.\n\n## Fuentes\n\nEquipo.\n"
    course, problems = build.load({"01-uno.md": text + "\n::: lectura-facil\nFácil.\n:::\n"})
    assert problems == []
    assert course.lessons[0].title == "Hola"


def test_bad_yaml_reports_line_in_file(build):
    text = "---\ntitulo: Hola\nminutos: 5\nobjetivos: [a, b\nfoo: : :\n---\nTexto\n"
    course, problems = build.load({"01-uno.md": text})
    p = only(problems, "front-matter-yaml")
    assert p.path == "curso/01-uno.md"
    assert p.line == 4  # where the [ that is never closed opens
    assert course is None


def test_bad_yaml_line_exact(build):
    text = "---\ntitulo: Hola\nminutos: 5\n  mal: sangria\n---\nTexto\n"
    _, problems = build.load({"01-uno.md": text})
    assert only(problems, "front-matter-yaml").line == 4


def test_missing_title_in_course(build):
    course_md = COURSE_MD.replace("titulo: Curso\n", "")
    course, problems = build.load({"course.md": course_md})
    p = only(problems, "front-matter-missing-key")
    assert (p.path, p.line, p.severity) == ("curso/course.md", 1, "error")
    assert "'titulo'" in p.message
    assert course is None


def test_bad_types(build):
    course_md = COURSE_MD.replace("horas: 1", "horas: muchas").replace(
        "nivel: inicial", "nivel: experto"
    )
    text = LESSON_FM.replace("minutos: 10", "minutos: -3") + "Texto.\n"
    _, problems = build.load({"course.md": course_md, "01-uno.md": text})
    bad = find(problems, "front-matter-bad-value")
    assert {(p.path, p.line) for p in bad} == {
        ("curso/course.md", 4),
        ("curso/course.md", 5),
        ("curso/01-uno.md", 3),
    }
    assert all(p.severity == "error" for p in bad)


def test_missing_minutes_and_objectives_are_warnings(build):
    text = "---\ntitulo: Hola\n---\nTexto.\n::: lectura-facil\nFácil.\n:::\n"
    course, problems = build.load({"01-uno.md": text})
    assert course is not None
    assert {p.severity for p in find(problems, "front-matter-missing-key")} == {"warning"}
    assert len(find(problems, "front-matter-missing-key")) == 2


def test_quiz_keys_outside_quiz_files(build):
    text = LESSON_FM.replace("---\n", "---\naprobacion: 70\n", 1) + "Texto.\n"
    _, problems = build.load({"01-uno.md": text})
    p = only(problems, "front-matter-misplaced-key")
    assert p.line == 2 and "tipo: prueba" in p.message


def test_unclosed_front_matter(build):
    _, problems = build.load({"01-uno.md": "---\ntitulo: Hola\nTexto\n"})
    assert only(problems, "front-matter-unclosed").line == 1


def test_empty_file(build):
    course, problems = build.load({"01-uno.md": "  \n\n"})
    p = only(problems, "empty-file")
    assert (p.path, p.line, p.severity) == ("curso/01-uno.md", 0, "error")
    assert course is None


def test_invalid_utf8_reports_line_of_first_bad_byte(build):
    data = lesson("Hola\n", sources=False).encode() + b"ok\nmal \xff\xfe aqui\n"
    _, problems = build.load({"01-uno.md": data})
    p = only(problems, "encoding")
    assert p.line == 13
    assert "UTF-8" in p.message


def test_binary_junk(build):
    data = b"---\ntitulo: x\n---\n\x00\x01\x02PNG"
    _, problems = build.load({"01-uno.md": data})
    assert only(problems, "binary").line == 4


def test_latin1_course_file(build):
    data = COURSE_MD.replace("Introducción", "Introducci\xf3n").encode("latin-1")
    _, problems = build.load({"course.md": data})
    assert only(problems, "encoding").line == 11


def test_bom_and_crlf_are_fine(build):
    text = "\ufeff" + lesson("## Hola\r\n\r\nTexto.\r\n").replace("\n", "\r\n")
    course, problems = build.load({"01-uno.md": text.encode()})
    assert problems == []
    assert course.lessons[0].headings == ((2, "c-hola", "Hola"), (2, "c-fuentes", "Fuentes"))


def test_front_matter_not_a_mapping(build):
    _, problems = build.load({"01-uno.md": "---\n- a\n- b\n---\nTexto\n"})
    assert only(problems, "front-matter-not-mapping").line == 2


def test_course_options(build):
    course_md = COURSE_MD.replace(
        "---\n\nIntro",
        "estado: borrador\ncertificado: no\nclave_inscripcion: abc\nidioma: es\n"
        "aprobacion:\n  pruebas: ninguna\n  intento: ultimo\n---\n\nIntro",
    )
    course, problems = build.load({"course.md": course_md})
    assert problems == []
    assert course.status == "draft" and course.certificate is False
    assert course.enrolment_key == "abc" and course.language == "es"
    assert (course.completion.quizzes, course.completion.attempt) == ("none", "last")
    assert course.required_quiz_ids == ()


def test_completion_lists_unknown_quiz(build):
    extra = "aprobacion:\n  pruebas: [no-existe]\n---\n\nIntro"
    course_md = COURSE_MD.replace("---\n\nIntro", extra)
    _, problems = build.load({"course.md": course_md})
    assert only(problems, "completion-unknown-quiz").line == 9


def test_bad_language(build):
    course_md = COURSE_MD.replace("horas: 1", "horas: 1\nidioma: xx-YY")
    _, problems = build.load({"course.md": course_md})
    assert only(problems, "front-matter-bad-value").line == 5


def test_a_character_yaml_cannot_read_is_an_error_at_its_line():
    """Found by the fuzz test: a C1 control character in the header was an internal error."""
    rep = Reporter()
    parse_front_matter(["---", "titulo: Hola", "resumen: a\x80b", "---", ""], "x.md", rep)
    assert [(p.line, p.code) for p in rep.problems] == [(3, "front-matter-yaml")]
    assert "un carácter que no se puede leer (U+0080)" in rep.problems[0].message
