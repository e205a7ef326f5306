"""Bitstring Status List (W3C): the bits, their encoding and the list's credential.

Bit i is the i-th bit from the left of the uncompressed bitstring; the list is GZIP-compressed,
base64url-encoded without padding and prefixed 'u' (multibase). Lists are at least 16 KiB
(131,072 entries), as the specification asks, so one entry says little about who holds it.
"""

from __future__ import annotations

import base64
import gzip
import math

MIN_BITS = 131_072


def list_length(highest_index: int) -> int:
    """Bits needed to hold HIGHEST_INDEX, in whole lists of MIN_BITS."""
    return MIN_BITS * max(1, math.ceil((highest_index + 1) / MIN_BITS))


def encode(indexes: set[int], length: int = MIN_BITS) -> str:
    """The encodedList with the bits at INDEXES set."""
    bits = bytearray(length // 8)
    for index in indexes:
        if not 0 <= index < length:
            raise ValueError(f"status index {index} outside a list of {length}")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    """The uncompressed bitstring of ENCODED; ValueError when it is not one."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("an encodedList starts with 'u'")
    body = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return gzip.decompress(packed)
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError("not a GZIP-compressed base64url bitstring") from exc


def bit_at(bitstring: bytes, index: int) -> bool:
    if not 0 <= index < len(bitstring) * 8:
        raise ValueError(f"status index {index} outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    url: str, issuer: str, purpose: str, encoded: str, valid_from: str
) -> dict:
    """The unsigned BitstringStatusListCredential published at URL."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }
