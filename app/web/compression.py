"""Compressed answers for slow connections: brotli or gzip, when the browser accepts it.

A text answer (HTML, CSS, JS, JSON, SVG, XML, plain text) of at least `MIN_BYTES` is sent
encoded with the best coding the request's `Accept-Encoding` allows (`br`, then `gzip`; `q=0`
refuses one), and every answer that could have been encoded says `Vary: Accept-Encoding`, so
a shared cache never gives one browser's bytes to another. Never encoded: types that are
compressed already (images, audio, video, fonts, zip, EPUB, PDF), tiny bodies, streamed
answers (CSV exports), ranges (206, or a request with `Range`: its offsets are the plain
file's), and answers that already have a `Content-Encoding`.

An encoded answer is another representation of the resource: its ETag gets the coding as a
suffix (`"abc-br"`), a conditional request is answered against that tag, and `Accept-Ranges`
is dropped. Three callers share `encoded()`:

- `compress_response`: every answer Flask makes (`after_request`): an HTML page of up to 32 kB
  at the "page" effort (a participant's lesson is made per request and read on a cheap data
  plan: 5 ms of the server buys about 9 % fewer bytes), anything else at the fast settings;
- static files: each file's encodings are made once per process at the best settings
  (`static_bytes`), keyed by the file's modification time and size;
- the visitor page cache (`visitor_cache.py`): a stored page keeps each encoding it was asked
  for, made once at the best settings, so a hit costs no compression work.
"""

from __future__ import annotations

import functools
import gzip
import os
import threading
from collections.abc import Callable

import brotli
from flask import Flask, Request, Response
from werkzeug.datastructures import Headers
from werkzeug.security import safe_join

MIN_BYTES = 512  # smaller bodies gain less than the header costs
IDENTITY = "identity"
CODINGS = ("br", "gzip")  # in order of preference when the browser weighs them the same
_TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/xml",
        "application/xhtml+xml",
        "image/svg+xml",
    }
)
_NEVER = frozenset({"text/event-stream"})


def compressible(mimetype: str | None) -> bool:
    """Whether a body of MIMETYPE shrinks when encoded (text does; images, zip, PDF do not)."""
    if not mimetype or mimetype in _NEVER:
        return False
    return (
        mimetype.startswith("text/")
        or mimetype in _TEXT_TYPES
        or mimetype.endswith(("+json", "+xml"))
    )


@functools.lru_cache(maxsize=256)
def _negotiate(header: str) -> str:
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        weights["gzip" if name == "x-gzip" else name] = weight
    star = weights.get("*", 0.0)
    best, best_weight = IDENTITY, 0.0
    for coding in CODINGS:
        weight = weights.get(coding, star)  # `*` stands for the codings not named
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def negotiate(accept_encoding: str | None) -> str:
    """The coding to send for an Accept-Encoding header: "br", "gzip" or "identity"."""
    return _negotiate((accept_encoding or "")[:200])


# Effort of an encoding: (brotli quality, gzip level). "best" for bytes made once and kept;
# "page" for an HTML page made per request (a participant's lesson): brotli 10 is the first
# quality that shrinks a page (about -9 % against 5, 6 to 9 give the same size as 5) and costs
# about 5 ms on a typical lesson; a page larger than PAGE_EFFORT_MAX_BYTES goes "fast".
EFFORTS = {"fast": (5, 6), "page": (10, 9), "best": (11, 9)}
PAGE_EFFORT_MAX_BYTES = 32 * 1024


def encode(body: bytes, coding: str, *, best: bool = False, effort: str | None = None) -> bytes:
    """BODY in CODING at EFFORT (BEST: the "best" effort; else "fast")."""
    quality, level = EFFORTS[effort or ("best" if best else "fast")]
    if coding == "br":
        return brotli.compress(body, mode=brotli.MODE_TEXT, quality=quality)
    if coding == "gzip":
        return gzip.compress(body, compresslevel=level, mtime=0)
    raise ValueError(f"unknown coding {coding!r}")


