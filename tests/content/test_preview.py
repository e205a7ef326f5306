"""The workshop's side-by-side preview of one file: blocks with their source lines (issue 21)."""

from __future__ import annotations

from app.content.preview import preview_file

LESSON = """---
titulo: Votar en asamblea
minutos: 10
---

## Cómo se vota

Cada socia tiene [un voto](02-otra.md).

::: cuadro
Un bloque con nombre mal escrito.
:::

::: lectura-facil
Votamos todas.

## Después
:::

::: prueba repaso
¿Cuántos votos tiene cada socia?
- [x] Uno
- [ ] Dos
:::
"""


def _preview(text: str = LESSON, rel: str = "01-votar.md"):
    return preview_file(rel, text.encode(), course_slug="curso", files=[rel, "course.md"])


def test_each_top_level_block_knows_its_lines_and_renders_whatever_the_errors():
    page = _preview()
    assert page.shown and page.title == "Votar en asamblea" and page.header_last == 4
    kinds = [(b.first, b.last, b.kind) for b in page.blocks]
    assert kinds == [(6, 6, "html"), (8, 8, "html"), (10, 11, "html"), (14, 17, "easy"),
                     (20, 23, "quiz")]  # fmt: skip
    assert '<h2 id="c-como-se-vota">Cómo se vota</h2>' in page.blocks[0].html
    # The link to a lesson that does not exist is shown as its text; the checker reports it.
    assert page.blocks[1].html == "<p>Cada socia tiene un voto.</p>\n"
    assert "Un bloque con nombre mal escrito." in page.blocks[2].html
    easy = page.blocks[3]
    assert [(c.first, c.html) for c in easy.children] == [
        (15, "<p>Votamos todas.</p>\n"),
        (17, '<h2 id="c-despues">Después</h2>\n'),
    ]
    assert page.blocks[4].source == "¿Cuántos votos tiene cada socia?\n- [x] Uno\n- [ ] Dos"


def test_a_problem_line_goes_to_the_innermost_block_that_shows_it():
    page = _preview()
    assert page.anchor(0) == 0 and page.anchor(2) == 0  # whole file, front matter: the top
    assert page.anchor(8) == 8
    assert page.anchor(11) == 10  # inside the ::: cuadro block
    assert page.anchor(12) == 10  # the closing line: the block before it
    assert page.anchor(14) == 14  # the ::: lectura-facil line itself
    assert page.anchor(17) == 17  # a heading inside it
    assert page.anchor(22) == 20
    assert page.anchor(99) == 20


def test_a_quiz_file_is_shown_as_its_text_and_unreadable_text_is_not_shown():
    quiz = "---\ntitulo: Repaso\ntipo: prueba\n---\n\n¿Sí?\n- [x] Sí\n- [ ] No\n"
    page = _preview(quiz, "02-repaso.md")
    assert [(b.first, b.kind) for b in page.blocks] == [(5, "quiz")]
    assert "¿Sí?" in page.blocks[0].source
    broken = preview_file("01-x.md", b"\xff\xfe no es UTF-8", course_slug="c", files=["01-x.md"])
    assert not broken.shown and broken.blocks == ()


def test_an_easy_read_file_renders_as_easy_read_and_course_md_without_quizzes():
    page = _preview("---\ntitulo: Fácil\n---\n\nTexto fácil.\n", "01-votar.lf.md")
    assert [b.html for b in page.blocks] == ["<p>Texto fácil.</p>\n"]
    course = _preview("---\ntitulo: Curso\n---\n\n::: prueba x\n¿?\n:::\n", "course.md")
    assert [b.kind for b in course.blocks] == ["html"]  # course.md has no quizzes
