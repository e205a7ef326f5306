"""Certificate pages in a real browser: the not-found answer, error forms, suspension, print and
reflow."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.axe import (
    BEST_PRACTICE_OPTIONS,
    WCAG_OPTIONS,
    axe,
    axe_and_reflow,
    check_page,
    describe,
)


def test_not_found_verification_has_no_axe_violations(role_contexts):
    page = role_contexts["anonymous"].new_page()
    try:
        check_page(page, "/verificar/0000-0000-0000-0000-0000-0000-0000", expected_status=404)
        assert page.locator("h1").count() == 1
        check_page(page, "/verificar?codigo=no-es-un-codigo", expected_status=404)
    finally:
        page.close()


def test_verification_form_with_errors_has_no_axe_violations(role_contexts):
    page = role_contexts["anonymous"].new_page()
    try:
        page.goto("/verificar")
        page.click("button[type=submit]:has-text('Verificar')")
        assert page.locator(".error-summary").count() == 1
        for options in (WCAG_OPTIONS, BEST_PRACTICE_OPTIONS):
            violations = axe.run(page, options=options).response["violations"]
            assert not violations, describe(violations)
    finally:
        page.close()


def test_typing_a_code_finds_the_certificate(role_contexts, scenario):
    page = role_contexts["anonymous"].new_page()
    try:
        page.goto("/verificar")
        page.fill("#codigo", scenario.ids["certificate_code"].replace("-", " ").lower())
        page.click("button[type=submit]:has-text('Verificar')")
        assert page.locator("h2:has-text('Certificado válido')").count() == 1
    finally:
        page.close()


def test_revoke_form_with_errors_has_no_axe_violations(role_contexts, scenario):
    page = role_contexts["admin"].new_page()
    try:
        page.goto(f"/admin/certificados/{scenario.ids['certificate']}")
        page.click("button[type=submit]:has-text('Revocar el certificado')")
        assert page.locator(".error-summary").count() == 1
        for options in (WCAG_OPTIONS, BEST_PRACTICE_OPTIONS):
            violations = axe.run(page, options=options).response["violations"]
            assert not violations, describe(violations)
    finally:
        page.close()


def _send_with_keyboard(page, button: str, reason: str | None, prefix: str) -> None:
    """Fill the reason, tick the confirmation and press BUTTON, all from the keyboard."""
    if reason is not None:
        page.focus(f"#{prefix}-reason")
        page.keyboard.type(reason)
        page.focus(f"#{prefix}-confirm")
        page.keyboard.press("Space")
    page.focus(f"button[type=submit]:has-text('{button}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_suspending_and_lifting_by_keyboard_every_state_passes_axe_at_320px(
    role_contexts, scenario
):
    """Suspend, see it on the public page, lift: errors, states and pages are axe-clean and
    reflow at 320 px. The certificate is valid again at the end (the scenario is shared)."""
    manage = f"/admin/certificados/{scenario.ids['certificate']}"
    verify = f"/verificar/{scenario.ids['certificate_code']}"
    page = role_contexts["admin"].new_page()
    visitor = role_contexts["anonymous"].new_page()
    failures: list[str] = []
    try:
        page.goto(manage)
        _send_with_keyboard(page, "Suspender el certificado", None, "suspend")
        assert page.locator(".error-summary a[href='#suspend-reason']").count() == 1
        failures += axe_and_reflow(page, "suspension form with errors")
        _send_with_keyboard(page, "Suspender el certificado", "Asistencia en revisión.", "suspend")
        assert page.locator(".status-suspended").count() == 1
        failures += axe_and_reflow(page, "manage (suspended)")
        visitor.goto(verify)
        assert visitor.locator("h2:has-text('Certificado suspendido')").count() == 1
        assert visitor.locator("text=Asistencia en revisión.").count() == 1
        failures += axe_and_reflow(visitor, "verify (suspended)")
        _send_with_keyboard(page, "Levantar la suspensión", None, "lift")
        assert page.locator(".error-summary a[href='#lift-reason']").count() == 1
        failures += axe_and_reflow(page, "lift form with errors")
        _send_with_keyboard(page, "Levantar la suspensión", "Asistencia confirmada.", "lift")
        assert page.locator(".status-done").count() == 1
        visitor.goto(verify)
        assert visitor.locator("h2:has-text('Certificado válido')").count() == 1
    finally:
        page.close()
        visitor.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_certificate_page_prints_on_one_sheet(role_contexts, scenario, paper):
    page = role_contexts["participant"].new_page()
    try:
        page.goto(f"/certificados/{scenario.ids['certificate']}")
        page.emulate_media(media="print")
        data = page.pdf(format=paper, prefer_css_page_size=True, print_background=True)
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1
        text = " ".join(reader.pages[0].extract_text().split())
        assert "Certificado" in text and scenario.ids["certificate_code"] in text
        assert "Cerrar sesión" not in text and "Descargar PDF" not in text  # chrome hidden
    finally:
        page.close()


@pytest.mark.parametrize(
    "url",
    ["/certificados/{certificate}", "/mis-certificados"],
)
def test_certificate_pages_reflow_at_320px(role_contexts, scenario, url):
    page = role_contexts["participant"].new_page()
    try:
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(url.format(**scenario.ids))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        page.close()