def label(headers: Headers, coding: str, length: int) -> None:
    """Set the headers of the CODING representation of a body of LENGTH bytes."""
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower() and vary.strip() != "*":
        headers["Vary"] = f"{vary}, Accept-Encoding"
    if coding == IDENTITY:
        return
    headers["Content-Encoding"] = coding
    headers["Content-Length"] = str(length)
    headers.pop("Accept-Ranges", None)  # ranges of the encoded bytes are not offered
    etag = headers.get("ETag")
    if etag and etag.endswith('"'):
        headers["ETag"] = f'{etag[:-1]}-{coding}"'


def encoded(
    status_code: int,
    headers: Headers,
    body: bytes,
    coding: str,
    *,
    best: bool = False,
    effort: str | None = None,
) -> bytes | None:
    """BODY in CODING with HEADERS changed to match (in place), or None if it stays as it is.

    None also for a body that must not be encoded; HEADERS then get `Vary` only when the
    answer could have been encoded for another request.
    """
    if not _may_encode(status_code, headers, len(body)):
        return None
    if coding == IDENTITY:
        label(headers, IDENTITY, len(body))
        return None
    data = encode(body, coding, best=best, effort=effort)
    label(headers, coding, len(data))
    return data


def _may_encode(status_code: int, headers: Headers, length: int) -> bool:
    return (
        length >= MIN_BYTES
        and status_code not in (204, 206, 304)
        and status_code >= 200
        and "Content-Encoding" not in headers
        and "Content-Range" not in headers
        and compressible(headers.get("Content-Type", "").split(";")[0].strip().lower())
    )


class StaticEncodings:
    """Each static file's encodings, made once per process (until the file changes)."""

    def __init__(self) -> None:
        self._bytes: dict[tuple[str, str], tuple[int, int, bytes]] = {}
        self._lock = threading.Lock()

    def get(self, path: str, coding: str) -> bytes | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._bytes.get((path, coding))
        if cached is not None and cached[:2] == stamp:
            return cached[2]
        with open(path, "rb") as fh:
            data = encode(fh.read(), coding, best=True)
        with self._lock:
            self._bytes[(path, coding)] = (*stamp, data)
        return data


def compress_response(
    request: Request, response: Response, static: StaticEncodings, static_folder: str | None
) -> Response:
    """Encode RESPONSE for REQUEST when it is text and the browser accepts a coding."""
    if request.headers.get("Range"):
        return response
    coding = negotiate(request.headers.get("Accept-Encoding"))
    if request.endpoint == "static":
        return _static(request, response, coding, static, static_folder)
    if response.is_streamed or response.direct_passthrough:
        return response
    body = response.get_data()
    page = response.mimetype == "text/html" and len(body) <= PAGE_EFFORT_MAX_BYTES
    data = encoded(
        response.status_code, response.headers, body, coding, effort="page" if page else "fast"
    )
    if data is not None:
        response.set_data(data)
        if "ETag" in response.headers:
            response.make_conditional(request)  # the tag changed: answer If-None-Match again
    return response


def _static(request, response, coding, static, static_folder) -> Response:
    """A static file from its encodings made once (Flask's answer names the file's bytes)."""
    if response.status_code == 304 and compressible(response.mimetype):
        label(response.headers, IDENTITY, 0)  # Vary only: the 304 of either representation
        return response
    filename = (request.view_args or {}).get("filename")
    path = safe_join(static_folder or "", filename) if filename else None
    length = response.content_length or 0
    if path is None or not _may_encode(response.status_code, response.headers, length):
        return response
    if coding == IDENTITY:
        label(response.headers, IDENTITY, length)
        return response
    data = static.get(path, coding)
    if data is None:
        return response
    response.close()  # the file Flask opened for the plain bytes
    response.direct_passthrough = False
    response.set_data(data)
    label(response.headers, coding, len(data))
    return response.make_conditional(request)


def init_compression(
    app: Flask, *, leave: Callable[[Response], bool]
) -> Callable[[Request, Response], Response]:
    """The after_request step that encodes APP's answers, except those LEAVE keeps as they are
    (a page the visitor cache stores: it keeps every encoding itself)."""
    static = StaticEncodings()

    def compress(request: Request, response: Response) -> Response:
        if leave(response):
            return response
        return compress_response(request, response, static, app.static_folder)

    return compress
