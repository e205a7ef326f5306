"""Refuse a credential that uses a term its contexts do not define.

JSON-LD processors drop undefined properties silently, so they would be left out of the
signature while still showing in the JSON. Expanding once more with a catch-all vocabulary
turns every undefined property or type into an IRI under TRAP, which is then easy to find.
"""

from __future__ import annotations

from pyld import jsonld

TRAP = "urn:aula:undefined-term#"


class UndefinedTerms(ValueError):
    """The credential uses terms its contexts do not define (listed in .terms)."""

    def __init__(self, terms: list[str]):
        self.terms = terms
        super().__init__("undefined JSON-LD terms: " + ", ".join(terms))


def undefined_terms(document: dict, loader) -> list[str]:
    """Every property or type of DOCUMENT that its contexts do not define, sorted."""
    expanded = jsonld.expand(
        document, {"documentLoader": loader, "expandContext": {"@vocab": TRAP}}
    )
    found: set[str] = set()
    _walk(expanded, found)
    return sorted(found)


def _walk(node, found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.startswith(TRAP):
            found.add(key[len(TRAP) :])
        if key == "@type":
            for kind in value if isinstance(value, list) else [value]:
                if isinstance(kind, str) and (kind.startswith(TRAP) or ":" not in kind):
                    found.add(kind.removeprefix(TRAP))
        _walk(value, found)


def check_terms(document: dict, loader) -> None:
    """Raise UndefinedTerms when DOCUMENT uses a term its contexts do not define."""
    terms = undefined_terms(document, loader)
    if terms:
        raise UndefinedTerms(terms)
