"""Drive a page with the keyboard alone: Tab to a control, then press a key."""

from __future__ import annotations

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el) return null;
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(),
          id: el.id || '', name: el.getAttribute('name') || '', type: el.type || '',
          label: label.trim(), href: el.getAttribute('href') || ''};
}"""


def active(page) -> dict:
    return page.evaluate(ACTIVE) or {}


def tab_to(page, match, *, limit: int = 80, backwards: bool = False) -> dict:
    """Press Tab until the focused element satisfies MATCH (a dict predicate); return it."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        info = active(page)
        if info and match(info):
            return info
        seen.append((info or {}).get("text", "")[:30] or (info or {}).get("id", ""))
    raise AssertionError(f"no focusable element matched after {limit} tabs; saw {seen}")


def text_is(fragment: str):
    return lambda info: fragment.lower() in (info.get("text") or "").lower()


def id_is(element_id: str):
    return lambda info: info.get("id") == element_id
