"""Domain errors raised by services: each class carries the HTTP status of its answer.

A service raises one with a message for the person (already translated) and, when a form field
caused it, the field's name. `app.web.errors` maps every one the view lets through to what the
person sees: the error page with STATUS and the message (GET, or a POST with no form), or the
message flashed on the page the view declares with `@refuse_to`. Form views put it on the form
with `form_errors(form)`.
"""


class DomainError(Exception):
    """A rule of the domain was broken; the message is for the user (already translated)."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def sentence(self) -> str:
        """The message as a sentence of its own (some messages are clauses: «x» está vacío)."""
        return self.message[:1].upper() + self.message[1:]


class NotFound(DomainError):
    """The object does not exist for this user (shown as 404)."""

    status = 404


class Forbidden(DomainError):
    """The acting person may not do this (shown as 403)."""

    status = 403


class Conflict(DomainError):
    """Someone else changed the same thing meanwhile; nothing was written (shown as 409)."""

    status = 409


class Throttled(DomainError):
    """Too many attempts in a short time (shown as 429)."""

    status = 429
