"""Not one typed word is lost in the workshop (issue 21 §1), and the conflict page (§5)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.authoring import kept
from app.authoring.models import KeptText
from app.extensions import db
from app.revisions.models import CourseEditor, CourseRevision
from app.timeutil import utcnow
from tests.helpers import NEW_COURSE_FORM, NEW_COURSE_SLUG, PASSWORD, csrf_token_from
from tests.worlds import WORKSHOP_LESSON

SLUG = NEW_COURSE_SLUG
BASE = f"/formacion/taller/{SLUG}"
PATH = "course.md"
URL = f"{BASE}/archivo/{PATH}"
TYPED = "Texto escrito con cuidado durante una hora: «no se pierde».\n"


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no {name} in page"
    return unescape(match.group(1))


def _box(html: str) -> str:
    match = re.search(r'<textarea id="texto"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no text box"
    return unescape(match.group(1))


def _log_in(client, user):
    token = csrf_token_from(client.get("/ingresar").get_data(as_text=True))
    return client.post(
        "/ingresar", data={"login": user.username, "password": PASSWORD, "csrf_token": token}
    )


def _log_out(client):
    token = csrf_token_from(client.get("/mis-cursos").get_data(as_text=True))
    assert client.post("/salir", data={"csrf_token": token}).status_code == 302


@pytest.fixture
def strict(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", full_name="Marta Facilitadora")


@pytest.fixture
def author(strict, trainer):
    """A client of the app with CSRF checks on, logged in as the trainer, with a new course."""
    client = strict.test_client()
    assert _log_in(client, trainer).status_code == 302
    token = csrf_token_from(client.get("/formacion/taller/nuevo").get_data(as_text=True))
    assert (
        client.post(
            "/formacion/taller/nuevo", data={**NEW_COURSE_FORM, "csrf_token": token}
        ).status_code
        == 302
    )
    return client


def _form(client) -> dict:
    html = client.get(URL).get_data(as_text=True)
    return {
        "csrf_token": csrf_token_from(html),
        "base": _field(html, "base"),
        "keep_token": _field(html, "keep_token"),
    }


def _saved_text(app) -> str:
    with app.app_context():
        from app.authoring import services as authoring

        return authoring.workspace(SLUG).files[PATH].decode()


def _kept_rows(app) -> list[tuple]:
    with app.app_context():
        return list(db.session.execute(select(KeptText.user_id, KeptText.path, KeptText.text)))


def _revisions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CourseRevision))


def test_a_save_with_a_token_gone_stale_shows_the_text_again_with_a_fresh_token(
    strict, author, trainer
):
    form = _form(author)
    before = _saved_text(strict)
    _log_out(author)  # in another tab: out and in again, so this page's token is no longer valid
    _log_in(author, trainer)
    response = author.post(URL, data={**form, "text": TYPED})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _box(page) == TYPED
    assert "No se guardó: esta página se abrió antes de tu último ingreso" in page
    assert "El formulario caducó o ya fue enviado" not in page  # one clear message, not two
    fresh = csrf_token_from(page)
    assert fresh != form["csrf_token"]
    assert _saved_text(strict) == before
    # The fresh token saves the same text.
    again = author.post(URL, data={**form, "csrf_token": fresh, "text": TYPED})
    assert again.status_code == 302
    assert _saved_text(strict) == TYPED


def test_a_save_after_logging_out_keeps_the_text_for_its_author_and_offers_it_back(
    strict, author, trainer
):
    form = _form(author)
    _log_out(author)
    response = author.post(URL, data={**form, "text": TYPED})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Tu texto no se perdió: lo guardamos aparte" in page
    assert _box(page) == TYPED  # on screen too, to copy
    assert _kept_rows(strict) == [(trainer.id, PATH, TYPED)]
    login_link = unescape(re.search(r'<a class="button" href="([^"]+)">Ingresar', page).group(1))
    assert login_link.startswith("/ingresar?next=") and "recuperar%3D1" in login_link

    # After logging in again: a notice, and the file's page offers the text.
    token = csrf_token_from(author.get("/ingresar").get_data(as_text=True))
    logged = author.post(
        "/ingresar",
        data={"login": trainer.username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=True,
    )
    text = logged.get_data(as_text=True)
    assert "Tienes un texto sin guardar de las " in text and "course.md" in text
    offer = author.get(URL).get_data(as_text=True)
    assert re.search(r"Tienes un texto sin guardar de las \d\d:\d\d", offer)
    assert "Recuperarlo" in offer and "Descartarlo" in offer
    assert _box(offer) == _saved_text(strict)  # the box holds the saved text until asked

    recovered = author.get(f"{URL}?recuperar=1").get_data(as_text=True)
    assert _box(recovered) == TYPED
    assert "Recuperaste tu texto sin guardar" in recovered
    saved = author.post(
        URL,
        data={
            "csrf_token": csrf_token_from(recovered),
            "base": _field(recovered, "base"),
            "keep_token": _field(recovered, "keep_token"),
            "text": TYPED,
        },
    )
    assert saved.status_code == 302
    assert _saved_text(strict) == TYPED
    assert _kept_rows(strict) == []  # saved: nothing left to offer


def test_a_save_after_the_session_ended_elsewhere_keeps_the_text(app, client_as, trainer):
    """The session cookie still holds its CSRF token, but the account's session ended (the
    password changed elsewhere): the login check, not the CSRF check, refuses the save."""
    client = client_as(trainer)
    assert client.post("/formacion/taller/nuevo", data=NEW_COURSE_FORM).status_code == 302
    form = _form(client)
    with app.app_context():
        from app.accounts.models import User

        db.session.get(User, trainer.id).rotate_session()
        db.session.commit()
    response = client.post(URL, data={**form, "text": TYPED})
    assert response.status_code == 401
    assert _box(response.get_data(as_text=True)) == TYPED
    assert _kept_rows(app) == [(trainer.id, PATH, TYPED)]


@pytest.mark.parametrize(
    "token",
    ["", "forjado.por.alguien", "other-file"],
    ids=["missing", "forged", "for-another-file"],
)
def test_a_logged_out_save_is_kept_only_for_the_person_the_form_was_signed_for(
    strict, author, trainer, token
):
    form = _form(author)
    if token == "other-file":
        with strict.test_request_context():
            token = kept.form_token(trainer, SLUG, "01-otra.md")
    _log_out(author)
    response = author.post(URL, data={**form, "keep_token": token, "text": TYPED})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert _box(page) == TYPED  # still on screen: nothing is lost
    assert "Copia tu texto antes de salir de esta página" in page
    assert _kept_rows(strict) == []


def test_an_expired_form_token_keeps_nothing(strict, author, trainer):
    form = _form(author)
    strict.config["KEPT_TEXT_FORM_HOURS"] = -1
    try:
        _log_out(author)
        response = author.post(URL, data={**form, "text": TYPED})
    finally:
        strict.config["KEPT_TEXT_FORM_HOURS"] = 72
    assert response.status_code == 401 and _kept_rows(strict) == []


def test_an_anonymous_post_with_nothing_to_keep_is_sent_to_log_in(client):
    response = client.post(URL)
    assert response.status_code == 302 and "/ingresar?next=" in response.headers["Location"]


def test_the_autosave_keeps_the_text_without_a_revision(strict, author, trainer):
    form = _form(author)
    revisions = _revisions(strict)
    response = author.post(f"{URL}/autoguardado", data={**form, "text": TYPED})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["kept"] is True
    assert re.fullmatch(r"Guardado automáticamente a las \d\d:\d\d\.", answer["message"])
    assert answer["csrf"]
    assert _revisions(strict) == revisions  # no revision, the draft unchanged
    assert _saved_text(strict) != TYPED
    assert _kept_rows(strict) == [(trainer.id, PATH, TYPED)]
    # The next autosave replaces it: one kept text per person and file.
    author.post(f"{URL}/autoguardado", data={**form, "text": TYPED + " Más."})
    assert _kept_rows(strict) == [(trainer.id, PATH, TYPED + " Más.")]


def test_the_autosave_needs_its_csrf_token_or_the_forms_signed_token(strict, author, trainer):
    form = _form(author)
    no_csrf = {k: v for k, v in form.items() if k != "csrf_token"}
    forged = author.post(f"{URL}/autoguardado", data={**no_csrf, "keep_token": "x", "text": TYPED})
    assert forged.status_code == 400 and _kept_rows(strict) == []
    # Logged in again elsewhere: the page's CSRF token is stale, its signed token still names
    # this person, file and course.
    stale = author.post(
        f"{URL}/autoguardado", data={**no_csrf, "csrf_token": "viejo", "text": TYPED}
    )
    assert stale.status_code == 200 and stale.get_json()["csrf"]
    assert _kept_rows(strict) == [(trainer.id, PATH, TYPED)]


def test_an_autosave_after_logging_out_is_kept(strict, author, trainer):
    form = _form(author)
    _log_out(author)
    response = author.post(f"{URL}/autoguardado", data={**form, "text": TYPED})
    assert response.status_code == 401
    assert response.get_json()["kept"] is True
    assert "Tu sesión terminó" in response.get_json()["message"]
    assert _kept_rows(strict) == [(trainer.id, PATH, TYPED)]


def test_a_kept_text_is_for_its_author_only(strict, author, trainer, make_user):
    form = _form(author)
    author.post(f"{URL}/autoguardado", data={**form, "text": TYPED})
    colleague = make_user("trainer", full_name="Otra Facilitadora")
    with strict.app_context():
        db.session.add(CourseEditor(course_slug=SLUG, user_id=colleague.id))
        db.session.commit()
    other = strict.test_client()
    _log_in(other, colleague)
    page = other.get(URL).get_data(as_text=True)
    assert "Tienes un texto sin guardar" not in page
    assert TYPED not in other.get(f"{URL}?recuperar=1").get_data(as_text=True)


def test_discarding_a_kept_text(strict, author, trainer):
    form = _form(author)
    author.post(f"{URL}/autoguardado", data={**form, "text": TYPED})
    before = _saved_text(strict)
    page = author.get(URL).get_data(as_text=True)
    token = re.search(
        r'descartar-texto" class="inline-form">\s*<input[^>]*value="([^"]+)"', page
    ).group(1)
    response = author.post(f"{URL}/descartar-texto", data={"csrf_token": token})
    assert response.status_code == 302
    assert _kept_rows(strict) == [] and _saved_text(strict) == before
    assert "Tienes un texto sin guardar" not in author.get(URL).get_data(as_text=True)


def test_kept_texts_expire(strict, author, trainer):
    form = _form(author)
    author.post(f"{URL}/autoguardado", data={**form, "text": TYPED})
    with strict.app_context():
        row = db.session.scalar(select(KeptText))
        row.saved_at = utcnow() - timedelta(days=strict.config["KEPT_TEXT_DAYS"] + 1)
        db.session.commit()
    assert "Tienes un texto sin guardar" not in author.get(URL).get_data(as_text=True)
    with strict.test_request_context():
        assert kept.forget_expired() == 1
        db.session.commit()
    assert _kept_rows(strict) == []


def test_a_refused_save_keeps_the_text_in_the_box(strict, author):
    form = _form(author)
    too_long = "x" * 200_001
    response = author.post(URL, data={**form, "text": too_long})
    assert response.status_code == 400
    assert _box(response.get_data(as_text=True)) == too_long


def test_the_edit_page_loads_the_autosave_script_and_its_live_region(strict, author):
    page = author.get(URL).get_data(as_text=True)
    assert re.search(r'<script src="/static/js/autosave\.js\?v=\w+" defer></script>', page)
    assert 'data-autosave="/formacion/taller/' in page
    assert '<p class="autosave-status" id="autoguardado" role="status" aria-live="polite">' in page
    assert "<script>" not in page  # no inline script (CSP)


# --- the conflict page (§5) ----------------------------------------------------------------------
LESSON_A = WORKSHOP_LESSON.replace("Pedir ayuda es", "Pedir ayuda, dice la pestaña A, es")
LESSON_B = WORKSHOP_LESSON.replace("Pedir ayuda es", "Pedir ayuda, dice la pestaña B, es")


def test_the_conflict_page_says_you_saved_in_another_tab_and_shows_what_differs(strict, author):
    form = _form(author)  # tab B opened here
    tab_a = _form(author)
    assert author.post(URL, data={**tab_a, "text": LESSON_A}).status_code == 302
    response = author.post(URL, data={**form, "text": LESSON_B})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Guardaste este archivo en otra pestaña o ventana" in page
    assert "Tú, en otra pestaña o ventana, guardaste" in page
    assert "Otra persona" not in page and "otra persona" not in page
    # The lines that differ, marked: the saved one removed, this one added.
    assert re.search(r'<tr class="diff-removed">.*dice la pestaña A', page)
    assert re.search(r'<tr class="diff-added">.*dice la pestaña B', page)
    assert _box(page) == LESSON_B


def test_the_conflict_page_names_another_person_when_it_was_another_person(
    strict, author, make_user
):
    colleague = make_user("trainer", full_name="Otra Facilitadora")
    with strict.app_context():
        db.session.add(CourseEditor(course_slug=SLUG, user_id=colleague.id))
        db.session.commit()
    other = strict.test_client()
    _log_in(other, colleague)
    form = _form(author)
    assert other.post(URL, data={**_form(other), "text": LESSON_A}).status_code == 302
    page = author.post(URL, data={**form, "text": LESSON_B}).get_data(as_text=True)
    assert "Otra persona guardó este archivo mientras lo editabas" in page
    assert "otra pestaña" not in page
    assert re.search(r'<tr class="diff-added">.*dice la pestaña B', page)


def test_an_autosave_that_arrives_after_the_save_offers_nothing(strict, author):
    form = _form(author)
    assert author.post(URL, data={**form, "text": TYPED}).status_code == 302
    late = TYPED.replace("\n", "\r\n")  # as the browser sent it, just before the save
    author.post(f"{URL}/autoguardado", data={**_form(author), "text": late})
    assert "Tienes un texto sin guardar" not in author.get(URL).get_data(as_text=True)
