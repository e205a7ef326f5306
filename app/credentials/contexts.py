"""The JSON-LD contexts the app ships, and a document loader that serves only those.

Nothing is fetched from the network when signing or verifying: a URL the loader does not
hold is refused, so a credential naming any other context cannot be processed at all.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pyld.jsonld import JsonLdError

FOLDER = Path(__file__).resolve().parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
}


@cache
def _read(name: str) -> dict:
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


def shipped() -> dict[str, dict]:
    """{context URL: document} for every context the app holds."""
    return {url: _read(name) for url, name in FILES.items()}


def make_loader(extra: dict[str, dict] | None = None):
    """A pyld document loader serving the shipped contexts (and EXTRA), refusing all else."""
    documents = {**shipped(), **(extra or {})}

    def load(url: str, _options=None) -> dict:
        document = documents.get(url)
        if document is None:
            raise JsonLdError(
                f"Refused to load {url}: only the contexts shipped with the app are used.",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(json.dumps(document)),
        }

    return load
