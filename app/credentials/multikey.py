"""Ed25519 keys as Multikey strings (base58btc multibase) and as did:key identifiers."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# Multicodec prefixes (varint): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


class KeyFormatError(ValueError):
    """A string that is not the multibase key it claims to be."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise KeyFormatError(f"not base58btc: {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode(text: str) -> bytes:
    """The bytes of a base58btc multibase string ('z...')."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise KeyFormatError("a multibase value must start with 'z' (base58btc)")
    return b58decode(text[1:])


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_multikey(key: Ed25519PublicKey) -> str:
    return "z" + b58encode(ED25519_PUB + _raw_public(key))


def secret_multikey(key: Ed25519PrivateKey) -> str:
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + b58encode(ED25519_PRIV + seed)


def read_public_multikey(text: str) -> Ed25519PublicKey:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(ED25519_PUB):
        raise KeyFormatError("not an Ed25519 public Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def read_secret_multikey(text: str) -> Ed25519PrivateKey:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(ED25519_PRIV):
        raise KeyFormatError("not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def did_key(public: Ed25519PublicKey) -> str:
    """did:key of PUBLIC (the DID is the Multikey itself)."""
    return "did:key:" + public_multikey(public)


def did_key_method(public: Ed25519PublicKey) -> str:
    """The verification method id of a did:key: the DID, '#', the Multikey."""
    multikey = public_multikey(public)
    return f"did:key:{multikey}#{multikey}"


def did_key_public(verification_method: str) -> Ed25519PublicKey | None:
    """The public key a did:key verification method names, None if it is no did:key."""
    if not verification_method.startswith("did:key:"):
        return None
    multikey = verification_method[len("did:key:") :].split("#", 1)[0]
    try:
        return read_public_multikey(multikey)
    except (KeyFormatError, ValueError):
        return None
