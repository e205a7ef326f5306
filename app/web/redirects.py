"""Safe redirects: only to same-site relative paths."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return TARGET if it is a same-site relative path, else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
