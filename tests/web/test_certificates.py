"""Certificates: issued once on completion, verified publicly by code, PDF, revocation, access."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import threading
from datetime import datetime

import pytest
import segno
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.certificates import services as certs
from app.certificates.models import Certificate
from app.certificates.pdf import QR_BORDER, QR_ERROR, QR_SCALE
from app.content.grading import read_posted_answers
from app.course_store import get_store
from app.errors import DomainError
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Enrollment
from app.orgs.models import Group, Municipality
from app.orgs.services import add_member, assign_staff
from app.quizzes import services as quizzes
from tests.helpers import correct_form, count, csrf_token_from, wrong_form

COURSE = "curso-prueba"
NETWORK = "Red para el Fomento de Incubadoras de Cooperativas Inclusivas (REFICOOP)"


# --- helpers (run inside the `ctx` app context) -----------------------------------------


def _answers(quiz, form):
    return read_posted_answers(
        quiz, {k: v if isinstance(v, list) else [v] for k, v in form.items()}
    )


def finish_course(user_id: int, *, course=None, group_id=None, pass_quizzes=True):
    """Enrol, do every lesson and answer every quiz (rightly or wrongly); commit."""
    user = db.session.get(User, user_id)
    course = course or get_store().get(COURSE)
    enrollment = learning.enroll(user, course, group_id=group_id)
    for lesson in course.lessons:
        if lesson.kind != "quiz":
            learning.complete_lesson(user, course, lesson)
    for quiz in course.quizzes.values():
        attempt = quizzes.start_attempt(user, enrollment, course, quiz)
        form = correct_form(quiz) if pass_quizzes else wrong_form(quiz)
        quizzes.submit_attempt(user, attempt, course, quiz, _answers(quiz, form))
    db.session.commit()
    db.session.refresh(enrollment)
    return enrollment


def certificate_of(user_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))


def _member(group_id: int, user_id: int, role: str = "member"):
    add_member(db.session.get(Group, group_id), db.session.get(User, user_id), role=role)
    db.session.commit()


def _staff(user_id: int, municipality_id: int):
    assign_staff(db.session.get(User, user_id), db.session.get(Municipality, municipality_id))
    db.session.commit()


@pytest.fixture
def issued(ctx, make_user, places):
    """A participant of Monte Patria with a certificate, and a few other accounts."""
    holder = make_user(
        full_name="Ana Pérez Núñez",
        email="marcador-correo@example.cl",
        username="marcador-usuario",
    )
    _member(places["mp_group"].id, holder.id)
    finish_course(holder.id, group_id=places["mp_group"].id)
    cert = certificate_of(holder.id)
    assert cert is not None
    return {"holder": holder, "cert_id": cert.id, "code": cert.code, **places}


# --- issuing ----------------------------------------------------------------------------


def test_completing_a_certificate_course_issues_one_with_a_snapshot(ctx, make_user, places):
    user = make_user(full_name="Rosa Tapia Ávila")
    _member(places["qu_group"].id, user.id)  # first membership: Quillota
    enrollment = finish_course(user.id, group_id=places["mp_group"].id)  # but enrolled via MP
    course = get_store().get(COURSE)
    assert enrollment.status == "completed"
    cert = certificate_of(user.id)
    assert cert.holder_name == "Rosa Tapia Ávila"
    assert cert.course_slug == COURSE and cert.course_title == course.title
    assert cert.hours == course.hours
    assert cert.course_version == enrollment.completed_version == course.version
    assert cert.enrollment_id == enrollment.id
    assert cert.completed_on == certs._local_date(enrollment.completed_at)
    # The enrolment's group wins over the participant's first membership.
    assert cert.municipality_id == places["mp"].id
    assert cert.municipality_name == "Monte Patria"
    assert cert.group_name == "Sabores del Limarí"
    assert count(AuditEvent, AuditEvent.action == "certificate_issued") == 1
    # A snapshot: renaming the person later does not change what the certificate states.
    db.session.get(User, user.id).full_name = "Otro Nombre"
    db.session.commit()
    db.session.expire_all()
    assert certificate_of(user.id).holder_name == "Rosa Tapia Ávila"


def test_without_enrolment_group_the_first_membership_gives_municipality(ctx, make_user, places):
    user = make_user()
    _member(places["qu_group"].id, user.id)
    _member(places["mp_group"].id, user.id)
    finish_course(user.id)
    cert = certificate_of(user.id)
    assert (cert.municipality_name, cert.group_name) == ("Quillota", "Aseo y Jardines")


def test_participant_without_group_gets_certificate_without_municipality(ctx, make_user):
    user = make_user()
    finish_course(user.id)
    cert = certificate_of(user.id)
    assert cert.municipality_id is None and cert.municipality_name == ""


def test_no_certificate_when_the_course_does_not_grant_one(ctx, make_user):
    user = make_user()
    course = dataclasses.replace(get_store().get(COURSE), certificate=False)
    enrollment = finish_course(user.id, course=course)
    assert enrollment.status == "completed"  # completed, but this course gives none
    assert count(Certificate) == 0


def test_no_certificate_for_an_incomplete_course(ctx, make_user):
    user = make_user()
    enrollment = finish_course(user.id, pass_quizzes=False)
    assert enrollment.status == "active"
    assert count(Certificate) == 0
    # Nor when the service is called directly on an unfinished enrolment.
    assert certs.issue_certificate(enrollment, get_store().get(COURSE)) is None
    assert count(Certificate) == 0


def test_issuing_again_returns_the_same_certificate(ctx, make_user):
    user = make_user()
    enrollment = finish_course(user.id)
    first = certificate_of(user.id)
    again = certs.issue_certificate(enrollment, get_store().get(COURSE))
    db.session.commit()
    assert again.id == first.id and count(Certificate) == 1


def test_the_certificate_listener_is_connected_once(make_app):
    """However many apps a process builds, completing a course sends to one listener."""
    from app.events import course_completed

    make_app()
    make_app()
    receivers = list(course_completed.receivers_for(None))
    assert receivers.count(certs._issue_on_completion) == 1


@pytest.mark.parametrize("round_", range(5))
def test_concurrent_issuing_gives_exactly_one_certificate(app, ctx, make_user, round_):
    threads_n = 4
    user = make_user()
    enrollment = learning.enroll(db.session.get(User, user.id), get_store().get(COURSE))
    db.session.flush()
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(status="completed", completed_at=datetime(2026, 3, 5, 15), completed_version="x")
    )
    db.session.commit()
    enrollment_id = enrollment.id
    barrier = threading.Barrier(threads_n)
    codes: list[str] = []
    errors: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                course = get_store().get(COURSE)
                mine = db.session.get(Enrollment, enrollment_id)
                barrier.wait(timeout=10)
                cert = certs.issue_certificate(mine, course)
                code = cert.code
                db.session.commit()
                codes.append(code)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    db.session.expire_all()
    assert count(Certificate, Certificate.user_id == user.id) == 1
    assert count(AuditEvent, AuditEvent.action == "certificate_issued") == 1
    stored = certificate_of(user.id)
    assert codes == [stored.code] * threads_n


# --- codes ------------------------------------------------------------------------------


def test_code_format_and_entropy(monkeypatch):
    assert certs.CODE_BITS >= 128
    asked = []
    real = certs.secrets.randbits

    def spy(bits):
        asked.append(bits)
        return real(bits)

    monkeypatch.setattr(certs.secrets, "randbits", spy)
    codes = [certs.new_code() for _ in range(2000)]
    assert asked and set(asked) == {certs.CODE_BITS}
    assert len(set(codes)) == len(codes)
    for code in codes[:50]:
        assert len(code) == 28 and set(code) <= set(certs.CROCKFORD)
        shown = certs.format_code(code)
        assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", shown)
    # Every position uses the whole alphabet: no fixed or biased characters.
    for position in (0, 13, 27):
        assert {c[position] for c in codes} == set(certs.CROCKFORD)


def test_typed_codes_are_read_tolerantly():
    code = "0123456789ABCDEFGHJKMNPQRSTV"
    shown = certs.format_code(code)
    assert certs.normalize_code(shown) == code
    assert certs.normalize_code(shown.lower()) == code
    assert certs.normalize_code(" 0123 4567 89ab cdef ghjk mnpq rstv ") == code
    assert certs.normalize_code("O123-4567-89AB-CDEF-GHJK-MNPQ-RSTV") == code  # O as 0
    assert certs.normalize_code("0i23-4567-89AB-CDEF-GHJK-MNPQ-RSTV") == code  # I as 1
    assert certs.normalize_code("0L23 4567 89AB CDEF GHJK MNPQ RSTV") == code  # L as 1
    assert certs.normalize_code("0123–4567–89AB–CDEF–GHJK–MNPQ–RSTV") == code  # en dash
    for bad in (
        "",
        None,
        "U123-4567-89AB-CDEF-GHJK-MNPQ-RSTV",
        shown[:-1],
        shown + "0",
        "<script>",
        "x" * 500,
    ):
        assert certs.normalize_code(bad) is None


# --- public verification ----------------------------------------------------------------


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_verification_of_a_valid_code_shows_what_it_states(client, issued):
    shown = certs.format_code(issued["code"])
    response = client.get(f"/verificar/{shown}")
    html = _text(response)
    assert response.status_code == 200
    assert "Certificado válido" in html
    for fact in ("Ana Pérez Núñez", "Curso de prueba", "2 horas", "Monte Patria", shown, NETWORK):
        assert fact in html
    # Only what the certificate states: no account data of the holder.
    for secret in ("marcador-correo", "marcador-usuario", "@example.cl"):
        assert secret not in html
    assert "Sabores del Limarí" not in html  # the group is kept for staff, not published


def test_verification_form_reads_typed_codes(client, issued):
    typed = " " + issued["code"].lower().replace("0", "o").replace("1", "l") + " "
    response = client.get("/verificar", query_string={"codigo": typed})
    assert response.status_code == 200
    assert "Certificado válido" in _text(response)


def test_verification_form_without_code(client):
    page = client.get("/verificar")
    assert page.status_code == 200
    form = re.search(r'<form method="get".*?</form>', _text(page), re.S).group(0)
    assert 'name="codigo"' in form and "csrf_token" not in form
    empty = client.get("/verificar", query_string={"codigo": ""})
    assert empty.status_code == 400
    assert "Escribe el código del certificado." in _text(empty)
    assert "error-summary" in _text(empty)


def _altered(code: str) -> str:
    last = code[-1]
    swap = certs.CROCKFORD[(certs.CROCKFORD.index(last) + 1) % 32]
    return code[:-1] + swap


def test_unknown_malformed_and_altered_codes_get_one_identical_answer(client, issued):
    code = issued["code"]
    answers = []
    for sent in (
        certs.format_code(certs.new_code()),  # unknown
        "no-es-un-codigo",  # malformed
        certs.format_code(_altered(code)),  # altered by one character
        code[:-1],  # cut short
    ):
        for response in (
            client.get(f"/verificar/{sent}"),
            client.get("/verificar", query_string={"codigo": sent}),
        ):
            assert response.status_code == 404
            # The layout links back to the address asked for (language switch, reading
            # preferences): that is the visitor's own URL, not an answer, so only <main>
            # is compared.
            html = re.search(r"<main\b.*?</main>", _text(response), re.S).group(0)
            assert "No encontramos un certificado con ese código" in html
            assert sent not in html  # nothing typed is echoed back
            answers.append(html)
    assert len(set(answers)) == 1


def test_revoked_certificate_shows_date_and_reason(client, issued):
    cert = db.session.get(Certificate, issued["cert_id"])
    cert.revoked_at = datetime(2026, 4, 2, 15, 0)
    cert.revoked_reason = "Se emitió por error de registro."
    db.session.commit()
    html = _text(client.get(f"/verificar/{certs.format_code(issued['code'])}"))
    assert "Certificado revocado" in html and "Certificado válido" not in html
    assert "2 de abril de 2026" in html
    assert "Se emitió por error de registro." in html


def test_verification_is_rate_limited(make_app, issued):
    limited = make_app(RATELIMIT_ENABLED=True, CERTIFICATE_VERIFY_LIMIT="3 per minute")
    client = limited.test_client()
    shown = certs.format_code(issued["code"])
    assert client.get(f"/verificar/{shown}").status_code == 200
    assert client.get("/verificar", query_string={"codigo": shown}).status_code == 200
    assert client.get("/verificar").status_code == 200
    # The limit is shared by the form and the direct address.
    assert client.get(f"/verificar/{shown}").status_code == 429
    assert client.get("/verificar").status_code == 429


# --- PDF --------------------------------------------------------------------------------


def _pdf(client, cert_id):
    response = client.get(f"/certificados/{cert_id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def _qr_matrix(image, modules: int) -> list[list[int]]:
    """Read the dark (1) and light (0) modules back from the embedded QR image."""
    gray = image.convert("L")
    out = []
    for row in range(modules):
        y = (row + QR_BORDER) * QR_SCALE + QR_SCALE // 2
        out.append(
            [
                1 if gray.getpixel(((col + QR_BORDER) * QR_SCALE + QR_SCALE // 2, y)) < 128 else 0
                for col in range(modules)
            ]
        )
    return out


def test_pdf_has_real_text_metadata_and_the_verification_qr(client, issued, login_as):
    login_as(client, issued["holder"])
    data = _pdf(client, issued["cert_id"])
    reader = PdfReader(io.BytesIO(data))
    shown = certs.format_code(issued["code"])
    url = f"http://localhost/verificar/{shown}"
    text = " ".join(reader.pages[0].extract_text().split())
    for fact in (
        "Certificado",
        "Ana Pérez Núñez",
        "«Curso de prueba»",
        "2 horas",
        "Monte Patria",
        NETWORK,
        f"Código de verificación: {shown}",
        url,
    ):
        assert fact in text, fact
    cert = db.session.get(Certificate, issued["cert_id"])
    from app.certificates.pdf import long_date

    assert long_date(cert.completed_on) in text
    meta = reader.metadata
    assert meta.title == "Certificado: Curso de prueba · Ana Pérez Núñez"
    assert meta.author == NETWORK and meta.creator == "Aula REFICOOP"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "es-CL"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    figure = root["/StructTreeRoot"]["/K"][0].get_object()["/K"][0].get_object()
    assert figure["/S"] == "/Figure" and url in figure["/Alt"]
    # The embedded QR image is exactly the QR code of the verification address.
    images = reader.pages[0].images
    assert len(images) == 1
    expected = segno.make(url, error=QR_ERROR, micro=False)
    modules = len(expected.matrix)
    assert _qr_matrix(images[0].image, modules) == [list(r) for r in expected.matrix]
    for secret in ("marcador-correo", "marcador-usuario"):
        assert secret not in text


def test_pdf_qr_decodes_to_the_verification_url(client, issued, tmp_path, login_as):
    zxingcpp = pytest.importorskip("zxingcpp")
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image

    login_as(client, issued["holder"])
    (tmp_path / "c.pdf").write_bytes(_pdf(client, issued["cert_id"]))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(tmp_path / "c.pdf"),
            str(tmp_path / "c"),
        ],
        check=True,
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "c.png"))
    texts = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert texts == [f"http://localhost/verificar/{certs.format_code(issued['code'])}"]


def test_public_base_url_overrides_the_verification_address(make_app, issued, login_as):
    other = make_app(PUBLIC_BASE_URL="https://aula.reficoop.cl/")
    client = other.test_client()
    login_as(client, issued["holder"])
    data = client.get(f"/certificados/{issued['cert_id']}.pdf").data
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert f"https://aula.reficoop.cl/verificar/{certs.format_code(issued['code'])}" in text


# --- pages for the holder ---------------------------------------------------------------


def test_my_certificates_lists_mine_with_view_and_download(client, issued, make_user, login_as):
    login_as(client, issued["holder"])
    html = _text(client.get("/mis-certificados"))
    assert "Curso de prueba" in html
    assert f"/certificados/{issued['cert_id']}.pdf" in html
    assert f'href="/certificados/{issued["cert_id"]}"' in html
    assert 'href="/mis-certificados"' in html  # nav entry
    page = client.get(f"/certificados/{issued['cert_id']}")
    assert page.status_code == 200
    body = _text(page)
    assert "Ana Pérez Núñez" in body and certs.format_code(issued["code"]) in body
    assert 'src="data:image/svg+xml' in body and "Código QR" in body
    assert ' style="' not in body  # strict CSP: no inline styles


def test_my_certificates_is_empty_for_someone_else(client, issued, make_user, login_as):
    other = make_user()
    login_as(client, other)
    html = _text(client.get("/mis-certificados"))
    assert "Todavía no tienes certificados" in html
    assert "Curso de prueba" not in html


# --- access control ---------------------------------------------------------------------


@pytest.fixture
def people(issued, make_user):
    """One account per relation to the certificate."""
    coord_mp = make_user("coordinator")
    coord_qu = make_user("coordinator")
    trainer_mp = make_user("trainer")
    _staff(coord_mp.id, issued["mp"].id)
    _staff(coord_qu.id, issued["qu"].id)
    _staff(trainer_mp.id, issued["mp"].id)
    return {
        "holder": issued["holder"],
        "other_participant": make_user(),
        "coordinator_same": coord_mp,
        "coordinator_other": coord_qu,
        "trainer": trainer_mp,
        "admin": make_user("admin"),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 200),
        ("other_participant", 404),
        ("trainer", 404),
        ("coordinator_same", 200),
        ("coordinator_other", 404),
        ("admin", 200),
    ],
)
def test_who_may_see_and_download_a_certificate(client, issued, people, who, status, login_as):
    login_as(client, people[who])
    assert client.get(f"/certificados/{issued['cert_id']}").status_code == status
    assert client.get(f"/certificados/{issued['cert_id']}.pdf").status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/mis-certificados",
        "/certificados/",
        "/certificados/{id}",
        "/certificados/{id}.pdf",
        "/admin/certificados/{id}",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, issued, url):
    response = client.get(url.format(id=issued["cert_id"]))
    assert response.status_code == 302
    assert "/ingresar" in response.headers["Location"]


def test_anonymous_visitors_can_verify(client, issued):
    assert client.get("/verificar").status_code == 200
    assert client.get(f"/verificar/{issued['code']}").status_code == 200


def test_unknown_certificate_id_is_404(client, people, login_as):
    login_as(client, people["admin"])
    assert client.get("/certificados/999999").status_code == 404
    assert client.get("/admin/certificados/999999").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("holder", 403), ("trainer", 403), ("coordinator_same", 200), ("admin", 200)],
)
def test_staff_list_access(client, people, who, status, login_as):
    login_as(client, people[who])
    assert client.get("/certificados/").status_code == status


def test_coordinator_lists_only_their_municipality(client, issued, people, make_user, login_as):
    outsider = make_user(full_name="Berta Quillotana")
    _member(issued["qu_group"].id, outsider.id)
    finish_course(outsider.id)
    outsider_cert = certificate_of(outsider.id)
    login_as(client, people["coordinator_same"])
    html = _text(client.get("/certificados/"))
    assert "Ana Pérez Núñez" in html and "Berta Quillotana" not in html
    assert "Gestionar" not in html  # coordinators do not revoke
    assert client.get(f"/certificados/{outsider_cert.id}").status_code == 404
    assert client.get(f"/certificados/{outsider_cert.id}.pdf").status_code == 404
    # Scope comes from the account, never from the request.
    html = _text(client.get("/certificados/", query_string={"q": "Berta", "municipio": "2"}))
    assert "Berta Quillotana" not in html


def test_admin_list_filters_by_code_and_course(client, issued, people, make_user, login_as):
    other = make_user(full_name="Carla Quiroz")
    finish_course(other.id)
    login_as(client, people["admin"])
    html = _text(client.get("/certificados/"))
    assert "Ana Pérez Núñez" in html and "Carla Quiroz" in html
    by_code = _text(
        client.get("/certificados/", query_string={"q": certs.format_code(issued["code"])})
    )
    assert "Ana Pérez Núñez" in by_code and "Carla Quiroz" not in by_code
    partial = _text(client.get("/certificados/", query_string={"q": issued["code"][:8].lower()}))
    assert "Ana Pérez Núñez" in partial
    by_course = _text(client.get("/certificados/", query_string={"q": "curso de prueba"}))
    assert "Ana Pérez Núñez" in by_course and "Carla Quiroz" in by_course
    none = _text(client.get("/certificados/", query_string={"q": "inexistente%_"}))
    assert "Ana Pérez Núñez" not in none and "0 certificados" in none


# --- revocation -------------------------------------------------------------------------


def test_admin_revokes_for_good_with_audit_trail(client, issued, people, login_as):
    admin = people["admin"]
    cert_id = issued["cert_id"]
    login_as(client, admin)
    response = client.post(
        f"/admin/certificados/{cert_id}/revocar",
        data={"reason": "  Datos de inscripción   equivocados. ", "confirm": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    cert = db.session.get(Certificate, cert_id)
    assert cert.revoked_at is not None
    assert cert.revoked_reason == "Datos de inscripción equivocados."
    assert cert.revoked_by_id == admin.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_revoked"))
    assert event.actor_id == admin.id and event.target_id == str(cert_id)
    assert event.created_at is not None
    assert event.details["reason"] == "Datos de inscripción equivocados."
    shown = certs.format_code(issued["code"])
    public = _text(client.get(f"/verificar/{shown}"))
    assert "Certificado revocado" in public and "Datos de inscripción equivocados." in public
    manage = _text(client.get(f"/admin/certificados/{cert_id}"))
    assert "La revocación es definitiva" in manage and admin.full_name in manage
    for offered in ("Restablecer", "Suspender el certificado", "Levantar la suspensión"):
        assert offered not in manage
    # Revoking twice is refused.
    again = client.post(
        f"/admin/certificados/{cert_id}/revocar", data={"reason": "otra", "confirm": "y"}
    )
    assert again.status_code == 400 and "ya estaba revocado" in _text(again)
    # Final: it can be neither suspended nor made valid again.
    suspend = client.post(
        f"/admin/certificados/{cert_id}/suspender",
        data={"suspend-reason": "revisión", "suspend-confirm": "y"},
    )
    assert suspend.status_code == 400 and "la revocación es definitiva" in _text(suspend)
    lift = client.post(
        f"/admin/certificados/{cert_id}/levantar-suspension",
        data={"lift-reason": "error", "lift-confirm": "y"},
    )
    assert lift.status_code == 400 and "la revocación es definitiva" in _text(lift)
    assert client.post(f"/admin/certificados/{cert_id}/restablecer").status_code == 404
    db.session.expire_all()
    cert = db.session.get(Certificate, cert_id)
    assert (cert.state, cert.suspended_at) == ("revoked", None)
    assert "Certificado revocado" in _text(client.get(f"/verificar/{shown}"))
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target_type == "certificate")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["certificate_issued", "certificate_revoked"]


def _suspend(client, cert_id, reason="Asistencia en revisión.", confirm=True):
    data = {"suspend-reason": reason}
    if confirm:
        data["suspend-confirm"] = "y"
    return client.post(f"/admin/certificados/{cert_id}/suspender", data=data)


def _lift(client, cert_id, reason="La asistencia quedó confirmada.", confirm=True):
    data = {"lift-reason": reason}
    if confirm:
        data["lift-confirm"] = "y"
    return client.post(f"/admin/certificados/{cert_id}/levantar-suspension", data=data)


def test_admin_suspends_and_lifts_the_suspension_with_audit_trail(client, issued, people, login_as):
    admin = people["admin"]
    cert_id = issued["cert_id"]
    shown = certs.format_code(issued["code"])
    login_as(client, admin)
    manage = _text(client.get(f"/admin/certificados/{cert_id}"))
    assert "Suspender el certificado" in manage and 'id="suspend-confirm"' in manage
    assert "Levantar la suspensión" not in manage
    assert _suspend(client, cert_id, "  Asistencia   en revisión. ").status_code == 302
    db.session.expire_all()
    cert = db.session.get(Certificate, cert_id)
    assert cert.state == "suspended" and cert.revoked_at is None
    assert cert.suspended_reason == "Asistencia en revisión."
    assert cert.suspended_by_id == admin.id and cert.suspended_at is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certificate_suspended")
    )
    assert event.actor_id == admin.id and event.details["reason"] == "Asistencia en revisión."
    public = _text(client.get(f"/verificar/{shown}"))
    assert "Certificado suspendido" in public and "Asistencia en revisión." in public
    assert "Certificado revocado" not in public and "Certificado válido" not in public
    assert "suspendido desde el" in public
    manage = _text(client.get(f"/admin/certificados/{cert_id}"))
    assert "Suspendido desde el" in manage and admin.full_name in manage
    assert "Levantar la suspensión" in manage and "Suspender el certificado" not in manage
    assert "Revocar el certificado" in manage  # revocation is still possible
    listed = _text(client.get("/certificados/"))
    assert "Suspendido" in listed and f"/certificados/{cert_id}.pdf" not in listed
    # While suspended, no clean document leaves the server.
    pdf = client.get(f"/certificados/{cert_id}.pdf")
    assert pdf.status_code == 409 and "Este certificado está suspendido" in _text(pdf)
    detail = _text(client.get(f"/certificados/{cert_id}"))
    assert "está suspendido desde el" in detail and f"/certificados/{cert_id}.pdf" not in detail
    again = _suspend(client, cert_id)
    assert again.status_code == 400 and "ya estaba suspendido" in _text(again)

    assert _lift(client, cert_id).status_code == 302
    db.session.expire_all()
    cert = db.session.get(Certificate, cert_id)
    assert cert.state == "valid"
    assert (cert.suspended_at, cert.suspended_reason, cert.suspended_by_id) == (None, None, None)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certificate_suspension_lifted")
    )
    assert event.actor_id == admin.id
    assert event.details["reason"] == "La asistencia quedó confirmada."
    assert event.details["previous_reason"] == "Asistencia en revisión."
    assert "Certificado válido" in _text(client.get(f"/verificar/{shown}"))
    assert client.get(f"/certificados/{cert_id}.pdf").status_code == 200
    again = _lift(client, cert_id)
    assert again.status_code == 400 and "no está suspendido" in _text(again)
    history = _text(client.get(f"/admin/certificados/{cert_id}"))
    for label in ("Emitido", "Suspendido", "Suspensión levantada", "Asistencia en revisión."):
        assert label in history


@pytest.mark.parametrize(
    ("send", "message"),
    [
        ({"reason": ""}, "Escribe el motivo de la suspensión."),
        ({"reason": "   "}, "Escribe el motivo de la suspensión."),
        ({"reason": "x" * 501}, "como máximo 500 caracteres"),
        ({"confirm": False}, "Marca la casilla para confirmar la suspensión."),
    ],
)
def test_suspension_needs_a_reason_and_a_confirmation(
    client, issued, people, send, message, login_as
):
    login_as(client, people["admin"])
    response = _suspend(client, issued["cert_id"], **send)
    assert response.status_code == 400
    html = _text(response)
    assert message in html and "error-summary" in html
    assert 'href="#suspend-' in html  # the summary links to the suspension form's field
    db.session.expire_all()
    assert db.session.get(Certificate, issued["cert_id"]).suspended_at is None
    assert count(AuditEvent, AuditEvent.action == "certificate_suspended") == 0


def test_lifting_needs_a_reason_and_a_confirmation(client, issued, people, login_as):
    login_as(client, people["admin"])
    assert _suspend(client, issued["cert_id"]).status_code == 302
    for send, message in (
        ({"reason": " "}, "Escribe por qué se levanta la suspensión."),
        ({"confirm": False}, "Marca la casilla para confirmar que levantas la suspensión."),
    ):
        response = _lift(client, issued["cert_id"], **send)
        assert response.status_code == 400 and message in _text(response)
    db.session.expire_all()
    assert db.session.get(Certificate, issued["cert_id"]).state == "suspended"


def test_revoking_a_suspended_certificate_ends_the_suspension(client, issued, people, login_as):
    login_as(client, people["admin"])
    cert_id = issued["cert_id"]
    assert _suspend(client, cert_id).status_code == 302
    response = client.post(
        f"/admin/certificados/{cert_id}/revocar", data={"reason": "Fraude.", "confirm": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    cert = db.session.get(Certificate, cert_id)
    assert cert.state == "revoked" and cert.revoked_reason == "Fraude."
    assert (cert.suspended_at, cert.suspended_reason, cert.suspended_by_id) == (None, None, None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate_revoked"))
    assert event.details["ended_suspension"] is True
    # The database itself refuses a certificate both revoked and suspended.
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == cert_id)
            .values(suspended_at=cert.revoked_at)
        )
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("action", ["suspend", "lift"])
@pytest.mark.parametrize("who", ["holder", "coordinator_same", "trainer"])
def test_only_admins_suspend_or_lift_in_the_services(issued, people, who, action):
    cert = db.session.get(Certificate, issued["cert_id"])
    if action == "lift":
        certs.suspend_certificate(db.session.get(User, people["admin"].id), cert, "Revisión.")
    actor = db.session.get(User, people[who].id)
    with pytest.raises(DomainError):
        if action == "suspend":
            certs.suspend_certificate(actor, cert, "Revisión.")
        else:
            certs.lift_suspension(actor, cert, "Listo.")
    assert cert.state == ("valid" if action == "suspend" else "suspended")


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Escribe el motivo de la revocación."),
        ("   ", "Escribe el motivo de la revocación."),
        ("x" * 501, "como máximo 500 caracteres"),
    ],
)
def test_revocation_needs_a_reason_of_at_most_500_characters(
    client, issued, people, reason, message, login_as
):
    login_as(client, people["admin"])
    response = client.post(
        f"/admin/certificados/{issued['cert_id']}/revocar",
        data={"reason": reason, "confirm": "y"},
    )
    assert response.status_code == 400
    html = _text(response)
    assert message in html and "error-summary" in html and 'aria-invalid="true"' in html
    db.session.expire_all()
    assert db.session.get(Certificate, issued["cert_id"]).revoked_at is None
    assert count(AuditEvent, AuditEvent.action == "certificate_revoked") == 0


def test_revocation_is_final_so_it_must_be_confirmed(client, issued, people, login_as):
    login_as(client, people["admin"])
    cert_id = issued["cert_id"]
    manage = _text(client.get(f"/admin/certificados/{cert_id}"))
    assert "Confirmo que quiero revocar este certificado para siempre" in manage
    response = client.post(f"/admin/certificados/{cert_id}/revocar", data={"reason": "Fraude."})
    assert response.status_code == 400
    html = _text(response)
    assert "Marca la casilla para confirmar la revocación." in html
    assert "Fraude." in html  # the typed reason is kept
    db.session.expire_all()
    assert db.session.get(Certificate, cert_id).state == "valid"
    assert count(AuditEvent, AuditEvent.action == "certificate_revoked") == 0


def test_500_character_reason_is_accepted(client, issued, people, login_as):
    login_as(client, people["admin"])
    response = client.post(
        f"/admin/certificados/{issued['cert_id']}/revocar",
        data={"reason": "y" * 500, "confirm": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, issued["cert_id"]).revoked_reason == "y" * 500


@pytest.mark.parametrize("who", ["holder", "coordinator_same", "trainer"])
def test_only_admins_revoke_suspend_or_lift(client, issued, people, who, login_as):
    login_as(client, people[who])
    cert_id = issued["cert_id"]
    assert client.get(f"/admin/certificados/{cert_id}").status_code == 403
    assert (
        client.post(f"/admin/certificados/{cert_id}/revocar", data={"reason": "x"}).status_code
        == 403
    )
    assert _suspend(client, cert_id).status_code == 403
    assert _lift(client, cert_id).status_code == 403
    db.session.expire_all()
    assert db.session.get(Certificate, cert_id).state == "valid"


def test_revoke_requires_csrf(make_app, issued, people):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    login_page = client.get("/ingresar")

    token = csrf_token_from(_text(login_page))
    client.post(
        "/ingresar",
        data={
            "login": people["admin"].username,
            "password": "una frase larga y secreta",
            "csrf_token": token,
        },
    )
    response = client.post(
        f"/admin/certificados/{issued['cert_id']}/revocar", data={"reason": "sin token"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Certificate, issued["cert_id"]).revoked_at is None


@pytest.mark.parametrize("who", ["holder", "coordinator_same", "admin"])
def test_revoked_certificate_pdf_is_refused(client, issued, people, who, login_as):
    """Issue 13 finding 9: a revoked certificate's PDF no longer downloads, for anyone."""
    cert = db.session.get(Certificate, issued["cert_id"])
    cert.revoked_at = datetime(2026, 4, 2, 15, 0)
    cert.revoked_reason = "Se emitió por error de registro."
    db.session.commit()
    login_as(client, people[who])
    response = client.get(f"/certificados/{issued['cert_id']}.pdf")
    assert response.status_code == 410
    assert response.mimetype == "text/html"
    html = _text(response)
    assert "Este certificado fue revocado" in html
    assert "2 de abril de 2026" in html and "Se emitió por error de registro." in html
    # The pages no longer offer the download either.
    detail = client.get(f"/certificados/{issued['cert_id']}").get_data(as_text=True)
    assert f"/certificados/{issued['cert_id']}.pdf" not in detail
    if who == "holder":
        mine = client.get("/mis-certificados").get_data(as_text=True)
        assert f"/certificados/{issued['cert_id']}.pdf" not in mine


def test_an_unticked_confirmation_says_so_beside_the_checkbox(client, issued, people, login_as):
    """The checkbox's aria-describedby names an error message that is on the page."""
    login_as(client, people["admin"])
    response = client.post(
        f"/admin/certificados/{issued['cert_id']}/revocar", data={"reason": "Fraude."}
    )
    html = _text(response)
    described = re.search(r'<input[^>]*id="confirm"[^>]*>', html).group(0)
    ids = re.search(r'aria-describedby="([^"]+)"', described).group(1).split()
    assert ids == ["confirm-error"]
    message = re.search(r'<p class="error-message" id="confirm-error">(.*?)</p>', html, re.S)
    assert "Marca la casilla para confirmar la revocación." in message.group(1)
