"""Rendered pages for visitors without an account, kept in each worker's memory.

A visitor who has not logged in sees the same lesson as every other visitor with the same
language and reading preferences, so the finished page can be sent again without running the
view, the template or the translations. Views opt in with `@visitor_cacheable`; the middleware
stores a response only when everything it depends on is in the key:

- the request: GET, no session or remember-me cookie (nothing personal, no flash messages, no
  CSRF token), only query arguments the page declares (`version`), host and scheme;
- the page: status 200, no `Set-Cookie`, produced by a view that opted in and ran for an
  anonymous user (the app marks it with an internal header that never leaves the server);
- what the page is built from: the visitor's language (cookie or Accept-Language, resolved the
  way the app resolves it), the reading-preferences cookie, and the course content, through
  `generation()` (the course store's version) and a time limit.

Keys are normalised so that no request can make an entry another request would not reuse: an
unknown `version` is not cached at all, the preferences cookie is keyed by what it means (not
its text), and a page is stored only when the locale the app actually chose (sent back in the
internal mark header) is the locale of the key.

Every hit still gets the headers the app set when the page was made (security headers
included). An entry keeps the page in each encoding a visitor's `Accept-Encoding` chose
(compression.py), each made once at the best settings when first asked for, so a hit costs no
compression work. The cache is bounded (LRU by entries) and off when `PAGE_CACHE_SECONDS` is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from werkzeug.datastructures import Headers
from werkzeug.http import parse_cookie

from app.web import compression
from app.web.lru import ExpiringLru

MARK_HEADER = "X-Aula-Visitor-Cache"
ENVIRON_KEY = "aula.visitor_cache"  # set by the middleware on the requests it may store
ALLOWED_ARGS = frozenset({"version"})


class PageKey(NamedTuple):
    """Everything a visitor's page depends on, besides the content generation."""

    scheme: str | None
    host: str | None
    script: str
    path: str
    query: str
    locale: str
    preferences: tuple


class CachedPage:
    """A stored page: status, headers and plain body, and each encoding made so far."""

    __slots__ = ("status", "headers", "body", "codings")

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body
        self.codings: dict[str, tuple[list[tuple[str, str]], bytes]] = {}

    def encoded(self, coding: str) -> tuple[list[tuple[str, str]], bytes]:
        """Headers and body of the page in CODING (made on first use, then kept)."""
        found = self.codings.get(coding)
        if found is None:
            headers = Headers(self.headers)
            status_code = int(self.status.split(" ", 1)[0])
            data = compression.encoded(status_code, headers, self.body, coding, best=True)
            found = self.codings[coding] = (headers.to_wsgi_list(), data or self.body)
        return found

    def answer(self, environ: dict, start_response: Callable) -> list[bytes]:
        headers, body = self.encoded(compression.negotiate(environ.get("HTTP_ACCEPT_ENCODING")))
        start_response(self.status, list(headers))
        return [body]


def is_marked(response) -> bool:
    """Whether the visitor cache takes RESPONSE over (it encodes what it stores itself)."""
    return MARK_HEADER in response.headers


def visitor_cacheable(view: Callable) -> Callable:
    """Let the page of VIEW be reused for other visitors (see the module docstring)."""
    view.visitor_cacheable = True  # type: ignore[attr-defined]
    return view


def mark_if_cacheable(
    app, request, response, *, anonymous: bool, locale: Callable[[], str] = lambda: ""
):
    """after_request: tag a visitor's page from an opted-in view (the middleware strips it).

    The mark carries the locale the page was rendered in, so the middleware never files a page
    under another language's key.
    """
    if not request.environ.get(ENVIRON_KEY):
        return response
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    if (
        anonymous
        and getattr(view, "visitor_cacheable", False)
        and response.status_code == 200
        and "Set-Cookie" not in response.headers
    ):
        response.headers[MARK_HEADER] = locale() or "-"
    return response


def _no_write(_data: bytes) -> None:
    raise RuntimeError("a page for the visitor cache is written through its result only")


class VisitorPageCache:
    """WSGI middleware: answer repeated visitor GETs from memory."""

    def __init__(
        self,
        wsgi_app: Callable,
        *,
        seconds: float,
        max_entries: int,
        private_cookies: Iterable[str],
        key_cookies: Iterable[str],
        locale_of: Callable[[str | None, str], str],
        generation: Callable[[], Any],
        versions: Iterable[str] = (),
        normalise_cookie: Callable[[str | None], str] | None = None,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.pages = ExpiringLru(seconds=seconds, max_entries=max_entries)
        self.private_cookies = frozenset(private_cookies)
        self.key_cookies = tuple(key_cookies)
        self.locale_of = locale_of
        self.generation = generation
        self.versions = frozenset(versions)
        self.normalise_cookie = normalise_cookie or (lambda value: value or "")

    def _key(self, environ: dict) -> PageKey | None:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("HTTP_AUTHORIZATION"):
            return None
        query = environ.get("QUERY_STRING", "")
        if query:
            pairs = [p.partition("=") for p in query.split("&") if p]
            if any(name not in ALLOWED_ARGS for name, _, _ in pairs):
                return None
            values = {value for _name, _, value in pairs}
            # One known value or nothing: `?version=x1`, `x2`... would each make a new entry.
            if len(values) != 1 or not values <= self.versions:
                return None
            query = "version=" + values.pop()
        cookies: dict[str, str] = {}
        raw = environ.get("HTTP_COOKIE")
        if raw:
            parsed = parse_cookie(raw)  # the parser Flask itself reads cookies with
            if any(name in parsed for name in self.private_cookies):
                return None
            cookies = {name: parsed[name] for name in self.key_cookies if name in parsed}
        locale = self.locale_of(cookies.get("lang"), environ.get("HTTP_ACCEPT_LANGUAGE", ""))
        return PageKey(
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            query,
            locale,
            tuple(
                self.normalise_cookie(cookies.get(name))
                for name in self.key_cookies
                if name != "lang"
            ),
        )

    def __call__(self, environ: dict, start_response: Callable):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        generation = self.generation()
        page = self.pages.get(key, generation)
        if page is not None:
            return page.answer(environ, start_response)
        return self._fill(key, generation, environ, start_response)

    def _fill(self, key, generation, environ, start_response):
        captured: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):
            marks = [v for k, v in headers if k == MARK_HEADER]
            captured["status"] = status
            captured["headers"] = [(k, v) for k, v in headers if k != MARK_HEADER]
            captured["marks"] = marks
            if not marks:  # not a page for the cache: the app has answered in full
                return start_response(status, headers, exc_info)
            return _no_write  # the headers go out with the encoded body, below

        environ[ENVIRON_KEY] = True
        result = self.wsgi_app(environ, capture)
        if not captured.get("marks"):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        page = CachedPage(captured["status"], captured["headers"], body)
        # Stored only when the page is in the language of the key (see the docstring).
        if captured["marks"][0] in (key.locale, "-"):
            self.pages.put(key, generation, page)
        return page.answer(environ, start_response)
