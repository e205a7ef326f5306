"""CSV (Excel with Spanish settings: semicolons, UTF-8 with BOM) and XLSX exports.

Cells that a spreadsheet would read as a formula are neutralised with a leading quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from tempfile import SpooledTemporaryFile

from flask_babel import gettext as _
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a quote to text a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def headers() -> list[str]:
    return [
        _("Comuna"),
        _("Grupo"),
        _("Participante"),
        _("Usuario"),
        _("Curso"),
        _("Estado"),
        _("Lecciones completadas"),
        _("Fecha de inscripción"),
        _("Última actividad"),
        _("Fecha de término"),
        _("Fecha del certificado"),
    ]


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def row_values(row, course_titles: dict, status_names: dict) -> list:
    return [
        row.municipality,
        row.group_name,
        row.full_name,
        row.username,
        course_titles.get(row.course_slug, row.course_slug),
        str(status_names.get(row.state, row.state)),
        row.lessons_done,
        _day(row.enrolled_at),
        _day(row.last_activity_at),
        _day(row.completed_at),
        _day(row.certified_at),
    ]


def csv_chunks(rows: Iterable, course_titles: dict, status_names: dict) -> Iterator[str]:
    """Yield the CSV text in pieces: a BOM, the header, then batches of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers()])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, start=1):
        writer.writerow([neutralise(v) for v in row_values(row, course_titles, status_names)])
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(rows: Iterable, course_titles: dict, status_names: dict):
    """Write the workbook (write-only mode) to a spooled temporary file, rewound."""

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Registros"))
    sheet.append(headers())
    for row in rows:
        sheet.append([neutralise(v) for v in row_values(row, course_titles, status_names)])
    spool = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - streamed then closed
    workbook.save(spool)
    spool.seek(0)
    return spool


def file_chunks(spool, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := spool.read(size):
            yield chunk
    finally:
        spool.close()
