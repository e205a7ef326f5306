"""Issue 16 (4): a participant reading the easy-read version answers the quiz in easy read, in the
same attempt, graded against the full quiz's keys."""

from __future__ import annotations

import re

import pytest

from app.course_store import get_store
from app.extensions import db
from app.quizzes.models import QuizAttempt
from tests.helpers import correct_form, wrong_form

SLUG = "curso-facil"
QUIZ = "repaso"

COURSE_MD = """---
titulo: Curso con prueba fácil
resumen: Un curso para probar las pruebas en lectura fácil.
horas: 1
nivel: inicial
publico: Todas las personas
autores: Equipo
licencia: CC BY-SA 4.0
---

Introducción.
"""

LESSON = """---
titulo: La asamblea
minutos: 10
objetivos:
  - Saber quién decide
---

## Quién decide

La asamblea de personas socias toma las decisiones importantes de la cooperativa.

::: prueba repaso
Titulo: Repaso de la asamblea

### ¿Qué órgano toma las decisiones importantes?
- [ ] El directorio elegido por la persona con más aportes
  > No: cada persona socia tiene un voto.
- [x] La asamblea de personas socias
- [ ] La gerencia contratada

### ¿Qué valores son cooperativos?
Tipo: varias
- [x] Ayuda mutua
- [x] Democracia
- [ ] Competencia sin reglas

### ¿Cómo se llama la reunión donde votan las personas socias?
Respuesta: asamblea
Retroalimentación: Se llama asamblea general.

### Ordena los pasos de una votación
1. Presentar las propuestas
2. Votar
3. Contar los votos
:::
"""

EASY = """---
titulo: La asamblea (lectura fácil)
---

## Quién decide

La asamblea es una reunión.
En la asamblea decidimos juntos.

::: prueba repaso
Titulo: Preguntas fáciles sobre la asamblea

### ¿Quién decide las cosas importantes?
- [ ] Quien puso más plata
  > No. Cada persona tiene un voto.
- [x] Todas las personas socias en la asamblea
- [ ] Una persona contratada

### Marca las cosas buenas de una cooperativa
- [x] Nos ayudamos
- [x] Votamos todos
- [ ] Le ganamos al otro

### ¿Cómo se llama la reunión para votar?
Retroalimentación: Es la asamblea.

### Ordena los pasos para votar
1. Contamos las ideas
2. Votamos
3. Contamos los votos
:::
"""

EASY_LABELS = {
    "p1": "Todas las personas socias en la asamblea",
    "p2": "Votamos todos",
    "p3": "¿Cómo se llama la reunión para votar?",
    "p4": "Contamos las ideas",
}
FULL_LABELS = {
    "p1": "La asamblea de personas socias",
    "p2": "Democracia",
    "p3": "¿Cómo se llama la reunión donde votan las personas socias?",
    "p4": "Presentar las propuestas",
}


@pytest.fixture
def easy_app(make_app, tmp_path):
    folder = tmp_path / "courses" / SLUG
    folder.mkdir(parents=True)
    (folder / "course.md").write_text(COURSE_MD, encoding="utf-8")
    (folder / "01-asamblea.md").write_text(LESSON, encoding="utf-8")
    (folder / "01-asamblea.lf.md").write_text(EASY, encoding="utf-8")
    application = make_app(
        COURSES_DIR=str(tmp_path / "courses"), COURSE_CACHE_DIR=str(tmp_path / "cache")
    )
    with application.app_context():
        course = get_store().get(SLUG)
        assert course is not None and course.quizzes[QUIZ].easy_read is not None
    return application


@pytest.fixture
def quiz(easy_app):
    with easy_app.app_context():
        return get_store().get(SLUG).quizzes[QUIZ]


def _reader(easy_app, make_user, login_as, reading: str):
    client = easy_app.test_client()
    login_as(client, make_user())
    client.post("/preferencias", data={"text_size": "normal", "reading": reading})
    return client


def _start(client) -> int:
    response = client.post(f"/cursos/{SLUG}/pruebas/{QUIZ}/intentos")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/intentos/(\d+)", response.headers["Location"]).group(1))


