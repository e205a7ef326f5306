"""Larger request bodies for the few views that take whole files (course media and .zip).

`MAX_CONTENT_LENGTH` (5 MB) guards every other form. A view marked `@large_upload` accepts up to
`UPLOAD_MAX_BYTES`: the limit is decided from the matched route, before anything (CSRF
included) reads the body.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Request, current_app


def large_upload(view: Callable) -> Callable:
    view.large_upload = True  # type: ignore[attr-defined]
    return view


class UploadRequest(Request):
    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        rule = self.url_rule
        if rule is not None:
            view = current_app.view_functions.get(rule.endpoint)
            if getattr(view, "large_upload", False):
                return current_app.config["UPLOAD_MAX_BYTES"]
        return current_app.config.get("MAX_CONTENT_LENGTH")
