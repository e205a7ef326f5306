"""Every page, as every role that can see it, has no axe-core WCAG 2.2 A/AA violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import PAGES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WCAG_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
BEST_PRACTICE_OPTIONS = {"resultTypes": ["violations"]}

axe = Axe()

CASES = [(page, role) for page in PAGES for role in page.roles]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


def csp_reports(page) -> list[str]:
    """Collect the console's Content-Security-Policy reports for PAGE (read after loading)."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return found


def check_page(page, url: str, expected_status: int | None = None) -> None:
    reports = csp_reports(page)
    response = page.goto(url)
    assert response is not None
    if expected_status is not None:
        assert response.status == expected_status, f"{url} answered {response.status}"
    else:
        assert response.status < 400 or url == "/no-existe", f"{url} answered {response.status}"
    for options in (WCAG_OPTIONS, BEST_PRACTICE_OPTIONS):
        results = axe.run(page, options=options)
        violations = results.response["violations"]
        assert not violations, f"{url}:\n{describe(violations)}"
    assert not reports, f"{url}: CSP violations: {reports}"


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
        for options in (WCAG_OPTIONS, BEST_PRACTICE_OPTIONS):
            violations = axe.run(page, options=options).response["violations"]
            assert not violations, describe(violations)
    finally:
        page.close()
