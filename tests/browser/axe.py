"""axe-core runs, CSP console reports and a page check shared by the browser tests."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WCAG_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
BEST_PRACTICE_OPTIONS = {"resultTypes": ["violations"]}

axe = Axe()


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
    failures = axe_failures(page, url)
    assert not failures, "\n".join(failures)
    assert not reports, f"{url}: CSP violations: {reports}"


NARROW = {"width": 320, "height": 640}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def axe_failures(page, label: str) -> list[str]:
    """axe's violations (both rule sets) of the page as it is now, named by LABEL (empty:
    none)."""
    failures = []
    for options in (WCAG_OPTIONS, BEST_PRACTICE_OPTIONS):
        violations = axe.run(page, options=options).response["violations"]
        if violations:
            failures.append(f"{label}:\n{describe(violations)}")
    return failures


def reflow_failures(page, label: str) -> list[str]:
    """Sideways scrolling of the page at 320 px, named by LABEL (empty: none); the viewport
    is put back afterwards."""
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    failures = []
    if not page.evaluate(NO_HORIZONTAL_SCROLL):
        width = page.evaluate("document.documentElement.scrollWidth")
        failures.append(f"{label}: scrolls sideways at 320 px ({width}px wide)")
    page.set_viewport_size(size)
    return failures


def axe_and_reflow(page, label: str) -> list[str]:
    """axe's violations (both rule sets) and sideways scrolling at 320 px of the page as it is
    now, each named by LABEL (empty: none); the viewport is put back afterwards."""
    return axe_failures(page, label) + reflow_failures(page, label)
