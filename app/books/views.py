"""Download a course's talking book (EPUB 3 with audio), for visitors too."""

from __future__ import annotations

import io

from flask import abort, request, send_file

from app.books import bp
from app.books.models import READINGS
from app.books.services import MEDIA_TYPE, book_data, download_name, ready_book
from app.course_store import course_or_404
from app.web.access import public

YEAR = 365 * 86400


@bp.route("/cursos/<slug>/libro/<reading>.epub")
@public
def download(slug: str, reading: str):
    """The book of one reading version of the version of the course published now."""
    course = course_or_404(slug)
    book = ready_book(course, reading) if reading in READINGS else None
    if book is None:
        abort(404)
    return send_file(
        io.BytesIO(book_data(book)),
        mimetype=MEDIA_TYPE,
        as_attachment=True,
        download_name=download_name(course, reading),
        etag=book.blob_sha256,
        conditional=True,
        max_age=YEAR if request.args.get("v") == book.blob_sha256[:12] else 3600,
    )
