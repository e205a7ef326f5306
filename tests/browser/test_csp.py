"""The CSP check itself: a page that breaks the policy is caught (so silence means something)."""

from __future__ import annotations

from tests.browser.axe import csp_reports


def test_a_csp_violation_is_reported(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    try:
        reports = csp_reports(page)
        page.goto("/")
        # Inline script is refused by the page's policy, and the console says so.
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.x = 1'; document.body.appendChild(s); }"
        )
        page.wait_for_timeout(200)
        assert reports, "the CSP violation was not reported"
        assert page.evaluate("window.x") is None
    finally:
        context.close()
