"""Mark HTML produced by this package's sanitiser as safe for templates.

Only HTML that came out of the content engine (already reduced to the allowlist by bleach) may
pass through here; the web app registers this as the `content_html` template filter.
"""

from markupsafe import Markup


def content_html(html: object) -> Markup:
    """Return sanitised course HTML as markup that Jinja will not escape again."""
    if isinstance(html, Markup):
        return html
    if hasattr(html, "html"):
        html = html.html
    return Markup(str(html))  # noqa: S704 # nosec B704 - input is the sanitiser's output, see docstring
