"""One unit of work per request: the request owns the transaction, views never commit.

After a view of a POST returns, the request commits once when the answer is a success (status
below 400) and rolls back otherwise; an exception always rolls back (teardown). GET requests
only read: their transaction simply ends with the session. Services add and flush,
never commit. Two helpers turn a refused action (`DomainError`) into what the user sees, and
roll the unit of work back at once, so the page is rendered from what is really saved:

- `form_error(form, exc)`: the message on the form field it names (forms re-render);
- `refused(exc, url)`: a flash message and a redirect (one-button POSTs).

`keep_changes()` commits even an answer of 400 or more: for what must stay when a request is
refused (the audit event of a throttled login).
"""

from __future__ import annotations

from flask import Flask, Response, flash, g, redirect, request

from app.errors import DomainError
from app.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FAILED = "_aula_uow_failed"
_KEEP = "_aula_uow_keep"


def init_unit_of_work(app: Flask) -> None:
    """Commit after a successful view, roll back after any other answer or exception."""

    @app.after_request
    def finish_unit_of_work(response: Response) -> Response:
        if request.method in READ_ONLY_METHODS:
            # GET never changes data (tests/security/test_sweeps.py); its read transaction ends
            # when the session is removed at teardown, after a streamed body is sent.
            return response
        if g.get(_KEEP) or (response.status_code < 400 and not g.get(_FAILED)):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def roll_back_on_exception(exc):
        if exc is not None:
            db.session.rollback()


def form_error(form, exc: DomainError) -> None:
    """Roll back and show a service's error on the field it names, or on the whole form."""
    _roll_back()
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.sentence]
    else:
        form.form_errors.append(exc.sentence)


def refused(exc: DomainError, url: str):
    """Roll back, flash the service's message and go back to URL (one-button POSTs)."""
    _roll_back()
    flash(exc.sentence, "error")
    return redirect(url)


def keep_changes() -> None:
    """Commit this request's changes even though its answer is a refusal (status >= 400)."""
    g.setdefault(_KEEP, True)


def _roll_back() -> None:
    db.session.rollback()
    g.setdefault(_FAILED, True)
