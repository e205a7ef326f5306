"""Issue, find and check certificates' Open Badges 3.0 credentials; publish the status list.

A credential is signed once, when its certificate is issued (or later by `flask certificates
credentials`), and kept as signed. Its status is not in the credential but in the status list,
made from the certificates table at each request, so revoking, suspending or lifting a
suspension changes what every verifier sees at once, and this site's verification page reads the
same bits. There are two lists, one per W3C status purpose: `revocation` (final) and `suspension`
(reversible); every credential has an entry in each, at the same index.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.certificates.models import Certificate
from app.certificates.services import format_code
from app.completion import passed_quiz_ids
from app.content.model import Course
from app.course_store import get_course_version
from app.credentials import keys, statuslist
from app.credentials.badge import Facts, build_credential
from app.credentials.contexts import make_loader
from app.credentials.guard import check_terms, undefined_terms
from app.credentials.models import CertificateCredential
from app.credentials.multikey import did_key_public
from app.credentials.proof import proof_of, sign, timestamp, verify
from app.events import certificate_attachments, certificate_issued
from app.extensions import db
from app.learning.models import Enrollment

log = logging.getLogger(__name__)
STATUS_PATHS = {
    "revocation": "/credenciales/estado/revocacion",
    "suspension": "/credenciales/estado/suspension",
}
INDEX_RETRIES = 5


def status_list_url(purpose: str) -> str:
    """The stable address of the status list of PURPOSE ('revocation' or 'suspension')."""
    return keys.base_url() + STATUS_PATHS[purpose]


def verify_url(certificate: Certificate) -> str:
    return f"{keys.base_url()}/verificar/{format_code(certificate.code)}"


def download_name(certificate: Certificate) -> str:
    return f"credencial-{certificate.course_slug}-{certificate.code[:4]}.json"


def credential_of(certificate: Certificate) -> CertificateCredential | None:
    return db.session.scalar(
        select(CertificateCredential).where(CertificateCredential.certificate_id == certificate.id)
    )


def downloadable_ids(certificate_ids: list[int]) -> set[int]:
    """Which of CERTIFICATE_IDS have a credential."""
    if not certificate_ids:
        return set()
    return set(
        db.session.scalars(
            select(CertificateCredential.certificate_id).where(
                CertificateCredential.certificate_id.in_(certificate_ids)
            )
        )
    )


def credential_document(certificate: Certificate) -> dict | None:
    """CERTIFICATE's signed credential as issued, None if it has none yet."""
    stored = credential_of(certificate)
    return json.loads(stored.credential_json) if stored is not None else None


def _facts(certificate: Certificate, key: keys.StoredKey, index: int, course) -> Facts:
    user = db.session.get(User, certificate.user_id) if certificate.user_id else None
    enrollment = (
        db.session.get(Enrollment, certificate.enrollment_id) if certificate.enrollment_id else None
    )
    if course is None or course.version != certificate.course_version:
        course = get_course_version(certificate.course_slug, certificate.course_version)
    passed = passed_quiz_ids(enrollment, course) if course and enrollment else set()
    return Facts(
        base_url=keys.base_url(),
        issuer=keys.issuer_did(key),
        verify_url=verify_url(certificate),
        status_urls={purpose: status_list_url(purpose) for purpose in STATUS_PATHS},
        status_index=index,
        course=course,
        passed_quiz_ids=frozenset(passed),
        rut=getattr(user, "rut", None) if user and user.anonymised_at is None else None,
        username=user.username if user and user.anonymised_at is None else None,
        team=certificate.issuer_name,
    )


def signed_credential(
    certificate: Certificate, key: keys.StoredKey, index: int, course: Course | None = None
) -> dict:
    """CERTIFICATE's credential at status INDEX, checked for undefined terms and signed."""
    document = build_credential(certificate, _facts(certificate, key, index, course))
    loader = make_loader()
    check_terms(document, loader)  # an undefined term would be shown but not signed
    return sign(document, key.secret, keys.verification_method(key), loader)


