"""Talking books: every published version of a course as an EPUB 3 book with synchronised
text and voice (Media Overlays), built by the job worker and served from the database."""

from flask import Blueprint
from flask_babel import format_decimal

bp = Blueprint("books", __name__)


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """SIZE in bytes as people read it: «4,2 MB», «830 kB» (the locale's decimal mark)."""
    if size >= 1_048_576:
        return f"{format_decimal(round(size / 1_048_576, 1), format='#,##0.0')} MB"
    return f"{max(1, round(size / 1024))} kB"


from app.books import views  # noqa: E402,F401
