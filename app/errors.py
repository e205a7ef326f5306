"""Domain errors raised by services; views turn them into form errors or messages."""


class DomainError(Exception):
    """A rule of the domain was broken; the message is for the user (already translated)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist for this user (shown as 404)."""
