"""Language tags accepted in `::: idioma xx` blocks and `{lang=xx}` spans."""

from __future__ import annotations

import re

# ISO 639-1 codes, plus three-letter codes for languages of Chile and sign languages.
_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu"
)
_ISO639_1 = frozenset(_CODES.split())
_ISO639_3 = {
    "arn",  # mapudungun
    "rap",  # rapa nui
    "aym",  # aymara
    "quz",  # quechua
    "csg",  # lengua de señas chilena
    "alc",  # kawésqar
    "yag",  # yagán
    "cns",  # kunza
    "sgn",  # sign languages (generic)
    "ase",  # american sign language
    "ssp",  # spanish sign language
}
_TAG = re.compile(r"^([a-zA-Z]{2,3})(-[a-zA-Z0-9]{2,8})*$")


def valid_lang(tag: str) -> bool:
    """Return True for a plausible BCP 47 tag whose primary language we know."""
    match = _TAG.match(tag or "")
    if not match:
        return False
    primary = match.group(1).lower()
    return primary in _ISO639_1 or primary in _ISO639_3
