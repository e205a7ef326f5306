"""Every page, as every role that can see it, has no axe-core WCAG 2.2 A/AA violation."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_failures, check_page
from tests.browser.pages import PAGES

CASES = [(page, role) for page in PAGES for role in page.roles]


@pytest.mark.parametrize(("entry", "role"), CASES, ids=[f"{p.label}-{r}" for p, r in CASES])
def test_page_has_no_axe_violations(role_contexts, scenario, entry, role):
    context = role_contexts[role]
    page = context.new_page()
    try:
        check_page(page, entry.url(scenario))
    finally:
        page.close()


@pytest.mark.parametrize(
    ("url", "status"),
    [("/no-existe", 404), ("/cursos/no-existe/", 404), ("/_pruebas/error", 500)],
)
def test_error_pages_have_no_axe_violations(role_contexts, url, status):
    page = role_contexts["anonymous"].new_page()
    try:
        check_page(page, url, expected_status=status)
        assert page.locator("h1").count() == 1
    finally:
        page.close()


def test_forms_with_errors_have_no_axe_violations(role_contexts):
    page = role_contexts["anonymous"].new_page()
    try:
        page.goto("/ingresar")
        page.click("button[type=submit]:has-text('Ingresar')")
        assert page.locator(".error-summary").count() == 1
        failures = axe_failures(page, "login form with errors")
        assert not failures, "\n".join(failures)
    finally:
        page.close()
