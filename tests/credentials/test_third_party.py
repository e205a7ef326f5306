"""Digital Bazaar's verifier (npm, offline) accepts our credentials and reads both lists."""

from __future__ import annotations

import copy

from app.accounts.models import User
from app.certificates import services as certs
from app.certificates.models import Certificate
from app.credentials import services
from app.extensions import db
from tests.credentials.helpers import status_lists, third_party_verify

VALID = [{"purpose": "revocation", "set": False}, {"purpose": "suspension", "set": False}]
SUSPENDED = [{"purpose": "revocation", "set": False}, {"purpose": "suspension", "set": True}]
REVOKED = [{"purpose": "revocation", "set": True}, {"purpose": "suspension", "set": False}]


def _documents(cred_app, certificate_id):
    with cred_app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        return services.credential_document(certificate), status_lists()


def _act(cred_app, change, admin_id, certificate_id, *args) -> None:
    with cred_app.app_context():
        change(db.session.get(User, admin_id), db.session.get(Certificate, certificate_id), *args)
        db.session.commit()


def test_third_party_verifier_accepts_ours_and_rejects_a_changed_name(cred_app, holder, tmp_path):
    credential, status = _documents(cred_app, holder[1])
    result = third_party_verify(tmp_path, credential, status)
    assert result == {"verified": True, "errors": [], "status": VALID}
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["name"] = "Ana Pérez Núñes"  # one character
    result = third_party_verify(tmp_path, changed, status)
    assert result["verified"] is False
    assert any("Invalid signature" in e for e in result["errors"]), result


def test_third_party_verifier_reports_revocation_once_the_bit_is_set(
    cred_app, holder, make_user, tmp_path
):
    admin = make_user(role="admin")
    credential, before = _documents(cred_app, holder[1])
    _act(cred_app, certs.revoke_certificate, admin.id, holder[1], "Emitido por error.")
    _credential, after = _documents(cred_app, holder[1])
    assert third_party_verify(tmp_path, credential, before)["status"] == VALID
    assert third_party_verify(tmp_path, credential, after)["status"] == REVOKED


def test_third_party_verifier_follows_a_suspension_and_its_lifting(
    cred_app, holder, make_user, tmp_path
):
    admin = make_user(role="admin")
    credential, _lists = _documents(cred_app, holder[1])
    _act(cred_app, certs.suspend_certificate, admin.id, holder[1], "Asistencia en revisión.")
    _same, suspended = _documents(cred_app, holder[1])
    result = third_party_verify(tmp_path, credential, suspended)
    assert result == {"verified": True, "errors": [], "status": SUSPENDED}
    _act(cred_app, certs.lift_suspension, admin.id, holder[1], "Asistencia confirmada.")
    _same, lifted = _documents(cred_app, holder[1])
    assert third_party_verify(tmp_path, credential, lifted)["status"] == VALID
