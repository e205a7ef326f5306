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