def _submit(client, attempt_id: int, data: dict) -> QuizAttempt:
    response = client.post(f"/intentos/{attempt_id}", data={**data, "accion": "enviar"})
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def test_easy_reader_sees_easy_wording_on_attempt_and_result(
    easy_app, quiz, make_user, login_as, ctx
):
    client = _reader(easy_app, make_user, login_as, "facil")
    attempt_id = _start(client)
    page = client.get(f"/intentos/{attempt_id}").get_data(as_text=True)
    assert "<h1>Preguntas fáciles sobre la asamblea</h1>" in page
    assert "Preguntas en versión simplificada" in page  # the course is not validated
    for label in EASY_LABELS.values():
        assert label in page
    for label in FULL_LABELS.values():
        assert label not in page
    # Labels stay bound to the option keys, whatever order the attempt shows them in.
    right = next(o.key for o in quiz.questions[0].options if o.correct)
    assert re.search(
        rf'<input type="radio" id="q-p1-{right}" name="q-p1" value="{right}"[^>]*>'
        rf'<label for="q-p1-{right}">{EASY_LABELS["p1"]}</label>',
        page,
    )
    step = quiz.questions[3].options[0].key  # the first step in the right order
    assert f'<label for="q-p4-{step}">{EASY_LABELS["p4"]}</label>' in page

    attempt = _submit(client, attempt_id, correct_form(quiz))
    assert attempt.state == "submitted" and attempt.passed and attempt.percent == 100
    result = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
    assert "Resultado de Preguntas fáciles sobre la asamblea" in result
    assert EASY_LABELS["p1"] in result and FULL_LABELS["p1"] not in result
    assert EASY_LABELS["p3"] in result
    assert "Es la asamblea." in result  # the easy feedback
    assert "<li>Contamos las ideas</li>" in result  # the right order, in easy read


def test_full_reader_sees_the_full_wording(easy_app, quiz, make_user, login_as, ctx):
    client = _reader(easy_app, make_user, login_as, "completo")
    attempt_id = _start(client)
    page = client.get(f"/intentos/{attempt_id}").get_data(as_text=True)
    assert "<h1>Repaso de la asamblea</h1>" in page
    assert "Preguntas en versión simplificada" not in page
    for label in FULL_LABELS.values():
        assert label in page
    assert EASY_LABELS["p1"] not in page
    _submit(client, attempt_id, correct_form(quiz))
    result = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
    assert FULL_LABELS["p1"] in result and EASY_LABELS["p1"] not in result
    assert "Se llama asamblea general." in result


@pytest.mark.parametrize("form", [correct_form, wrong_form])
def test_both_readers_are_graded_the_same(easy_app, quiz, make_user, login_as, ctx, form):
    outcomes = []
    for reading in ("facil", "completo"):
        client = _reader(easy_app, make_user, login_as, reading)
        attempt = _submit(client, _start(client), form(quiz))
        outcomes.append((attempt.score, attempt.max_score, attempt.passed, attempt.results))
    assert outcomes[0] == outcomes[1]


def test_switching_version_mid_attempt_keeps_one_attempt(easy_app, quiz, make_user, login_as, ctx):
    client = _reader(easy_app, make_user, login_as, "facil")
    attempt_id = _start(client)
    right = next(o.key for o in quiz.questions[0].options if o.correct)
    client.post(f"/intentos/{attempt_id}", data={"q-p1": right, "accion": "guardar"})
    client.post("/preferencias", data={"text_size": "normal", "reading": "completo"})
    page = client.get(f"/intentos/{attempt_id}").get_data(as_text=True)
    assert FULL_LABELS["p1"] in page
    assert re.search(rf'id="q-p1-{right}" name="q-p1" value="{right}" checked>', page)
    assert db.session.query(QuizAttempt).count() == 1


def test_lesson_card_uses_the_easy_title(easy_app):
    client = easy_app.test_client()
    easy = client.get(f"/cursos/{SLUG}/01-asamblea?version=facil").get_data(as_text=True)
    assert "Preguntas fáciles sobre la asamblea" in easy
    assert easy.index("En la asamblea decidimos juntos.") < easy.index('class="quiz-card"')
    full = client.get(f"/cursos/{SLUG}/01-asamblea").get_data(as_text=True)
    assert "Repaso de la asamblea" in full and "Preguntas fáciles" not in full


def test_the_easy_version_chosen_in_the_address_stays_through_the_quiz(
    easy_app, quiz, make_user, login_as, ctx
):
    """A reader who chose easy read in the lesson's address (not in their account) keeps it
    from the lesson's quiz card to the attempt, its pages and the result."""
    client = _reader(easy_app, make_user, login_as, "completo")
    lesson = client.get(f"/cursos/{SLUG}/01-asamblea?version=facil").get_data(as_text=True)
    overview = f"/cursos/{SLUG}/pruebas/{QUIZ}?version=facil"
    assert f'href="{overview}"' in lesson
    page = client.get(overview).get_data(as_text=True)
    assert "Preguntas fáciles sobre la asamblea" in page
    assert f'action="/cursos/{SLUG}/pruebas/{QUIZ}/intentos?version=facil"' in page
    started = client.post(f"/cursos/{SLUG}/pruebas/{QUIZ}/intentos?version=facil")
    assert started.headers["Location"].endswith("?version=facil")
    attempt_page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "¿Quién decide las cosas importantes?" in attempt_page
    attempt_id = int(re.search(r"/intentos/(\d+)", started.headers["Location"]).group(1))
    saved = client.post(
        f"/intentos/{attempt_id}?pagina=1&version=facil", data={"accion": "guardar"}
    )
    assert "version=facil" in saved.headers["Location"]
    sent = client.post(
        f"/intentos/{attempt_id}?version=facil",
        data={**correct_form(quiz), "accion": "enviar"},
    )
    assert "version=facil" in sent.headers["Location"]
