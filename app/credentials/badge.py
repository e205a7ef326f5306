"""What a certificate's OpenBadgeCredential states (Open Badges 3.0 on VC 2.0), unsigned.

The person is identified without email: a salted SHA-256 hash of the RUT, as OB 3.0's
IdentityObject describes ("sha256$" + hex of sha256(RUT + salt)), else the account's username.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from app.certificates.models import Certificate
from app.certificates.pdf import hours_text
from app.certificates.services import NETWORK_NAME
from app.content.model import Course
from app.credentials.contexts import OB_V3, VC_V2
from app.credentials.proof import timestamp


@dataclass(frozen=True)
class Facts:
    """What the credential says beyond the certificate's own snapshot."""

    base_url: str
    issuer: str  # the issuer's DID
    verify_url: str
    status_urls: dict[str, str]  # status purpose ('revocation', 'suspension') -> list URL
    status_index: int  # the same index in every list
    course: Course | None  # the version completed, when the store still has it
    passed_quiz_ids: frozenset[str]
    rut: str | None
    username: str | None
    team: str  # the team that made the course ("" for the network's own)


def rut_identifier(rut: str, salt: str) -> dict:
    digest = hashlib.sha256((rut + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "nationalIdentityNumber",
        "hashed": True,
        "identityHash": "sha256$" + digest,
        "salt": salt,
    }


def _identifiers(facts: Facts) -> list[dict]:
    if facts.rut:
        return [rut_identifier(facts.rut, secrets.token_hex(16))]
    if facts.username:
        return [
            {
                "type": "IdentityObject",
                "identityType": "userName",
                "hashed": False,
                "identityHash": facts.username,
            }
        ]
    return []


def criteria_narrative(certificate: Certificate, facts: Facts) -> str:
    """The lessons completed and the quizzes passed, named, in Spanish."""
    course = facts.course
    if course is None:
        return (
            f"Completó todas las lecciones del curso «{certificate.course_title}» y aprobó "
            "sus evaluaciones obligatorias."
        )
    lessons = [f"{les.number}. {les.title}" for les in course.lessons if les.kind != "quiz"]
    text = "Completó las lecciones: " + "; ".join(lessons) + "."
    passed = [q.title for qid, q in course.quizzes.items() if qid in facts.passed_quiz_ids]
    if passed:
        text += " Aprobó las evaluaciones: " + "; ".join(passed) + "."
    return text


def _description(certificate: Certificate, course: Course | None) -> str:
    parts = [course.summary.strip()] if course is not None and course.summary.strip() else []
    parts.append(f"Duración: {hours_text(certificate.hours)}.")
    if course is not None and course.level:
        parts.append(f"Nivel: {course.level}.")
    return " ".join(parts)


def _moment(value: datetime) -> str:
    return timestamp(value.replace(tzinfo=UTC) if value.tzinfo is None else value)


def build_credential(certificate: Certificate, facts: Facts) -> dict:
    """The unsigned OpenBadgeCredential of CERTIFICATE."""
    network = {"type": ["Profile"], "name": NETWORK_NAME, "url": facts.base_url}
    achievement = {
        "id": f"{facts.base_url}/cursos/{certificate.course_slug}/",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": certificate.course_title,
        "description": _description(certificate, facts.course),
        "criteria": {"narrative": criteria_narrative(certificate, facts)},
        "inLanguage": (facts.course.language if facts.course is not None else "") or "es-CL",
        "version": certificate.course_version,
        "creator": {"type": ["Profile"], "name": facts.team} if facts.team else network,
    }
    subject = {
        "type": ["AchievementSubject"],
        "name": certificate.holder_name,
        "identifier": _identifiers(facts),
        "achievement": achievement,
    }
    if not subject["identifier"]:
        del subject["identifier"]
    if certificate.municipality_name:
        subject["source"] = {
            "type": ["Profile"],
            "name": f"Incubadora de cooperativas de {certificate.municipality_name}",
            "parentOrg": network,
        }
    return {
        "@context": [VC_V2, OB_V3],
        "id": facts.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificado: {certificate.course_title}",
        "issuer": {"id": facts.issuer, **network},
        "validFrom": _moment(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": [
            {
                "id": f"{url}#{facts.status_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(facts.status_index),
                "statusListCredential": url,
            }
            for purpose, url in facts.status_urls.items()
        ],
    }