def issue_credential(
    certificate: Certificate, course: Course | None = None
) -> CertificateCredential | None:
    """Sign and keep CERTIFICATE's credential, once; None when no signing key is set up."""
    existing = credential_of(certificate)
    if existing is not None:
        return existing
    key = keys.signing_key()
    if key is None:
        log.warning("No credential signing key: run `flask credentials create-key`.")
        return None
    for _attempt in range(INDEX_RETRIES):
        highest = db.session.scalar(select(func.max(CertificateCredential.status_index)))
        index = 0 if highest is None else highest + 1
        document = signed_credential(certificate, key, index, course)
        stored = CertificateCredential(
            certificate_id=certificate.id,
            status_index=index,
            credential_json=json.dumps(document, ensure_ascii=False),
            verification_method=document["proof"]["verificationMethod"],
        )
        try:
            with db.session.begin_nested():
                db.session.add(stored)
        except IntegrityError:
            # Another process took this index, or issued this certificate's credential.
            existing = credential_of(certificate)
            if existing is not None:
                return existing
            continue
        return stored
    raise RuntimeError("could not allocate a status list index")


def resign(stored: CertificateCredential) -> None:
    """Sign STORED's certificate again at the same status index (the demo moves dates)."""
    key = keys.signing_key()
    certificate = db.session.get(Certificate, stored.certificate_id)
    document = signed_credential(certificate, key, stored.status_index)
    stored.credential_json = json.dumps(document, ensure_ascii=False)
    stored.verification_method = document["proof"]["verificationMethod"]


def certificates_without_credential() -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .outerjoin(
                CertificateCredential, CertificateCredential.certificate_id == Certificate.id
            )
            .where(CertificateCredential.id.is_(None))
            .order_by(Certificate.id)
        )
    )


def _our_entries(document: dict) -> list[dict]:
    """DOCUMENT's credentialStatus entries that point to this site's status lists."""
    entries = document.get("credentialStatus")
    entries = entries if isinstance(entries, list) else [entries]
    return [
        entry
        for entry in entries
        if isinstance(entry, dict)
        and entry.get("statusPurpose") in STATUS_PATHS
        and entry.get("statusListCredential") == status_list_url(entry["statusPurpose"])
    ]


def status_purposes(document: dict) -> set[str]:
    """The status purposes DOCUMENT has an entry for in this site's lists."""
    return {entry["statusPurpose"] for entry in _our_entries(document)}


def credentials_lacking_a_status() -> list[CertificateCredential]:
    """Stored credentials without an entry in every status list (signed before the
    suspension list existed)."""
    return [
        stored
        for stored in db.session.scalars(
            select(CertificateCredential).order_by(CertificateCredential.id)
        )
        if status_purposes(json.loads(stored.credential_json)) != set(STATUS_PATHS)
    ]


def _require_key() -> None:
    if keys.signing_key() is None:
        raise keys.KeyFileError(
            f"{keys.keys_path()}: no signing key; run `flask credentials create-key` first"
        )


def issue_missing() -> int:
    """Give every certificate without a credential its credential; how many were made."""
    _require_key()
    made = 0
    for certificate in certificates_without_credential():
        if issue_credential(certificate) is not None:
            made += 1
    return made


def complete_statuses() -> int:
    """Sign again, at their index, the credentials lacking a status list entry; how many."""
    _require_key()
    lacking = credentials_lacking_a_status()
    for stored in lacking:
        resign(stored)
    return len(lacking)


def sign_demo_credentials(refresh: bool) -> int:
    """Sign afresh (REFRESH: the demo moved its dates, else only those lacking a status entry)
    and issue every missing credential.

    Does nothing without a signing key (`make run` creates one before `flask demo`).
    """
    if keys.signing_key() is None:
        return 0
    if refresh:
        for stored in db.session.scalars(select(CertificateCredential)):
            resign(stored)
    else:
        complete_statuses()
    return issue_missing()


def _issue_on_certificate(_sender, *, certificate: Certificate, course: Course, **_extra) -> None:
    issue_credential(certificate, course)


def _pdf_attachment(_sender, *, certificate: Certificate, **_extra):
    document = credential_document(certificate)
    if document is None:
        return None
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return (
        download_name(certificate),
        data,
        "Credencial Open Badges 3.0 de este certificado, firmada",
    )


def connect() -> None:
    """Sign a credential whenever a certificate is issued, embed it in the PDF (create_app)."""
    certificate_issued.connect(_issue_on_certificate)
    certificate_attachments.connect(_pdf_attachment)


