"""Digital Bazaar's verifier (npm, offline) accepts our credentials and sees revocations."""

from __future__ import annotations

import copy

from app.certificates import services as certs
from app.certificates.models import Certificate
from app.credentials import services
from app.extensions import db
from tests.credentials.helpers import third_party_verify


def _documents(cred_app, certificate_id):
    with cred_app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        return (
            services.credential_document(certificate),
            {services.status_list_url(): services.status_list_credential()},
        )


def test_third_party_verifier_accepts_ours_and_rejects_a_changed_name(cred_app, holder, tmp_path):
    credential, status = _documents(cred_app, holder[1])
    result = third_party_verify(tmp_path, credential, status)
    assert result == {
        "verified": True,
        "errors": [],
        "status": [{"purpose": "revocation", "set": False}],
    }
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
    with cred_app.app_context():
        certs.revoke_certificate(
            db.session.get(type(admin), admin.id),
            db.session.get(Certificate, holder[1]),
            "Emitido por error.",
        )
        db.session.commit()
    _credential, after = _documents(cred_app, holder[1])
    assert third_party_verify(tmp_path, credential, before)["status"] == [
        {"purpose": "revocation", "set": False}
    ]
    result = third_party_verify(tmp_path, credential, after)
    assert result["status"] == [{"purpose": "revocation", "set": True}]
