"""Issue 16: shuffled choice options per attempt, graded by identity; "lectura fácil" only when
readers validated it, "versión simplificada" otherwise."""

from __future__ import annotations

import re
import shutil

import pytest

from app.course_store import get_store
from app.extensions import db
from app.quizzes.models import QuizAttempt
from tests.helpers import FIXTURE_COURSES, correct_form

COURSE = "curso-prueba"
QUIZ = "repaso-cooperativas"
LESSON = "01-que-es-una-cooperativa"

_INPUT = re.compile(
    r'<input type="(?:radio|checkbox)" id="q-(p\d+)-(\w+)" name="q-\1" value="\2"[^>]*>'
    r'<label for="q-\1-\2">(.*?)</label>'
)


def shown(html: str) -> dict[str, list[tuple[str, str]]]:
    """For each choice question, its (value, label) pairs in the order the page shows them."""
    out: dict[str, list[tuple[str, str]]] = {}
    for question, value, label in _INPUT.findall(html):
        out.setdefault(question, []).append((value, label))
    return out


@pytest.fixture
def course(app):
    with app.app_context():
        return get_store().get(COURSE)


def _start(client) -> int:
    response = client.post(f"/cursos/{COURSE}/pruebas/{QUIZ}/intentos")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/intentos/(\d+)", response.headers["Location"]).group(1))


def test_each_option_keeps_its_label_and_the_order_is_stable_within_an_attempt(
    client, make_user, course, login_as
):
    login_as(client, make_user())
    attempt_id = _start(client)
    first = shown(client.get(f"/intentos/{attempt_id}").get_data(as_text=True))
    again = shown(client.get(f"/intentos/{attempt_id}").get_data(as_text=True))
    assert first == again
    quiz = course.quizzes[QUIZ]
    for question in quiz.questions:
        if question.kind in ("single", "multiple", "true_false"):
            # Whatever the order, the value a screen reader's label belongs to is that option.
            texts = {o.key: o.html for o in question.options}
            assert sorted(first[question.key]) == sorted(texts.items())
    true_false = next(q for q in quiz.questions if q.kind == "true_false")
    assert [label for _v, label in first[true_false.key]] == ["Verdadero", "Falso"]
    # Saving answers and coming back shows the same order with the answer still checked.
    p1 = next(q for q in quiz.questions if q.key == "p1")
    right = next(o.key for o in p1.options if o.correct)
    client.post(f"/intentos/{attempt_id}", data={"q-p1": right, "accion": "guardar"})
    html = client.get(f"/intentos/{attempt_id}").get_data(as_text=True)
    assert shown(html) == first
    assert re.search(rf'id="q-p1-{right}" name="q-p1" value="{right}" checked>', html)


def test_the_order_changes_across_attempts_and_grading_goes_by_identity(
    client, make_user, course, ctx, login_as
):
    quiz = course.quizzes[QUIZ]
    orders = []
    for _ in range(3):  # several people, one attempt each
        client.get("/salir")
        login_as(client, make_user())
        attempt_id = _start(client)
        page = shown(client.get(f"/intentos/{attempt_id}").get_data(as_text=True))
        orders.append((tuple(page["p1"]), tuple(page["p2"])))
        # Answer p1 with the option shown first: right only if that option is the right one.
        first_value = page["p1"][0][0]
        data = {**correct_form(quiz), "q-p1": first_value, "accion": "enviar"}
        client.post(f"/intentos/{attempt_id}", data=data)
        db.session.expire_all()
        attempt = db.session.get(QuizAttempt, attempt_id)
        right = next(o.key for o in quiz.questions[0].options if o.correct)
        assert attempt.results["p1"]["correct"] == (first_value == right)
        assert attempt.results["p2"]["correct"]  # keys, not places, were sent
        # The result page lists the options in the order the attempt showed them.
        result = client.get(f"/intentos/{attempt_id}/resultado").get_data(as_text=True)
        section = result.split('id="r-p2"', 1)[1].split("</section>", 1)[0]
        correct_labels = [label for value, label in page["p2"] if value in ("a", "b")]
        positions = [section.index(label) for label in correct_labels]
        assert positions == sorted(positions)
    assert len(set(orders)) > 1, orders


# --- "lectura fácil" only when validated --------------------------------------------------------


@pytest.fixture
def unvalidated_app(make_app, tmp_path):
    """The fixture course without `lectura_facil_validada` in its course.md."""
    root = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES / COURSE, root / COURSE)
    course_md = root / COURSE / "course.md"
    text = course_md.read_text(encoding="utf-8")
    text = re.sub(r"lectura_facil_validada:\n(  .*\n)+", "", text)
    assert "lectura_facil_validada" not in text
    course_md.write_text(text, encoding="utf-8")
    return make_app(COURSES_DIR=str(root), COURSE_CACHE_DIR=str(tmp_path / "cache"))


def test_unvalidated_easy_read_is_called_simplified_version(unvalidated_app):
    client = unvalidated_app.test_client()
    lesson = client.get(f"/cursos/{COURSE}/{LESSON}").get_data(as_text=True)
    assert ">Ver la versión simplificada</a>" in lesson
    assert "lectura fácil" not in lesson.lower()
    easy = client.get(f"/cursos/{COURSE}/{LESSON}?version=facil").get_data(as_text=True)
    assert "<strong>Versión simplificada</strong>" in easy
    assert "lectura fácil" not in easy.lower()
    detail = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "con versión simplificada" in detail and "con lectura fácil" not in detail
    assert ">todo el curso en versión simplificada</a>" in detail
    assert "<dt>Versión simplificada</dt>" in detail
    assert "Todavía no la validaron personas lectoras" in detail
    full = client.get(f"/cursos/{COURSE}/completo?version=facil").get_data(as_text=True)
    assert "<title>Curso de prueba · Todo el curso en versión simplificada" in full
    assert "<strong>Versión simplificada.</strong>" in full
    assert " · Versión simplificada</p>" in full


def test_validated_easy_read_is_called_lectura_facil_with_date_and_who(client):
    lesson = client.get(f"/cursos/{COURSE}/{LESSON}").get_data(as_text=True)
    assert ">Ver en lectura fácil</a>" in lesson and "simplificada" not in lesson
    detail = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "<dt>Lectura fácil</dt>" in detail
    expected = (
        "Validada con personas lectoras el 30-11-2026 (Grupo de personas lectoras de prueba)."
    )
    assert f"<dd>{expected}</dd>" in detail
    assert "con lectura fácil" in detail and "simplificada" not in detail
    full = client.get(f"/cursos/{COURSE}/completo?version=facil").get_data(as_text=True)
    assert "Todo el curso en lectura fácil" in full and "simplificada" not in full


def test_english_pages_translate_both_names(unvalidated_app):
    client = unvalidated_app.test_client()
    client.get("/idioma/en")
    lesson = client.get(f"/cursos/{COURSE}/{LESSON}").get_data(as_text=True)
    assert ">See the simplified version</a>" in lesson
    detail = client.get(f"/cursos/{COURSE}/").get_data(as_text=True)
    assert "<dt>Simplified version</dt>" in detail
    assert "Readers have not validated it yet, so we do not call it easy read." in detail
