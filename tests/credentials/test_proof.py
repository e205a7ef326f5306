"""The signer against the W3C eddsa-rdfc-2022 test vector, and the undefined-term guard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld.jsonld import JsonLdError

from app.credentials import proof
from app.credentials.contexts import make_loader
from app.credentials.guard import UndefinedTerms, check_terms, undefined_terms
from app.credentials.multikey import (
    public_multikey,
    read_public_multikey,
    read_secret_multikey,
    secret_multikey,
)

pytestmark = pytest.mark.nodb

VECTORS = Path(__file__).resolve().parent / "vectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def _json(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loader():
    return make_loader({EXAMPLES_V2: _json("examples-v2.jsonld")})


def test_multikeys_round_trip_the_vector_key_pair():
    pair = _json("keyPair.json")
    secret = read_secret_multikey(pair["privateKeyMultibase"])
    assert secret_multikey(secret) == pair["privateKeyMultibase"]
    assert public_multikey(secret.public_key()) == pair["publicKeyMultibase"]
    assert (
        public_multikey(read_public_multikey(pair["publicKeyMultibase"]))
        == (pair["publicKeyMultibase"])
    )


def test_canonical_form_matches_the_vector(loader):
    unsigned = _json("unsigned.json")
    assert proof.canonize(unsigned, loader) == (VECTORS / "canonDocDataInt.txt").read_text()
    config = _json("proofConfigDataInt.json")
    assert proof.canonize(config, loader) == (VECTORS / "proofCanonDataInt.txt").read_text()


def test_signer_reproduces_the_w3c_proof_value_byte_for_byte(loader):
    pair = _json("keyPair.json")
    config = _json("proofConfigDataInt.json")
    expected = _json("signedDataInt.json")
    signed = proof.sign(
        _json("unsigned.json"),
        read_secret_multikey(pair["privateKeyMultibase"]),
        config["verificationMethod"],
        loader,
        created=config["created"],
    )
    assert signed == expected
    assert signed["proof"]["proofValue"].encode() == expected["proof"]["proofValue"].encode()


def test_verify_accepts_the_vector_and_rejects_any_change(loader):
    pair = _json("keyPair.json")
    public = read_public_multikey(pair["publicKeyMultibase"])
    signed = _json("signedDataInt.json")
    assert proof.verify(signed, public, loader)
    changed = json.loads(json.dumps(signed))
    changed["credentialSubject"]["alumniOf"] = "The School of Exampleз"
    assert not proof.verify(changed, public, loader)


def test_loader_refuses_urls_it_does_not_hold(loader):
    with pytest.raises(JsonLdError, match="Refused to load https://example.org/other-context"):
        loader("https://example.org/other-context")
    document = {**_json("unsigned.json"), "@context": ["https://example.org/other-context"]}
    with pytest.raises(JsonLdError):
        proof.canonize(document, loader)


def test_guard_names_undefined_properties_and_types():
    loader = make_loader()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "MadeUpCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"name": "Ana", "favouriteColour": "verde"},
    }
    assert undefined_terms(document, loader) == ["MadeUpCredential", "favouriteColour"]
    with pytest.raises(UndefinedTerms) as caught:
        check_terms(document, loader)
    assert caught.value.terms == ["MadeUpCredential", "favouriteColour"]
    document["type"] = ["VerifiableCredential"]
    del document["credentialSubject"]["favouriteColour"]
    assert undefined_terms(document, loader) == []


def test_open_badges_context_defines_the_identity_object_terms_we_use():
    loader = make_loader()
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:1", "type": ["Profile"], "name": "REFICOOP"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Ana",
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "nationalIdentityNumber",
                    "hashed": True,
                    "identityHash": "sha256$00",
                    "salt": "ab",
                }
            ],
            "achievement": {
                "id": "https://aula.example.cl/cursos/x/",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": "Curso",
                "criteria": {"narrative": "Completó las lecciones."},
                "inLanguage": "es-CL",
                "version": "abc",
            },
        },
    }
    assert undefined_terms(document, loader) == []
    # A term of another type's scope is not defined here: the guard sees it.
    document["credentialSubject"]["identifier"][0]["achievementType"] = "Course"
    document["credentialSubject"]["achievement"]["rut"] = "12345678-5"
    assert undefined_terms(document, loader) == ["achievementType", "rut"]
