"""Light pages: text answers in brotli or gzip when the browser accepts it (issue 22, §3)."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import Response, request, stream_with_context

from app.web import compression
from app.web.access import public
from app.web.compression import negotiate

LESSON = "/cursos/curso-prueba/01-que-es-una-cooperativa"
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


class Made(list):
    """(coding, plain size) of each body encoded; `efforts` the effort of each."""

    efforts: list[str]


@pytest.fixture
def encodings(monkeypatch):
    """Every body compressed from now on, as (coding, size of the plain bytes)."""
    made = Made()
    real = compression.encode

    def counting(body, coding, *, best=False, effort=None):
        made.append((coding, len(body)))
        efforts.append(effort or ("best" if best else "fast"))
        return real(body, coding, best=best, effort=effort)

    efforts: list[str] = []
    made.efforts = efforts  # type: ignore[attr-defined]

    monkeypatch.setattr(compression, "encode", counting)
    return made


@pytest.fixture
def cached_app(make_app):
    return make_app(PAGE_CACHE_SECONDS=60)


def varies_on_coding(response) -> bool:
    return "Accept-Encoding" in [v.strip() for v in response.headers.get("Vary", "").split(",")]


def stylesheet_url(html: str) -> str:
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("GZip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("gzip;q=0, br;q=0", "identity"),
        ("br;q=0.0, gzip;q=0", "identity"),
        ("*", "br"),
        ("*, br;q=0", "gzip"),
        ("*;q=0", "identity"),
        ("identity", "identity"),
        ("deflate", "identity"),
        ("gzip;q=nonsense, br;q=0", "identity"),
        ("", "identity"),
        (None, "identity"),
    ],
)
def test_the_coding_follows_accept_encoding_and_its_weights(header, coding):
    assert negotiate(header) == coding


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_page_is_compressed_and_decodes_to_the_same_html(client, coding):
    plain = client.get(LESSON)
    packed = client.get(LESSON, headers={"Accept-Encoding": coding})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == coding
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    assert DECODE[coding](packed.data) == plain.data
    assert "<h1>¿Qué es una cooperativa?</h1>" in DECODE[coding](packed.data).decode()
    for response in (plain, packed):
        assert varies_on_coding(response)


@pytest.mark.parametrize("header", ["identity", "gzip;q=0, br;q=0", "br;q=0, *;q=0", ""])
def test_a_browser_that_refuses_every_coding_gets_plain_bytes(client, header):
    response = client.get(LESSON, headers={"Accept-Encoding": header})
    assert "Content-Encoding" not in response.headers
    assert "¿Qué es una cooperativa?" in response.get_data(as_text=True)
    assert varies_on_coding(response)


def test_a_logged_in_page_is_compressed_and_keeps_its_other_headers(client, make_user, login_as):
    login_as(client, make_user(full_name="Rosa Comprimida"))
    response = client.get(LESSON, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Rosa Comprimida" in gzip.decompress(response.data).decode()
    assert response.headers["Cache-Control"] == "no-store"
    assert "Cookie" in response.headers["Vary"] and "Accept-Encoding" in response.headers["Vary"]


def test_a_visitor_cache_hit_reuses_the_compressed_bytes(cached_app, encodings):
    client = cached_app.test_client()
    pages = cached_app.extensions["visitor_cache"].pages
    plain = client.get(LESSON).data
    assert encodings == []  # nobody asked for a coding yet
    first = client.get(LESSON, headers={"Accept-Encoding": "gzip, br"})
    assert encodings == [("br", len(plain))]
    hits = pages.hits
    for _ in range(3):
        again = client.get(LESSON, headers={"Accept-Encoding": "br, gzip"})
        assert again.data == first.data and again.headers["Content-Encoding"] == "br"
    assert pages.hits == hits + 3
    assert encodings == [("br", len(plain))]  # three hits, no second compression
    gz = client.get(LESSON, headers={"Accept-Encoding": "gzip"})
    gz_again = client.get(LESSON, headers={"Accept-Encoding": "gzip"})
    assert encodings == [("br", len(plain)), ("gzip", len(plain))]
    assert gz.data == gz_again.data
    assert brotli.decompress(first.data) == gzip.decompress(gz.data) == plain
    assert client.get(LESSON).data == plain  # and plain bytes for a browser without codings
    for response in (first, gz, gz_again):
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert varies_on_coding(response)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_first_visitor_of_a_page_gets_it_compressed_too(cached_app, encodings):
    response = cached_app.test_client().get("/cursos/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<h1" in gzip.decompress(response.data)
    assert [coding for coding, _size in encodings] == ["gzip"]


def test_static_files_are_compressed_once_and_keep_their_year_long_cache(make_app, encodings):
    client = make_app().test_client()
    url = stylesheet_url(client.get("/").get_data(as_text=True))
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and varies_on_coding(plain)
    for _ in range(2):
        packed = client.get(url, headers={"Accept-Encoding": "br"})
        assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
        assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert brotli.decompress(packed.data) == plain.data
        assert len(packed.data) < len(plain.data) / 3
        assert "Accept-Ranges" not in packed.headers
    assert encodings == [("br", len(plain.data))]  # once per file and process
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(gz.data) == plain.data
    # Each representation has its own tag, and a revalidation is answered against it.
    tags = {plain.headers["ETag"], packed.headers["ETag"], gz.headers["ETag"]}
    assert len(tags) == 3 and packed.headers["ETag"].endswith('-br"')
    again = client.get(
        "/static/css/app.css",
        headers={"Accept-Encoding": "br", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    assert varies_on_coding(again)
    kept = client.get(
        "/static/css/app.css",
        headers={"Accept-Encoding": "br", "If-None-Match": plain.headers["ETag"]},
    )
    assert kept.status_code == 304 and "Content-Encoding" not in kept.headers


def test_already_compressed_types_tiny_bodies_and_ranges_stay_as_they_are(client):
    every = {"Accept-Encoding": "gzip, br"}
    font = client.get("/static/fonts/atkinson-hyperlegible-latin-400-normal.woff2", headers=every)
    image = client.get("/cursos/curso-prueba/archivos/media/asamblea.png", headers=every)
    audio = client.get("/cursos/curso-prueba/archivos/media/entrevista.mp3", headers=every)
    redirect = client.get("/favicon.ico", headers=every)  # a 301 with a tiny body
    for response in (font, image, audio, redirect):
        assert response.status_code in (200, 301), response.request.path
        assert "Content-Encoding" not in response.headers, response.request.path
        assert not varies_on_coding(response)
    ranged = client.get("/static/css/app.css", headers={**every, "Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100
    assert "Content-Encoding" not in ranged.headers


def test_streamed_answers_and_given_etags(make_app):
    application = make_app()

    @public
    def streamed():
        return Response(stream_with_context(iter(["línea\n"] * 500)), mimetype="text/csv")

    @public
    def tagged():
        response = Response("texto " * 500, mimetype="text/plain")
        response.set_etag("v1")
        return response.make_conditional(request)

    application.add_url_rule("/prueba/flujo", "streamed", streamed)
    application.add_url_rule("/prueba/etiqueta", "tagged", tagged)
    client = application.test_client()
    flow = client.get("/prueba/flujo", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in flow.headers and flow.data == "línea\n".encode() * 500
    packed = client.get("/prueba/etiqueta", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["ETag"] == '"v1-gzip"'
    assert gzip.decompress(packed.data) == b"texto " * 500
    assert client.get("/prueba/etiqueta").headers["ETag"] == '"v1"'
    revalidated = client.get(
        "/prueba/etiqueta", headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1-gzip"'}
    )
    assert revalidated.status_code == 304 and revalidated.data == b""
    # A browser holding the plain bytes may keep them, whatever it accepts now.
    kept = client.get(
        "/prueba/etiqueta", headers={"Accept-Encoding": "gzip", "If-None-Match": '"v1"'}
    )
    assert kept.status_code == 304 and "Content-Encoding" not in kept.headers


# --- The bytes of a lesson (issue 22 §3; the figures are bench/bench_light.py's) -------------

# The stylesheet's share of a first visit: 12,000 bytes minus the longest shipped lesson page
# as a participant (about 7,300 with its headers) and the stylesheet's own headers (about 830).
STYLESHEET_BROTLI_BUDGET = 3_900


def test_a_participants_lesson_is_sent_without_template_whitespace(client, make_user, login_as):
    login_as(client, make_user())
    client.post("/cursos/curso-prueba/inscripcion")
    client.get("/")  # the enrolment's flash message is shown and gone
    html = client.get(LESSON).get_data(as_text=True)
    assert 'class="progress"' in html and "Cerrar sesión" in html  # the personal parts are in
    assert not re.search(r"\n[ \t]*\n", html), "a blank line"
    assert not re.search(r"\n[ \t]+<", html), "an indented line"


def test_the_stylesheet_of_a_lesson_stays_within_its_share_of_the_first_visit(client):
    url = stylesheet_url(client.get(LESSON).get_data(as_text=True))
    sent = client.get(url, headers={"Accept-Encoding": "br"})
    assert sent.headers["Content-Encoding"] == "br"
    assert len(sent.data) <= STYLESHEET_BROTLI_BUDGET, (
        f"app.css is {len(sent.data):,} bytes in brotli: move rules only the workspaces use to "
        "workspace.css, or make room elsewhere (docs/performance.md, Light pages)"
    )


def test_a_participants_lesson_is_encoded_carefully_and_other_answers_fast(
    client, make_user, login_as, encodings
):
    """A page made per request (a participant's lesson) gets the "page" effort: fewer bytes on
    a data plan for a few milliseconds of the server; JSON and large pages stay fast."""
    login_as(client, make_user())
    encodings.clear()
    encodings.efforts.clear()
    page = client.get(LESSON, headers={"Accept-Encoding": "br"})
    assert page.headers["Content-Encoding"] == "br"
    assert encodings.efforts == ["page"]
    html = brotli.decompress(page.data)
    assert len(page.data) < len(compression.encode(html, "br", effort="fast"))
    assert compression.encode(html, "br", effort="fast") != page.data

    big = b"<p>" + b"".join(b"%d " % n for n in range(20_000)) + b"</p>"
    assert len(big) > compression.PAGE_EFFORT_MAX_BYTES
    with client.application.test_request_context(headers={"Accept-Encoding": "br"}):
        statics = compression.StaticEncodings()
        for body, mimetype in (
            (big, "text/html"),
            (b"[" + b"1," * 400 + b"1]", "application/json"),
        ):
            encodings.efforts.clear()
            compression.compress_response(request, Response(body, mimetype=mimetype), statics, None)
            assert encodings.efforts == ["fast"], mimetype
