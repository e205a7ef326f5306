"""Time helpers: the database stores naive UTC datetimes."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time without tzinfo (what every DateTime column holds)."""
    return datetime.now(UTC).replace(tzinfo=None)
