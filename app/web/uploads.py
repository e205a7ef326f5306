"""Larger request bodies for the few views that take whole files (course media and .zip).

`MAX_CONTENT_LENGTH` (5 MB) guards every other form. A view marked `@large_upload` accepts up to
`UPLOAD_MAX_BYTES`: the limit is decided from the matched route, before anything reads the body.

Nothing reads such a body before the view has decided that this person may upload there (logged
in, role, editor of that course): a visitor's 100 MB were read in full before the answer (issue
25), because Flask-WTF's CSRF check, a `before_request` of the app, parses the form. So a
`@large_upload` view is exempt from that check and runs it itself with `check_upload_csrf()`, once
it knows who is uploading; its FlaskForm checks the token again.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Request, current_app

from app.extensions import csrf


def large_upload(view: Callable) -> Callable:
    """Mark VIEW as taking a whole file; it must call check_upload_csrf() before the form."""
    view.large_upload = True  # type: ignore[attr-defined]
    csrf.exempt(view)
    return view


def check_upload_csrf() -> None:
    """The CSRF check of an upload view (400 when the token is missing or wrong): call it once
    the person may upload here, before anything touches request.form or request.files."""
    config = current_app.config
    if config.get("WTF_CSRF_ENABLED", True) and config.get("WTF_CSRF_CHECK_DEFAULT", True):
        csrf.protect()


class UploadRequest(Request):
    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        rule = self.url_rule
        if rule is not None:
            view = current_app.view_functions.get(rule.endpoint)
            if getattr(view, "large_upload", False):
                return current_app.config["UPLOAD_MAX_BYTES"]
        return current_app.config.get("MAX_CONTENT_LENGTH")
