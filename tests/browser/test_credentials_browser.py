"""The credential checker and help pages in a real browser: axe in every state, 320 px reflow."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.credentials.contexts import make_loader
from app.credentials.multikey import did_key, did_key_method
from app.credentials.proof import sign
from tests.browser.axe import BEST_PRACTICE_OPTIONS, WCAG_OPTIONS, axe, describe


def _no_violations(page) -> None:
    for options in (WCAG_OPTIONS, BEST_PRACTICE_OPTIONS):
        violations = axe.run(page, options=options).response["violations"]
        assert not violations, describe(violations)


def _foreign_credential() -> str:
    """A well-formed credential signed by a key that is not this site's."""
    key = Ed25519PrivateKey.generate()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did_key(key.public_key()),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"name": "Persona de prueba"},
    }
    return json.dumps(sign(document, key, did_key_method(key.public_key()), make_loader()))


def _submit(page, text: str) -> None:
    page.goto("/verificar/credencial")
    if text:
        page.fill("#texto", text)
    page.click("button[type=submit]:has-text('Verificar credencial')")
    page.wait_for_load_state()


def test_checker_states_have_no_axe_violations(role_contexts):
    page = role_contexts["anonymous"].new_page()
    try:
        _submit(page, "")
        assert page.locator(".error-summary").count() == 1
        _no_violations(page)
        _submit(page, '{"no": "es una credencial"}')
        assert page.locator("h2:has-text('No pudimos leer esta credencial')").count() == 1
        _no_violations(page)
        _submit(page, _foreign_credential())
        assert page.locator("h2:has-text('Credencial no válida')").count() == 1
        assert page.locator("li:has-text('Clave del emisor: desconocida.')").count() == 1
        _no_violations(page)
    finally:
        page.close()


@pytest.mark.parametrize("url", ["/verificar/credencial", "/ayuda/credencial"])
def test_credential_pages_reflow_at_320px(role_contexts, url):
    page = role_contexts["participant"].new_page()
    try:
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        page.close()
