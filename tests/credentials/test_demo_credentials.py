"""`flask demo` leaves every demo certificate with a credential the third party accepts,
and one revoked and one suspended, which it reports as such."""

from __future__ import annotations

from sqlalchemy import select

from app.certificates.models import Certificate
from app.credentials import services
from app.extensions import db
from tests.credentials.helpers import status_lists, third_party_verify_all


def test_every_demo_certificate_has_a_credential_that_verifies(cred_app, tmp_path):
    result = cred_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with cred_app.app_context():
        certificates = list(db.session.scalars(select(Certificate).order_by(Certificate.id)))
        assert len(certificates) >= 3
        documents = [services.credential_document(c) for c in certificates]
        assert all(documents)
        for certificate, document in zip(certificates, documents, strict=True):
            # Signed after the demo moved its dates: the credential states the certificate's.
            assert document["validFrom"].startswith(certificate.issued_at.strftime("%Y-%m-%dT"))
            report = services.check_credential(document)
            assert (report.signature, report.issuer_key) == (True, True)
            assert report.status == certificate.state
            # Made directly with an entry in each status list, at the same index.
            entries = document["credentialStatus"]
            assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
            assert len({e["statusListIndex"] for e in entries}) == 1
        states = [c.state for c in certificates]
        status = status_lists()
    results = third_party_verify_all(tmp_path, documents, status)
    assert all(r["verified"] and not r["errors"] for r in results), results
    assert [{s["purpose"]: s["set"] for s in r["status"]} for r in results] == [
        {"revocation": s == "revoked", "suspension": s == "suspended"} for s in states
    ]
    assert (states.count("revoked"), states.count("suspended")) == (1, 1)
