"""English translation: a complete catalogue, in step with the code, and used by the pages.

The interface is written in Spanish (Chile): the msgids are the Spanish text. English lives in
app/translations/en/LC_MESSAGES/messages.po (the .mo is compiled by conftest when stale).
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The same extraction as `make translations`.
EXTRACT_ARGS = ["-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--add-comments=NOTE"]
FIX = (
    "Run `make translations` (extracts the messages and updates the catalogue), then write the "
    "English of every new entry in app/translations/en/LC_MESSAGES/messages.po "
    "(no empty msgstr, no '#, fuzzy'), and run `make translations` again to compile."
)

COURSE = "curso-prueba"
LESSON = "01-que-es-una-cooperativa"
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def _english_catalogue():
    with PO_FILE.open("rb") as fh:
        return read_po(fh, locale="en")


def _show(msgid) -> str:
    return " | ".join(msgid) if isinstance(msgid, tuple) else msgid


def _extracted_messages(tmp_path: Path, monkeypatch):
    pot = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(["pybabel", "-q", "extract", *EXTRACT_ARGS, "-o", str(pot), "."])
    with pot.open("rb") as fh:
        return read_po(fh)


# --- The catalogue ------------------------------------------------------------------------------


@pytest.mark.nodb
def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = _english_catalogue()
    assert not catalogue.fuzzy, "the header of the English catalogue is marked fuzzy"
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(_show(message.id))
        if message.fuzzy:
            fuzzy.append(_show(message.id))
    assert not untranslated, "untranslated English entries:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy English entries (check and remove the flag):\n  " + "\n  ".join(fuzzy)


@pytest.mark.nodb
def test_english_translations_keep_placeholders_and_plural_forms():
    catalogue = _english_catalogue()
    assert catalogue.num_plurals == 2
    problems = [
        f"{_show(message.id)}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalogue.check()
    ]
    placeholder = re.compile(r"%\([a-z_]+\)[sd]")
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != len(ids):
            problems.append(f"{_show(message.id)}: {len(strings)} plural forms")
        wanted = set(placeholder.findall(" ".join(ids)))
        for string in strings:
            if set(placeholder.findall(string)) != wanted:
                problems.append(f"{_show(message.id)}: placeholders differ in {string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.nodb
def test_every_message_in_the_code_is_in_the_english_catalogue(tmp_path, monkeypatch):
    extracted = _extracted_messages(tmp_path, monkeypatch)
    # The extraction must see the plural forms of ngettext() in Python and in templates.
    assert any(isinstance(m.id, tuple) for m in extracted if m.id), "no plural forms extracted"
    known = {message.id for message in _english_catalogue() if message.id}
    missing = sorted(
        (message for message in extracted if message.id and message.id not in known),
        key=lambda m: m.locations[0] if m.locations else ("", 0),
    )
    listing = "\n".join(
        f"  {_show(m.id)!r}  ({', '.join(f'{path}:{line}' for path, line in m.locations[:2])})"
        for m in missing
    )
    assert not missing, (
        f"{len(missing)} message(s) in the code have no English translation:\n{listing}\n{FIX}"
    )


# --- The pages ----------------------------------------------------------------------------------


def _untranslated_ui(page: str) -> list[str]:
    """Spanish interface sentences (msgids of 3+ words) that appear as such on an English page."""
    text = html_lib.unescape(page)
    found = []
    for message in _english_catalogue():
        if not message.id or isinstance(message.id, tuple) or "%" in message.id:
            continue
        if len(message.id.split()) >= 3 and message.string != message.id and message.id in text:
            found.append(message.id)
    return found


def _article(page: str) -> str:
    match = re.search(r"<article\b[^>]*>", page)
    assert match, "no <article> on the page"
    return match.group(0)


def _english_page(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    page = response.get_data(as_text=True)
    assert '<html lang="en"' in page, url
    assert _untranslated_ui(page) == [], url
    return page


def test_public_pages_in_english(client):
    home = _english_page(client, "/", headers=ENGLISH)
    assert "Learn to work in a cooperative" in home
    assert "Skip to content" in home and "Accessibility statement" in home
    assert "Aprende a trabajar en cooperativa" not in home

    catalogue = _english_page(client, "/cursos/", headers=ENGLISH)
    assert "There is 1 course available." in catalogue  # singular of an ngettext plural

    course = _english_page(client, f"/cursos/{COURSE}/", headers=ENGLISH)
    assert "About the course" in course and "Log in to enrol" in course
    assert "Curso de prueba" in course  # the course's own title is content: not translated

    lesson = _english_page(client, f"/cursos/{COURSE}/{LESSON}", headers=ENGLISH)
    assert "Lesson 1 of 3" in lesson and "What you will learn" in lesson
    assert "log in with your account" in lesson
    assert 'lang="es-CL"' in _article(lesson)  # the lesson text stays Spanish, marked as such
    # ...and the interface text inside it is marked English (WCAG 3.1.2, language of parts).
    assert '<p class="lesson-meta" lang="en">Lesson 1 of 3' in lesson
    assert '<h2 id="objetivos" lang="en">What you will learn</h2>' in lesson
    assert "Lección 1 de 3" not in lesson

    whole = _english_page(client, f"/cursos/{COURSE}/completo", headers=ENGLISH)
    assert '<div class="full-course" lang="es-CL">' in whole
    assert '<h2 id="toc-title" lang="en">Lessons</h2>' in whole


def test_login_page_with_errors_in_english(client, make_user):
    user = make_user()
    response = client.post(
        "/ingresar", data={"login": user.username, "password": "no es esta"}, headers=ENGLISH
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en"' in page and _untranslated_ui(page) == []
    assert "There is a problem" in page
    assert "The username or the password is not correct." in page
    assert "<title>Error: Log in" in page


def test_404_page_in_english(client):
    response = client.get("/nada-por-aqui", headers=ENGLISH)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="en"' in page and _untranslated_ui(page) == []
    assert "We could not find this page" in page


def test_account_language_english_without_accept_language(client, make_user, login_as):
    user = make_user(locale="en")
    login_as(client, user)
    mine = _english_page(client, "/mis-cursos")
    assert "My courses" in mine and "My certificates" in mine
    assert "You are not enrolled in any course yet." in mine
    client.post(f"/cursos/{COURSE}/inscripcion")
    lesson = _english_page(client, f"/cursos/{COURSE}/{LESSON}")
    assert "0 of 3 lessons completed" in lesson and "Mark as completed" in lesson


def test_language_cookie_chooses_english(client):
    client.set_cookie("lang", "en")
    assert "Learn to work in a cooperative" in _english_page(client, "/")


@pytest.mark.parametrize("url", ["/", "/cursos/", f"/cursos/{COURSE}/{LESSON}", "/ingresar"])
def test_spanish_is_the_default(client, url):
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="es-CL"' in page
    assert "Saltar al contenido" in page and "Skip to content" not in page
