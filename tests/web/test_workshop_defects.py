"""Defects found by trying the workshop as a new trainer would (issue 21 §5): the web part."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from app.authoring import services as authoring
from app.certificates.pdf import hours_text
from tests.helpers import NEW_COURSE_FORM, NEW_COURSE_SLUG, PASSWORD, csrf_token_from

TALLER = "/formacion/taller"
BASE = f"{TALLER}/{NEW_COURSE_SLUG}"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids[value] += 1


def repeated_ids(html: str) -> dict[str, int]:
    parser = _Ids()
    parser.feed(html)
    return {i: n for i, n in parser.ids.items() if n > 1}


@pytest.fixture
def strict(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def _client(app, user):
    client = app.test_client()
    token = csrf_token_from(client.get("/ingresar").get_data(as_text=True))
    response = client.post(
        "/ingresar", data={"login": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _post(client, url: str, data: dict, page: str | None = None):
    token = csrf_token_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


# --- «2,5» in Horas ------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["2,5", "2.5", " 2,5 "])
def test_hours_take_a_decimal_comma_or_point_and_certificates_print_a_comma(
    app, client_as, make_user, typed
):
    client = client_as(make_user("trainer"))
    response = client.post(f"{TALLER}/nuevo", data={**NEW_COURSE_FORM, "hours": typed})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        ws = authoring.workspace(NEW_COURSE_SLUG)
        assert "horas: 2.5\n" in ws.files["course.md"].decode()
        assert ws.course.hours == 2.5
        assert hours_text(ws.course.hours) == "2,5 horas"


def test_hours_that_are_not_a_number_are_refused_with_the_text_kept(client_as, make_user):
    client = client_as(make_user("trainer"))
    response = client.post(f"{TALLER}/nuevo", data={**NEW_COURSE_FORM, "hours": "dos y media"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="dos y media"' in page


# --- one id per page -----------------------------------------------------------------------------
def test_workshop_and_admin_pages_repeat_no_id(strict, make_user):
    trainer = _client(strict, make_user("trainer"))
    assert _post(trainer, f"{TALLER}/nuevo", NEW_COURSE_FORM).status_code == 302
    assert (
        _post(trainer, f"{BASE}/lecciones", {"title": "Pedir ayuda"}, f"{BASE}/").status_code == 302
    )
    pages = {
        trainer: [
            f"{TALLER}/",
            f"{TALLER}/nuevo",
            f"{BASE}/",
            f"{BASE}/archivo/course.md",
            f"{BASE}/archivo/01-pedir-ayuda.md",
            f"{BASE}/publicar",
            f"{BASE}/historial",
        ]
    }
    admin = _client(strict, make_user("admin"))
    admin_pages = [
        rule.rule
        for rule in strict.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods and not rule.arguments
    ]
    assert len(admin_pages) >= 3
    pages[admin] = [*admin_pages, f"{BASE}/", f"{BASE}/editores"]
    checked = 0
    for client, urls in pages.items():
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            html = response.get_data(as_text=True)
            assert repeated_ids(html) == {}, url
            checked += 1
    assert checked >= 10
    # The course page has several forms, each with its own token input (and none with an id).
    course_page = trainer.get(f"{BASE}/").get_data(as_text=True)
    assert course_page.count('name="csrf_token"') >= 3
    assert 'id="csrf_token"' not in course_page
