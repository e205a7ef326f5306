"""Credentials: issued with the certificate, downloaded, embedded, checked, listed, revoked."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import User
from app.certificates import services as certs
from app.certificates.models import Certificate
from app.credentials import badge, keys, services, statuslist
from app.credentials.contexts import make_loader
from app.credentials.guard import UndefinedTerms, undefined_terms
from app.credentials.models import CertificateCredential
from app.credentials.multikey import did_key_public
from app.credentials.proof import verify
from app.errors import DomainError
from app.extensions import db
from tests.credentials.conftest import BASE, RUT, finish_course
from tests.helpers import count


def _certificate(certificate_id: int) -> Certificate:
    return db.session.get(Certificate, certificate_id)


def _revoke(certificate_id: int, admin_id: int) -> None:
    certs.revoke_certificate(
        db.session.get(User, admin_id), _certificate(certificate_id), "Emitido por error."
    )
    db.session.commit()


def _suspend(certificate_id: int, admin_id: int) -> None:
    certs.suspend_certificate(
        db.session.get(User, admin_id), _certificate(certificate_id), "Asistencia en revisión."
    )
    db.session.commit()


LISTS = {
    "revocation": "/credenciales/estado/revocacion",
    "suspension": "/credenciales/estado/suspension",
}


def _status_bits(client, index: int) -> tuple[bool, bool]:
    """(revocation bit, suspension bit) at INDEX in the lists as served."""
    bits = []
    for purpose, path in LISTS.items():
        listed = client.get(path).get_json()
        assert listed["credentialSubject"]["statusPurpose"] == purpose
        encoded = listed["credentialSubject"]["encodedList"]
        bits.append(statuslist.bit_at(statuslist.decode(encoded), index))
    return bits[0], bits[1]


def _check(client, document=None, text=None):
    assert client.get("/verificar/credencial").status_code == 200
    data = {}
    if document is not None:
        raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
        data["archivo"] = (io.BytesIO(raw), "credencial.json")
    if text is not None:
        data["texto"] = text
    return client.post("/verificar/credencial", data=data, content_type="multipart/form-data")


# --- what is issued ----------------------------------------------------------------------


def test_issuing_a_certificate_signs_its_open_badge(cred_app, holder):
    with cred_app.app_context():
        certificate = _certificate(holder[1])
        stored = services.credential_of(certificate)
        document = services.credential_document(certificate)
        assert stored.status_index == 0
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert document["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        key = keys.signing_key()
        assert document["issuer"]["id"] == keys.issuer_did(key)
        assert document["proof"]["verificationMethod"] == keys.verification_method(key)
        assert verify(document, did_key_public(stored.verification_method), make_loader())
        assert undefined_terms(document, make_loader()) == []
        subject = document["credentialSubject"]
        assert subject["name"] == "Ana Pérez Núñez"
        assert "email" not in json.dumps(document)
        (identifier,) = subject["identifier"]
        assert identifier["identityType"] == "nationalIdentityNumber"
        assert identifier["hashed"] is True
        expected = hashlib.sha256((RUT + identifier["salt"]).encode()).hexdigest()
        assert identifier["identityHash"] == "sha256$" + expected
        assert RUT not in json.dumps(document)
        achievement = subject["achievement"]
        assert achievement["name"] == "Curso de prueba"
        assert achievement["inLanguage"] == "es-CL"
        assert "Duración: 2 horas" in achievement["description"]
        narrative = achievement["criteria"]["narrative"]
        assert "¿Qué es una cooperativa?" in narrative and "Trabajo en equipo" in narrative
        assert "Aprobó las evaluaciones: Repaso de la lección; Prueba final." in narrative
        assert subject["source"]["name"] == "Incubadora de cooperativas de Monte Patria"
        assert document["id"] == f"{BASE}/verificar/{certs.format_code(certificate.code)}"
        assert document["credentialStatus"] == [
            {
                "id": f"{BASE}/credenciales/estado/revocacion#0",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "0",
                "statusListCredential": f"{BASE}/credenciales/estado/revocacion",
            },
            {
                "id": f"{BASE}/credenciales/estado/suspension#0",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": "0",
                "statusListCredential": f"{BASE}/credenciales/estado/suspension",
            },
        ]


def test_without_rut_the_username_identifies_the_person(cred_app, make_user, places):
    user = make_user(username="pedro.rojas")
    with cred_app.app_context():
        certificate = finish_course(user.id)
        document = services.credential_document(certificate)
        assert document["credentialSubject"]["identifier"] == [
            {
                "type": "IdentityObject",
                "identityType": "userName",
                "hashed": False,
                "identityHash": "pedro.rojas",
            }
        ]


def test_guard_refuses_to_sign_a_credential_with_an_undefined_term(cred_app, holder, monkeypatch):
    original = badge.build_credential

    def with_extra_term(certificate, facts):
        document = original(certificate, facts)
        document["credentialSubject"]["horasCronologicas"] = 2
        return document

    monkeypatch.setattr(services, "build_credential", with_extra_term)
    with cred_app.app_context():
        certificate = _certificate(holder[1])
        with pytest.raises(UndefinedTerms) as refused:
            services.signed_credential(certificate, keys.signing_key(), 5)
        assert refused.value.terms == ["horasCronologicas"]


def test_each_certificate_gets_its_own_stable_index(cred_app, holder, make_user):
    other = make_user()
    with cred_app.app_context():
        second = finish_course(other.id)
        assert services.credential_of(second).status_index == 1
        assert count(CertificateCredential) == 2


# --- the command for certificates issued before -------------------------------------------


def test_command_gives_old_certificates_their_credential_once(
    cred_app, make_app, make_user, key_file
):
    user = make_user()
    keyless = make_app(CREDENTIAL_KEYS_FILE=str(key_file.with_name("none.json")))
    with keyless.app_context():
        certificate = finish_course(user.id)  # issued while no key was set up
        assert services.credential_of(certificate) is None
    runner = cred_app.test_cli_runner()
    result = runner.invoke(args=["certificates", "credentials"])
    assert result.exit_code == 0, result.output
    assert "Credentials issued: 1." in result.output
    result = runner.invoke(args=["certificates", "credentials"])
    assert "Credentials issued: 0." in result.output
    with cred_app.app_context():
        assert count(CertificateCredential) == 1
    result = keyless.test_cli_runner().invoke(args=["certificates", "credentials"])
    assert result.exit_code != 0 and "flask credentials create-key" in result.output


def _sign_as_before_suspension(certificate_id: int, monkeypatch) -> dict:
    """Re-sign the certificate's credential as it was issued before the suspension list: one
    revocation entry, not a list; commit; the document."""
    original = badge.build_credential

    def revocation_only(certificate, facts):
        document = original(certificate, facts)
        document["credentialStatus"] = document["credentialStatus"][0]
        return document

    with monkeypatch.context() as patch:
        patch.setattr(services, "build_credential", revocation_only)
        services.resign(services.credential_of(_certificate(certificate_id)))
    db.session.commit()
    return services.credential_document(_certificate(certificate_id))


def test_command_signs_again_the_credentials_lacking_the_suspension_entry(
    cred_app, holder, make_user, monkeypatch
):
    _user, certificate_id = holder
    admin = make_user(role="admin")
    with cred_app.app_context():
        old = _sign_as_before_suspension(certificate_id, monkeypatch)
        assert old["credentialStatus"]["statusPurpose"] == "revocation"
        index = services.credential_of(_certificate(certificate_id)).status_index
        _suspend(certificate_id, admin.id)
    # The site's own checker reads both lists at the index, so even the old file shows it.
    checked = _check(cred_app.test_client(), old).text
    assert "Firma: correcta." in checked and "Estado: suspendido." in checked
    runner = cred_app.test_cli_runner()
    result = runner.invoke(args=["certificates", "credentials"])
    assert result.exit_code == 0, result.output
    assert "Credentials issued: 0. Signed again with every status list: 1." in result.output
    with cred_app.app_context():
        stored = services.credential_of(_certificate(certificate_id))
        document = services.credential_document(_certificate(certificate_id))
        assert stored.status_index == index
        assert [e["statusPurpose"] for e in document["credentialStatus"]] == [
            "revocation",
            "suspension",
        ]
        assert {e["statusListIndex"] for e in document["credentialStatus"]} == {str(index)}
        assert verify(document, did_key_public(stored.verification_method), make_loader())
        assert undefined_terms(document, make_loader()) == []
    again = runner.invoke(args=["certificates", "credentials"])
    assert "Credentials issued: 0. Signed again with every status list: 0." in again.output


# --- downloads and the PDF ---------------------------------------------------------------


def test_holder_and_verify_page_download_the_same_credential(cred_app, holder, client_as):
    user, certificate_id = holder
    client = client_as(user, cred_app)
    page = client.get(f"/certificados/{certificate_id}").get_data(as_text=True)
    assert "Descargar credencial (Open Badges 3.0)" in page
    mine = client.get(f"/certificados/{certificate_id}/credencial.json")
    assert mine.status_code == 200
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    with cred_app.app_context():
        certificate = _certificate(certificate_id)
        stored = services.credential_document(certificate)
        code = certs.format_code(certificate.code)
    assert mine.get_json() == stored
    visitor = cred_app.test_client()
    verify_page = visitor.get(f"/verificar/{code}").get_data(as_text=True)
    assert f'href="/verificar/{code}/credencial.json"' in verify_page
    assert visitor.get(f"/verificar/{code}/credencial.json").get_json() == stored
    assert visitor.get(f"/certificados/{certificate_id}/credencial.json").status_code in (302, 401)


def test_the_pdf_carries_the_credential_as_an_attachment(cred_app, holder, client_as):
    user, certificate_id = holder
    response = client_as(user, cred_app).get(f"/certificados/{certificate_id}.pdf")
    attachments = PdfReader(io.BytesIO(response.data)).attachments
    with cred_app.app_context():
        certificate = _certificate(certificate_id)
        name = services.download_name(certificate)
        stored = services.credential_document(certificate)
    assert list(attachments) == [name]
    assert json.loads(attachments[name][0]) == stored


def test_revoked_certificates_credential_is_not_downloadable(
    cred_app, holder, client_as, make_user
):
    user, certificate_id = holder
    admin = make_user(role="admin")
    with cred_app.app_context():
        _revoke(certificate_id, admin.id)
        code = certs.format_code(_certificate(certificate_id).code)
    client = client_as(user, cred_app)
    assert "Descargar credencial" not in client.get(f"/certificados/{certificate_id}").text
    assert client.get(f"/certificados/{certificate_id}/credencial.json").status_code == 410
    assert cred_app.test_client().get(f"/verificar/{code}/credencial.json").status_code == 410


# --- the status list and the verify page agree -------------------------------------------


def test_both_lists_and_the_verify_pages_agree_through_suspend_lift_and_revoke(
    cred_app, holder, make_user
):
    _user, certificate_id = holder
    admin = make_user(role="admin")
    client = cred_app.test_client()
    with cred_app.app_context():
        certificate = _certificate(certificate_id)
        code = certs.format_code(certificate.code)
        index = services.credential_of(certificate).status_index
        document = services.credential_document(certificate)
    for purpose, path in LISTS.items():
        response = client.get(path)
        assert response.cache_control.max_age == 60
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        listed = response.get_json()
        assert listed["id"] == BASE + path
        assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert listed["credentialSubject"]["statusPurpose"] == purpose
        assert len(statuslist.decode(listed["credentialSubject"]["encodedList"])) * 8 == 131_072
        assert listed["issuer"] == document["issuer"]["id"]
        with cred_app.app_context():
            public = did_key_public(listed["proof"]["verificationMethod"])
            assert verify(listed, public, make_loader())

    def pages_say() -> tuple[str, str]:
        """What /verificar and the credential checker say of the certificate."""
        page = client.get(f"/verificar/{code}").text
        shown = [s for s in ("válido", "suspendido", "revocado") if f"Certificado {s}" in page]
        checked = _check(client, document).text
        status = [s for s in ("vigente", "suspendido", "revocado") if f"Estado: {s}." in checked]
        return shown[0], status[0]

    assert (_status_bits(client, index), pages_say()) == ((False, False), ("válido", "vigente"))
    with cred_app.app_context():
        _suspend(certificate_id, admin.id)
    assert _status_bits(client, index) == (False, True)
    assert pages_say() == ("suspendido", "suspendido")
    checked = _check(client, document).text
    assert "Credencial no válida" in checked and "Firma: correcta." in checked
    assert "suspendido desde el" in checked
    with cred_app.app_context():
        certs.lift_suspension(
            db.session.get(User, admin.id), _certificate(certificate_id), "Confirmada."
        )
        db.session.commit()
    assert (_status_bits(client, index), pages_say()) == ((False, False), ("válido", "vigente"))
    with cred_app.app_context():
        _suspend(certificate_id, admin.id)
        _revoke(certificate_id, admin.id)  # revocation wins and ends the suspension
    assert (_status_bits(client, index), pages_say()) == ((True, False), ("revocado", "revocado"))
    with cred_app.app_context(), pytest.raises(DomainError):  # final: no suspension, no return
        _suspend(certificate_id, admin.id)
    assert (_status_bits(client, index), pages_say()) == ((True, False), ("revocado", "revocado"))


def test_suspended_certificates_credential_is_not_downloadable_until_lifted(
    cred_app, holder, client_as, make_user
):
    user, certificate_id = holder
    admin = make_user(role="admin")
    with cred_app.app_context():
        _suspend(certificate_id, admin.id)
        code = certs.format_code(_certificate(certificate_id).code)
    client = client_as(user, cred_app)
    assert "Descargar credencial" not in client.get(f"/certificados/{certificate_id}").text
    assert "credencial.json" not in client.get("/mis-certificados").text
    mine = client.get(f"/certificados/{certificate_id}/credencial.json")
    assert mine.status_code == 409 and "Este certificado está suspendido" in mine.text
    public = cred_app.test_client().get(f"/verificar/{code}/credencial.json")
    assert public.status_code == 409 and "Asistencia en revisión." in public.text
    with cred_app.app_context():
        certs.lift_suspension(
            db.session.get(User, admin.id), _certificate(certificate_id), "Confirmada."
        )
        db.session.commit()
    assert client.get(f"/certificados/{certificate_id}/credencial.json").status_code == 200


def test_bitstring_encoding_sets_the_leftmost_bit_first():
    encoded = statuslist.encode({0, 9})
    bits = statuslist.decode(encoded)
    assert bits[:2] == bytes([0b1000_0000, 0b0100_0000]) and not any(bits[2:])
    assert [statuslist.bit_at(bits, i) for i in (0, 1, 9)] == [True, False, True]
    assert statuslist.list_length(131_072) == 262_144


# --- the verify page's own checker -------------------------------------------------------


def test_verify_page_checker_accepts_the_credential_by_upload_and_paste(cred_app, holder):
    with cred_app.app_context():
        document = services.credential_document(_certificate(holder[1]))
    client = cred_app.test_client()
    page = _check(client, document)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Credencial válida" in html
    assert "Firma: correcta." in html
    assert "Clave del emisor: es de Aula REFICOOP." in html
    assert "Estado: vigente." in html
    assert "Certifica que Ana Pérez Núñez completó el curso «Curso de prueba»." in html
    pasted = _check(client, text=json.dumps(document))
    assert "Credencial válida" in pasted.get_data(as_text=True)


def test_verify_page_checker_names_what_fails(cred_app, holder, make_user):
    admin = make_user(role="admin")
    with cred_app.app_context():
        document = services.credential_document(_certificate(holder[1]))
    client = cred_app.test_client()
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["name"] = "Ana Pérez Núñes"
    html = _check(client, changed).get_data(as_text=True)
    assert "Credencial no válida" in html and "Firma: no coincide." in html
    extra = copy.deepcopy(document)
    extra["credentialSubject"]["horasCronologicas"] = 2
    html = _check(client, extra).get_data(as_text=True)
    assert "Firma: no vale." in html and "horasCronologicas" in html
    with cred_app.app_context():
        _revoke(holder[1], admin.id)
    html = _check(client, document).get_data(as_text=True)
    assert "Credencial no válida" in html
    assert "Firma: correcta." in html and "Estado: revocado." in html


def test_verify_page_checker_refuses_a_foreign_key_and_bad_input(cred_app, holder, key_file):
    with cred_app.app_context():
        certificate = _certificate(holder[1])
        document = services.credential_document(certificate)
    ours = key_file.read_bytes()
    key_file.unlink()
    with cred_app.app_context():
        keys.create_key()  # another issuer's key signs a copy
        forged = services.signed_credential(
            certificate, keys.signing_key(), services.credential_of(certificate).status_index
        )
    key_file.write_bytes(ours)
    client = cred_app.test_client()
    html = _check(client, forged).get_data(as_text=True)
    assert "Firma: correcta." in html and "Clave del emisor: desconocida." in html
    assert "Credencial no válida" in html
    assert "Credencial válida" in _check(client, document).get_data(as_text=True)
    empty = _check(client)
    assert empty.status_code == 400
    assert "Elige el archivo de la credencial o pega su texto." in empty.text
    not_json = _check(client, text="esto no es json")
    assert not_json.status_code == 400 and "el texto no es JSON" in not_json.text
    assert "No pudimos leer esta credencial" in _check(client, text='{"a": 1}').text


# --- the issuer's DID and key rotation ---------------------------------------------------


def test_did_web_document_keeps_old_keys_after_rotation(make_app, tmp_path, make_user, places):
    application = make_app(
        CREDENTIAL_KEYS_FILE=str(tmp_path / "keys.json"),
        PUBLIC_BASE_URL="https://aula.example.cl:8443",
    )
    runner = application.test_cli_runner()
    assert "Created key-1" in runner.invoke(args=["credentials", "create-key"]).output
    assert "nothing changed" in runner.invoke(args=["credentials", "create-key"]).output
    user = make_user()
    with application.app_context():
        old = services.credential_document(finish_course(user.id))
    assert old["issuer"]["id"] == "did:web:aula.example.cl%3A8443"
    assert old["proof"]["verificationMethod"] == "did:web:aula.example.cl%3A8443#key-1"
    assert "key-2" in runner.invoke(args=["credentials", "rotate-key"]).output
    stored = json.loads((tmp_path / "keys.json").read_text())
    assert ["secretKeyMultibase" in k for k in stored["keys"]] == [False, True]
    assert (tmp_path / "keys.json").stat().st_mode & 0o077 == 0
    client = application.test_client()
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    document = did.get_json()
    assert document["id"] == "did:web:aula.example.cl%3A8443"
    assert [m["id"] for m in document["verificationMethod"]] == [
        "did:web:aula.example.cl%3A8443#key-1",
        "did:web:aula.example.cl%3A8443#key-2",
    ]
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert all(m["type"] == "Multikey" for m in document["verificationMethod"])
    assert client.get("/did.json").get_json() == document  # did:web under a path prefix
    with application.app_context():
        report = services.check_credential(old)
        assert (report.signature, report.issuer_key, report.status) == (True, True, "valid")
        for purpose in ("revocation", "suspension"):
            newer = services.status_list_credential(purpose)
            assert newer["proof"]["verificationMethod"].endswith("#key-2")


def test_without_a_key_nothing_is_served(app, client):
    assert client.get("/.well-known/did.json").status_code == 404
    assert client.get("/credenciales/estado/revocacion").status_code == 404
    assert client.get("/credenciales/estado/suspension").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(CertificateCredential)).all() == []


# --- concurrency -------------------------------------------------------------------------


def test_concurrent_issuing_gives_each_credential_its_own_index(
    cred_app, make_app, make_user, key_file
):
    threads_n = 4
    keyless = make_app(CREDENTIAL_KEYS_FILE=str(key_file.with_name("none.json")))
    with keyless.app_context():
        ids = [finish_course(make_user().id).id for _ in range(threads_n)]
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker(certificate_id: int) -> None:
        try:
            with cred_app.app_context():
                certificate = _certificate(certificate_id)
                barrier.wait(timeout=10)
                services.issue_credential(certificate)
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    with cred_app.app_context():
        rows = db.session.scalars(select(CertificateCredential)).all()
        assert sorted(r.status_index for r in rows) == list(range(threads_n))
        for row in rows:
            entries = json.loads(row.credential_json)["credentialStatus"]
            assert {e["statusListIndex"] for e in entries} == {str(row.status_index)}


def test_my_certificates_links_each_credential(cred_app, holder, client_as, make_user):
    user, certificate_id = holder
    page = client_as(user, cred_app).get("/mis-certificados").text
    assert f'href="/certificados/{certificate_id}/credencial.json"' in page
    assert 'href="/ayuda/credencial"' in page
    admin = make_user(role="admin")
    with cred_app.app_context():
        _revoke(certificate_id, admin.id)
    page = client_as(user, cred_app).get("/mis-certificados").text
    assert "credencial.json" not in page


def test_help_page_explains_the_credential(client):
    page = client.get("/ayuda/credencial")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tu credencial digital (Open Badges 3.0)" in html
    assert 'href="/verificar/credencial"' in html
    assert "mientras está suspendido" in html and "la revocación es definitiva" in html
    assert "se restablece" not in html
