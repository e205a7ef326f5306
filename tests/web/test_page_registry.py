"""The browser suite's page list covers every GET route of the app."""

from tests.browser.pages import EXCLUDED, PAGES


def test_every_get_route_is_in_the_accessibility_suite(app):
    listed = {page.endpoint for page in PAGES} | set(EXCLUDED)
    missing = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in listed
    )
    assert not missing, f"add these pages to tests/browser/pages.py: {missing}"
