"""Property: whatever the input, rendered HTML never carries scripts, handlers or styles."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.problems import Reporter
from app.content.renderer import PageContext, render_inline, render_page
from app.content.sanitize import clean_html, clean_inline

FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=x>", "<iframe src=x>", "<object data=x>",
    "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', "javascript:",
    "JaVaScRiPt:alert(1)", "java\tscript:x", "&#106;avascript:x", "<svg onload=x>",
    "<p style=\"color:red\">", "style=", "onclick=", "{style=color:red}", "{onclick=x}",
    "{lang=en}", "[x](javascript:alert(1))", "[x](JAVASCRIPT:x)", "![a](javascript:x)",
    "<javascript:alert(1)>", "::: nota", "::: video javascript:x subtitulos=x.vtt", ":::",
    "::: idioma en\" onmouseover=\"x", "[t]{lang=\"en\" onclick=x}", "| a | b |\n|---|---|",
    "## T", "`code`", "**b**", "\n", "\n\n", " ", "<", ">", '"', "'", "(", ")", "[", "]",
    "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x", "<style>p{}</style>", "<form>",
]  # fmt: skip

text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=20).map(
    "".join
)

BAD = [
    re.compile(r"<\s*script", re.I),
    re.compile(r"<\s*iframe", re.I),
    re.compile(r"<\s*object", re.I),
    re.compile(r"<\s*style", re.I),
    re.compile(r"<[^>]*\son\w+\s*=", re.I),
    re.compile(r"<[^>]*\sstyle\s*=", re.I),
    re.compile(r"""(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):""", re.I),
]


def assert_safe(html: str) -> None:
    for pattern in BAD:
        assert not pattern.search(html), (pattern.pattern, html)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text)
def test_rendered_markdown_is_safe(source):
    ctx = PageContext("x.md", Reporter(), course_slug="c", files=frozenset({"x.vtt"}))
    page = render_page(source.split("\n"), ctx)
    for block in [*page.body, *(page.easy_read or [])]:
        assert_safe(getattr(block, "html", ""))
    html, _ = render_inline(source.replace("\n", " "), ctx, 1)
    assert_safe(html)


@settings(max_examples=300, deadline=None)
@given(text)
def test_sanitiser_alone_is_safe(source):
    assert_safe(clean_html(source))
    assert_safe(clean_inline(source))
