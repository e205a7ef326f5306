"""The certificate PDF keeps its text and layout (issue 20 §5: build_pdf split into named parts).

tests/fixtures/certificate-pdf-layout.json holds what the PDFs of a few fixed certificates
showed before the split: every text run with its position, size and weight, every line,
rectangle, colour and image placement, the link, the metadata, the language, the QR code's
alternative text and the attached files. fpdf2 writes the same bytes for the same input (the
creation date is the certificate's issue time), so any change to what a reader sees or a
screen reader reads shows here. To record a deliberate change of the certificate's design, run
this file with AULA_WRITE_PDF_LAYOUT=1 and review the diff of the JSON.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from app.certificates.models import Certificate
from app.certificates.pdf import build_pdf

GOLDEN = Path(__file__).parents[1] / "fixtures" / "certificate-pdf-layout.json"
VERIFY_URL = "https://aula.example/verificar/ABCD1234EFGH5678JKMN9012PQRS"
DRAWING = {b"w", b"J", b"RG", b"rg", b"re", b"S", b"cm", b"Do", b"Tf", b"Td", b"q", b"Q"}


def _certificate(**changes) -> Certificate:
    fields = {
        "code": "ABCD1234EFGH5678JKMN9012PQRS",
        "course_slug": "cooperativismo",
        "course_version": "abc123def456",
        "holder_name": "María José Pérez Soto",
        "course_title": "Cooperativismo básico",
        "hours": 1.5,
        "completed_on": date(2026, 11, 30),
        "municipality_name": "Monte Patria",
        "issuer_name": "",
        "issued_at": datetime(2026, 12, 1, 14, 5, 0),
    }
    return Certificate(**{**fields, **changes})


CASES = {
    "network, with municipality": (_certificate(), ()),
    "course team, no municipality, one hour": (
        _certificate(issuer_name="Incubadora de Quillota", municipality_name="", hours=1),
        (),
    ),
    "long names that wrap": (
        _certificate(holder_name="Ana " * 30, course_title="Un título muy largo " * 8),
        (),
    ),
    "with the credential attached": (
        _certificate(),
        (("credencial.json", b'{"type": "OpenBadgeCredential"}', "Credencial Open Badges"),),
    ),
}


def _number(value):
    return round(float(value), 2) if isinstance(value, int | float) else str(value)


def _alt_texts(node) -> list[str]:
    node = node.get_object() if hasattr(node, "get_object") else node
    found = []
    if isinstance(node, dict):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        found += _alt_texts(node.get("/K", []))
    elif isinstance(node, list):
        for child in node:
            found += _alt_texts(child)
    return found


def layout(data: bytes) -> dict:
    """What a reader sees and a screen reader reads of the one-page PDF DATA."""
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    texts = []

    def visit(text, _cm, tm, font, size):
        if text.strip():
            weight = "bold" if font and "Bold" in str(font.get("/BaseFont")) else "regular"
            texts.append([text, _number(tm[4]), _number(tm[5]), _number(size), weight])

    page.extract_text(visitor_text=visit)
    drawing = [
        [operator.decode(), [_number(v) for v in operands]]
        for operands, operator in ContentStream(page.get_contents(), reader).operations
        if operator in DRAWING
    ]
    links = [
        [[_number(v) for v in a.get_object()["/Rect"]], str(a.get_object()["/A"]["/URI"])]
        for a in page.get("/Annots") or []
    ]
    root = reader.trailer["/Root"]
    return {
        "page": [_number(v) for v in page.mediabox],
        "texts": texts,
        "drawing": drawing,
        "links": links,
        "metadata": {key: str(value) for key, value in (reader.metadata or {}).items()},
        "language": str(root.get("/Lang")),
        "display_title": bool(root["/ViewerPreferences"]["/DisplayDocTitle"]),
        "alt_texts": _alt_texts(root.get("/StructTreeRoot", {})),
        "attachments": {
            name: [hashlib.sha256(content).hexdigest() for content in contents]
            for name, contents in reader.attachments.items()
        },
    }


def _layouts() -> dict:
    return {
        name: layout(build_pdf(certificate, VERIFY_URL, attachments))
        for name, (certificate, attachments) in CASES.items()
    }


def test_the_certificate_pdf_shows_and_says_what_it_did_before_the_split():
    found = _layouts()
    if os.environ.get("AULA_WRITE_PDF_LAYOUT"):
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", "utf-8")
        pytest.skip(f"wrote {GOLDEN}")
    expected = json.loads(GOLDEN.read_text("utf-8"))
    assert list(found) == list(expected)
    for name in expected:
        for part in expected[name]:
            assert found[name][part] == expected[name][part], f"{name}: {part} changed"


def test_the_same_certificate_gives_the_same_bytes():
    certificate, attachments = CASES["with the credential attached"]
    first = build_pdf(certificate, VERIFY_URL, attachments)
    assert build_pdf(certificate, VERIFY_URL, attachments) == first
