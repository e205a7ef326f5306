"""Static files: fingerprinted URLs (content hash) and immutable caching of versioned URLs."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from app.web.static import IMMUTABLE

pytestmark = pytest.mark.nodb


@pytest.fixture
def static_app(make_app, tmp_path):
    """An app whose static folder is a copy we may edit."""
    application = make_app()
    folder = tmp_path / "static"
    shutil.copytree(application.static_folder, folder)
    application.static_folder = str(folder)
    return application, folder


def _css_href(html: str) -> str:
    match = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert match, "no stylesheet link"
    return match.group(1).replace("&amp;", "&")


def test_pages_link_the_fingerprinted_stylesheet(client):
    href = _css_href(client.get("/").get_data(as_text=True))
    assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", href)


def test_versioned_url_is_cached_for_a_year_and_immutable(client):
    href = _css_href(client.get("/").get_data(as_text=True))
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.mimetype == "text/css"
    assert b"font-face" in response.data


def test_every_url_in_the_stylesheet_carries_its_files_current_hash(client, app):
    """The CSS names its fonts with ?v=<hash> (written in app.css: it is a static file); a
    changed font without a new hash there fails here, so browsers never keep a stale one."""
    from app.web.static import file_hash

    css = client.get("/static/css/app.css").get_data(as_text=True)
    urls = re.findall(r'url\("\.\./([^"?]+)\?v=([0-9a-f]{12})"\)', css)
    assert len(urls) == len(re.findall(r"url\(", css)) >= 2  # every url(), fonts included
    with app.test_request_context():
        for path, version in urls:
            assert file_hash(path) == version, path
            response = client.get(f"/static/{path}?v={version}")
            assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE


def test_unversioned_or_stale_urls_are_revalidated(client):
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    stale = client.get("/static/css/app.css?v=000000000000")
    assert stale.status_code == 200
    assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_url_changes_when_the_file_changes(static_app):
    application, folder = static_app
    client = application.test_client()
    before = _css_href(client.get("/").get_data(as_text=True))
    css: Path = folder / "css" / "app.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    stat = css.stat()
    os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # coarse clocks
    after = _css_href(client.get("/").get_data(as_text=True))
    assert after != before
    assert client.get(after).headers["Cache-Control"] == IMMUTABLE
    # The old URL still answers (cached pages may ask), but no longer as immutable.
    assert "immutable" not in client.get(before).headers.get("Cache-Control", "")


def test_missing_files_and_traversal_get_no_version(app):
    from app.web.static import file_hash, static_url

    with app.test_request_context():
        assert file_hash("css/nope.css") is None
        assert file_hash("../__init__.py") is None
        assert static_url("css/nope.css") == "/static/css/nope.css"


# --- Light pages (issue 22 §3): the workspaces' rules are not sent with a lesson ---------------

CSS_DIR = Path(__file__).resolve().parents[2] / "app" / "static" / "css"
TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
LESSON = "/cursos/curso-prueba/02-trabajo-en-equipo"
# The blueprints whose pages link workspace.css (base.html), by their templates' folders.
WORKSPACE_FOLDERS = ("admin", "authoring", "certificates", "reports", "trainer")


def _stylesheets(html: str) -> list[str]:
    hrefs = re.findall(
        r'<link rel="stylesheet" href="/static/css/([a-z]+\.css)\?v=[0-9a-f]{12}"', html
    )
    assert len(hrefs) == html.count('rel="stylesheet"')  # every one fingerprinted
    return hrefs


def _classes(css: str) -> set[str]:
    return set(re.findall(r"\.([A-Za-z_][-\w]*)", re.sub(r"/\*.*?\*/", "", css, flags=re.S)))


def test_a_lesson_links_the_reading_stylesheet_only(client):
    assert _stylesheets(client.get(LESSON).get_data(as_text=True)) == ["app.css"]
    assert _stylesheets(client.get("/cursos/").get_data(as_text=True)) == ["app.css"]


def test_a_workspace_page_links_both_stylesheets_in_order(client):
    # The certificate check is a workspace page every visitor can open.
    page = client.get("/verificar").get_data(as_text=True)
    assert _stylesheets(page) == ["app.css", "workspace.css"]
    response = client.get(re.findall(r'href="(/static/css/workspace\.css[^"]+)"', page)[0])
    assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE


def test_templates_outside_the_workspaces_use_only_rules_of_app_css():
    """A class only workspace.css styles, used by a page that does not link it, would lose its
    look without any error: every such class in a template of another blueprint fails here."""
    only_workspace = _classes((CSS_DIR / "workspace.css").read_text()) - _classes(
        (CSS_DIR / "app.css").read_text()
    )
    assert {"certificate-title", "edit-layout", "credential-card", "chart"} <= only_workspace
    misplaced = []
    for template in TEMPLATES.rglob("*.html"):
        folder = template.relative_to(TEMPLATES).parts[0]
        if folder in WORKSPACE_FOLDERS:
            continue
        for attribute in re.findall(r'class="([^"]*)"', template.read_text()):
            for name in re.sub(r"\{[{%].*?[%}]\}", " ", attribute).split():
                if name in only_workspace:
                    misplaced.append(f"{template.relative_to(TEMPLATES)}: {name}")
    assert misplaced == []


def test_the_reading_stylesheet_keeps_every_preference_and_mode():
    css = (CSS_DIR / "app.css").read_text()
    for rule in (
        ":focus-visible",
        "html.pref-text-large",
        "html.pref-contrast",
        "html.pref-spacing",
        "html.pref-font",
        "html.pref-motion",
        "@media (prefers-reduced-motion: reduce)",
        "@media (forced-colors: active)",
        "@media print",
        "@media (max-width: 30rem)",
    ):
        assert rule in css, rule
    # One block per media condition: duplicates were merged and must stay merged.
    assert css.count("@media (forced-colors: active)") == 1
    assert css.count("@media print") == 1