# --- status ------------------------------------------------------------------------------


def flagged_indexes(purpose: str) -> set[int]:
    """Status list indexes whose bit is set in the list of PURPOSE: revoked certificates'
    credentials for 'revocation', suspended ones' for 'suspension'."""
    column = {"revocation": Certificate.revoked_at, "suspension": Certificate.suspended_at}
    return set(
        db.session.scalars(
            select(CertificateCredential.status_index)
            .join(Certificate, Certificate.id == CertificateCredential.certificate_id)
            .where(column[purpose].is_not(None))
        )
    )


def _list_length() -> int:
    highest = db.session.scalar(select(func.max(CertificateCredential.status_index)))
    return statuslist.list_length(highest or 0)


def encoded_list(purpose: str) -> str:
    """The encodedList of the status list of PURPOSE, as it is now."""
    return statuslist.encode(flagged_indexes(purpose), _list_length())


def status_list_credential(purpose: str) -> dict | None:
    """The signed status list of PURPOSE served at its STATUS_PATHS, None without a key."""
    key = keys.signing_key()
    if key is None:
        return None
    document = statuslist.status_list_credential(
        status_list_url(purpose),
        keys.issuer_did(key),
        purpose,
        encoded_list(purpose),
        timestamp(),
    )
    return sign(document, key.secret, keys.verification_method(key), make_loader())


# --- checking a credential someone brings ------------------------------------------------


@dataclass
class CheckReport:
    """What the verification page says about a credential file."""

    readable: bool = True
    undefined: list[str] = field(default_factory=list)
    signature: bool | None = None  # None: not checked (no key of ours to check it with)
    issuer_key: bool = False
    status: str = "unknown"  # "valid", "suspended", "revoked", "unknown"
    certificate: Certificate | None = None
    document: dict | None = None

    @property
    def holds(self) -> bool:
        return bool(self.signature) and self.issuer_key and self.status == "valid"


def _issuer_id(document: dict) -> str | None:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _our_key(method: str):
    """(public key, whether it is one of this site's keys) for verification METHOD."""
    ours = keys.public_key_for(method)
    if ours is not None:
        return ours, True
    return did_key_public(method), False


def check_credential(document) -> CheckReport:
    """Check DOCUMENT's signature, that this site's key made it, and its status."""
    if not isinstance(document, dict) or not isinstance(document.get("proof"), dict):
        return CheckReport(readable=False)
    report = CheckReport(document=document)
    loader = make_loader()
    try:
        proof = proof_of(document)
        report.undefined = undefined_terms(document, loader)
    except Exception as exc:  # noqa: BLE001 - malformed JSON-LD of any kind is unreadable
        log.info("credential not checkable: %s", exc)
        return CheckReport(readable=False)
    method = proof["verificationMethod"]
    public, ours = _our_key(method)
    controller = method.split("#", 1)[0]
    report.issuer_key = ours and _issuer_id(document) == controller
    if public is not None and not report.undefined:
        try:
            report.signature = verify(document, public, loader)
        except Exception as exc:  # noqa: BLE001 - a document pyld cannot process is not valid
            log.info("credential signature not checkable: %s", exc)
            report.signature = False
    elif report.undefined:
        report.signature = False
    report.status, report.certificate = _status_of(document)
    return report


def _status_of(document: dict) -> tuple[str, Certificate | None]:
    """The status the lists give DOCUMENT's index, and its certificate.

    Any entry of this site's lists finds the index (the same in both), and both lists are read:
    a credential signed before the suspension list existed still shows a suspension here.
    """
    ours = _our_entries(document)
    if not ours:
        return "unknown", None
    try:
        indexes = {int(entry.get("statusListIndex")) for entry in ours}
    except (TypeError, ValueError):
        return "unknown", None
    if len(indexes) != 1:
        return "unknown", None
    (index,) = indexes
    stored = db.session.scalar(
        select(CertificateCredential).where(CertificateCredential.status_index == index)
    )
    if stored is None:
        return "unknown", None
    certificate = db.session.get(Certificate, stored.certificate_id)
    for purpose, state in (("revocation", "revoked"), ("suspension", "suspended")):
        if statuslist.bit_at(statuslist.decode(encoded_list(purpose)), index):
            return state, certificate
    return "valid", certificate
