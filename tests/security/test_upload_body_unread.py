"""Who may upload is decided before the body of an upload is read (issue 25).

Bodies of 100 MB sent by a visitor or a participant to the upload routes were read in full before
the 400/403: Flask-WTF's CSRF check (a before_request of the app) parsed the form first. The
upload views are exempt from that check and run it themselves, once the person may upload there.
Each test sends a large body through a stream that records how much of it was read.
"""

from __future__ import annotations

import io

import pytest

from app.authoring.views import upload_media, upload_zip
from app.extensions import db
from app.revisions.models import CourseDraft, CourseRevision
from tests.helpers import PASSWORD, csrf_token_from

BODY = 100 * 1024 * 1024  # what the attack sent
BOUNDARY = "limite"
NEW = {
    "title": "Curso del equipo",
    "summary": "Un curso.",
    "audience": "Grupos",
    "hours": "1",
    "level": "inicial",
    "licence": "CC BY-SA 4.0",
    "authors": "Equipo",
}
SLUG = "curso-del-equipo"
ROUTES = ["/formacion/taller/subir", f"/formacion/taller/{SLUG}/medios"]


class RecordingStream(io.RawIOBase):
    """SIZE bytes of a multipart body, made on demand; `taken` counts the bytes read (seeking,
    which the test client does to measure the body, reads nothing)."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.taken = 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="curso.zip"\r\nContent-Type: application/zip\r\n\r\n'
        ).encode()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, min(self.size, base + offset))
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.position)
        if n <= 0:
            return 0
        start = self.position
        head = self.head[start : start + n] if start < len(self.head) else b""
        buffer[:n] = head.ljust(n, b"x")
        self.position += n
        self.taken += n
        return n


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def _logged_in(app, user):
    """A client of APP logged in as USER through the login form, token included."""
    client = app.test_client()
    token = csrf_token_from(client.get("/ingresar").get_data(as_text=True))
    response = client.post(
        "/ingresar", data={"login": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def course(csrf_app, make_user):
    """A course made by its trainer (through the form, with its CSRF token)."""
    client = _logged_in(csrf_app, make_user("trainer"))
    page = client.get("/formacion/taller/nuevo").get_data(as_text=True)
    token = csrf_token_from(page)
    assert (
        client.post("/formacion/taller/nuevo", data={**NEW, "csrf_token": token}).status_code == 302
    )
    return client


def _send(client, url: str) -> tuple[int, RecordingStream]:
    stream = RecordingStream(BODY)
    response = client.post(
        url,
        input_stream=stream,
        content_length=BODY,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    return response.status_code, stream


def _revisions(app) -> int:
    with app.app_context():
        return db.session.query(CourseRevision).count()


@pytest.mark.parametrize("url", ROUTES)
def test_a_visitor_is_sent_to_log_in_without_the_body_being_read(csrf_app, course, url):
    status, stream = _send(csrf_app.test_client(), url)
    assert status in (302, 401)
    assert stream.taken == 0


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("role", ["participant", "coordinator"])
def test_other_roles_are_refused_without_the_body_being_read(
    csrf_app, course, make_user, url, role
):
    client = _logged_in(csrf_app, make_user(role))
    status, stream = _send(client, url)
    assert status == 403
    assert stream.taken == 0


def test_a_trainer_who_does_not_edit_the_course_gets_404_without_the_body_being_read(
    csrf_app, course, make_user
):
    client = _logged_in(csrf_app, make_user("trainer"))
    status, stream = _send(client, ROUTES[1])
    assert status == 404
    assert stream.taken == 0


@pytest.mark.parametrize("url", ROUTES)
def test_an_editor_without_the_token_is_still_refused_by_the_csrf_check(csrf_app, course, url):
    before = _revisions(csrf_app)
    response = course.post(
        url,
        data={"file": (io.BytesIO(b"PK\x05\x06" + bytes(18)), "curso.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "El formulario caducó" in response.get_data(as_text=True)
    assert _revisions(csrf_app) == before
    with csrf_app.app_context():
        assert db.session.get(CourseDraft, SLUG) is not None  # the course is as it was


def test_the_upload_views_check_csrf_themselves():
    from app.extensions import csrf

    for view in (upload_zip, upload_media):
        assert f"{view.__module__}.{view.__name__}" in csrf._exempt_views
