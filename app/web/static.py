"""Fingerprinted static URLs and long cache headers for them.

`static_url("css/app.css")` gives `/static/css/app.css?v=<hash of the file's bytes>`. A request
whose `v` matches the file's current hash is answered with
`Cache-Control: public, max-age=31536000, immutable`: browsers keep it for a year without
asking again, and a changed file gets a new URL. Any other request for a static file (no `v`, or
an old one) keeps Flask's default: `no-cache` with ETag/Last-Modified, so it is revalidated.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, current_app, redirect, request, url_for
from werkzeug.security import safe_join

from app.web.access import public

IMMUTABLE = "public, max-age=31536000, immutable"
_hashes: dict[str, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, hash)


def file_hash(filename: str, app: Flask | None = None) -> str | None:
    """First 12 hex digits of the SHA-256 of a static file, or None if there is no such file.

    Kept per process and recomputed only when the file's modification time or size changes.
    """
    app = app or current_app
    path = safe_join(app.static_folder or "", filename)
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    cached = _hashes.get(path)
    if cached is not None and cached[:2] == (st.st_mtime_ns, st.st_size):
        return cached[2]
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:12]
    _hashes[path] = (st.st_mtime_ns, st.st_size, digest)
    return digest


def static_url(filename: str) -> str:
    """URL of a static file carrying its content hash (`?v=`), for immutable caching."""
    digest = file_hash(filename)
    if digest is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=digest)


def init_static(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url

    @public
    def favicon():
        # Browsers ask for /favicon.ico whatever the page says: send them to the real icon.
        return redirect(static_url("favicon.svg"), 301)

    app.add_url_rule("/favicon.ico", "favicon", favicon)

    @app.after_request
    def cache_versioned_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 206, 304):
            return response
        version = request.args.get("v")
        filename = (request.view_args or {}).get("filename")
        if version and filename and version == file_hash(filename, app):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
