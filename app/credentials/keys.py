"""The issuer's signing keys, kept in a file outside the database, and its DID.

The file (`CREDENTIAL_KEYS_FILE`, by default `instance/credential-keys.json`, readable only by
its owner) lists every key the issuer has had, oldest first; only the newest keeps its secret
half. Old public keys stay listed, so the DID document keeps them and old credentials keep
verifying after a rotation.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from app.credentials.multikey import (
    did_key,
    did_key_method,
    public_multikey,
    read_public_multikey,
    read_secret_multikey,
    secret_multikey,
)
from app.credentials.proof import timestamp

DEV_BASE_URL = "http://127.0.0.1:5000"  # `make run` serves here when PUBLIC_BASE_URL is unset


class KeyFileError(RuntimeError):
    """The key file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class StoredKey:
    id: str  # "key-1", "key-2", ...
    created: str
    public: Ed25519PublicKey
    secret: Ed25519PrivateKey | None


def keys_path() -> Path:
    configured = current_app.config.get("CREDENTIAL_KEYS_FILE")
    return Path(configured or os.path.join(current_app.instance_path, "credential-keys.json"))


def read_keys() -> list[StoredKey]:
    """Every key in the file, oldest first; [] when there is no file yet."""
    path = keys_path()
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = []
        for entry in data["keys"]:
            secret = entry.get("secretKeyMultibase")
            keys.append(
                StoredKey(
                    id=entry["id"],
                    created=entry["created"],
                    public=read_public_multikey(entry["publicKeyMultibase"]),
                    secret=read_secret_multikey(secret) if secret else None,
                )
            )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a credential key file ({exc})") from exc
    return keys


def _write(path: Path, keys: list[StoredKey]) -> None:
    entries = []
    for key in keys:
        entry = {"id": key.id, "created": key.created, "publicKeyMultibase": ""}
        entry["publicKeyMultibase"] = public_multikey(key.public)
        if key.secret is not None:
            entry["secretKeyMultibase"] = secret_multikey(key.secret)
        entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"keys": entries}, handle, indent=2)
        handle.write("\n")
    os.replace(partial, path)


def create_key() -> StoredKey | None:
    """Create the first key; None (and nothing changed) when a key file already exists."""
    if read_keys():
        return None
    key = _new_key(1)
    _write(keys_path(), [key])
    return key


def rotate_key() -> StoredKey:
    """Add a new signing key; older keys keep only their public half."""
    keys = read_keys()
    if not keys:
        raise KeyFileError(f"{keys_path()}: no key to rotate; create one first")
    new = _new_key(len(keys) + 1)
    kept = [StoredKey(k.id, k.created, k.public, None) for k in keys]
    _write(keys_path(), [*kept, new])
    return new


def _new_key(number: int) -> StoredKey:
    secret = Ed25519PrivateKey.generate()
    return StoredKey(f"key-{number}", timestamp(), secret.public_key(), secret)


def signing_key() -> StoredKey | None:
    """The newest key if it can sign, else None (credentials are then not issued)."""
    keys = read_keys()
    if not keys or keys[-1].secret is None:
        return None
    return keys[-1]


# --- identity --------------------------------------------------------------------------


def base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or DEV_BASE_URL).rstrip("/")


def uses_did_key() -> bool:
    """Tests (and verifiers without our domain) use did:key instead of did:web."""
    return current_app.config.get("CREDENTIAL_DID_METHOD") == "key"


def web_did() -> str:
    """did:web of PUBLIC_BASE_URL (a port is written %3A, a path as ':' segments)."""
    parts = urlsplit(base_url())
    did = "did:web:" + quote(parts.netloc, safe="")
    for segment in [s for s in parts.path.split("/") if s]:
        did += ":" + quote(segment, safe="")
    return did


def issuer_did(key: StoredKey) -> str:
    return did_key(key.public) if uses_did_key() else web_did()


def verification_method(key: StoredKey) -> str:
    return did_key_method(key.public) if uses_did_key() else f"{web_did()}#{key.id}"


def public_key_for(method: str) -> Ed25519PublicKey | None:
    """The public key of ours that verification METHOD names (old keys too), else None."""
    for key in read_keys():
        if verification_method(key) == method:
            return key.public
    return None


def did_document() -> dict:
    """The DID document served at /.well-known/did.json: every key, old ones included."""
    did = web_did()
    methods = [
        {
            "id": f"{did}#{key.id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_multikey(key.public),
        }
        for key in read_keys()
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
