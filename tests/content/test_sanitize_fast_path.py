"""The sanitiser's fast path (plain text skips bleach) returns exactly what bleach returns."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.sanitize import (
    _block_cleaner,
    _inline_cleaner,
    clean_html,
    clean_inline,
    is_plain_text,
)

ALPHA = st.sampled_from(
    list("ab \t\n\r\x00\x0c\x0b\x7f\x85\xa0é'\"<>&;#=/ñ\ufffe\ufeff\u2028😀")
    + ["&amp;", "&lt;", "\r\n"]
)
TEXTS = st.one_of(
    st.text(), st.text(alphabet=st.characters(max_codepoint=0x2FF)), st.lists(ALPHA).map("".join)
)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXTS)
def test_fast_path_matches_bleach(text):
    if is_plain_text(text):
        assert _block_cleaner.clean(text) == text
        assert _inline_cleaner.clean(text) == text
    assert clean_html(text) == (_block_cleaner.clean(text) if text else "")
    assert clean_inline(text) == (_inline_cleaner.clean(text) if text else "")


def test_every_plain_character_is_left_alone_by_bleach():
    plain = [chr(c) for c in range(0x10000) if is_plain_text(chr(c))]
    sample = "".join(plain[::50])
    assert _block_cleaner.clean(sample) == sample
