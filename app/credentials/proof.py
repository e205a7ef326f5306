"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA).

Both the document and the proof options are canonicalised with RDF Dataset Canonicalization
(RDFC-1.0, which pyld calls URDNA2015) and hashed with SHA-256; the Ed25519 signature covers
hash(proof options) followed by hash(document).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from app.credentials.multikey import KeyFormatError, b58encode, multibase_decode

CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """A proof that is missing, malformed or not made with this cryptosuite."""


def canonize(document: dict, loader) -> str:
    """DOCUMENT as canonical N-Quads (RDFC-1.0)."""
    return jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )


def _hash_data(document: dict, options: dict, loader) -> bytes:
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {**{k: v for k, v in options.items() if k != "proofValue"}}
    config["@context"] = unsigned.get("@context")
    config_hash = hashlib.sha256(canonize(config, loader).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonize(unsigned, loader).encode("utf-8")).digest()
    return config_hash + document_hash


def timestamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: dict,
    key: Ed25519PrivateKey,
    verification_method: str,
    loader,
    created: str | None = None,
) -> dict:
    """A copy of DOCUMENT with a DataIntegrityProof made by KEY."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created or timestamp(),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options, loader))
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    return {**unsigned, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def proof_of(document: dict) -> dict:
    """The one eddsa-rdfc-2022 proof of DOCUMENT; ProofError otherwise."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("the document has no single proof")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("the proof is not a DataIntegrityProof with eddsa-rdfc-2022")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("the proof's purpose is not assertionMethod")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("the proof names no verification method")
    return proof


def verify(document: dict, key: Ed25519PublicKey, loader) -> bool:
    """True when DOCUMENT's proof is a valid signature by KEY over what it states."""
    proof = proof_of(document)
    try:
        signature = multibase_decode(proof.get("proofValue", ""))
    except KeyFormatError:
        return False
    try:
        key.verify(signature, _hash_data(document, proof, loader))
    except InvalidSignature:
        return False
    return True
