"""The certificate as an accessible PDF: real text, title, language, alt text on the QR code.

fpdf2 writes the document language, title and metadata, and tags the QR image as a Figure
with alternative text; it does not tag the text blocks as headings or paragraphs, so the PDF
is readable (text is real, in reading order) but not fully tagged PDF/UA.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC
from pathlib import Path

import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.prefs import ViewerPreferences

from app.certificates.models import Certificate
from app.certificates.services import format_code, issuer_of

PDF_LOCALE = "es_CL"
# fontTools logs every glyph it subsets at INFO: keep the application log readable.
logging.getLogger("fontTools").setLevel(logging.WARNING)
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian/Ubuntu: fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),  # Fedora, Alpine
    Path("/usr/share/fonts/TTF"),  # Arch
)
QR_SCALE = 8  # pixels per module in the embedded PNG
QR_BORDER = 4  # quiet zone, in modules
QR_ERROR = "m"
BRAND = (11, 79, 108)  # the frame, the issuer and the word «Certificado»
INK = (27, 27, 27)  # the rest of the text
LINK = (10, 74, 143)  # the verification address
MARGIN = 20  # mm, left and right of the text, and below the verification block
QR_SIZE = 38  # mm


def find_font_dir() -> Path:
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
            return folder
    raise RuntimeError(
        "DejaVu fonts not found: install Debian's fonts-dejavu-core "
        "(scripts/install-system-deps.sh) to generate certificate PDFs."
    )


def hours_text(hours: float) -> str:
    """'1 hora', '2 horas', '1,5 horas' (Spanish, whatever the interface language)."""
    number = format_decimal(hours, locale=PDF_LOCALE)
    return f"{number} hora" if hours == 1 else f"{number} horas"


def long_date(value) -> str:
    return format_date(value, format="long", locale=PDF_LOCALE)


def qr_code(url: str) -> segno.QRCode:
    """The QR code of the verification URL (the PDF and the HTML page use the same one)."""
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


def document_title(certificate: Certificate) -> str:
    return f"Certificado: {certificate.course_title} · {certificate.holder_name}"


def statement(certificate: Certificate) -> str:
    """The sentence the certificate states, after the person's and the course's names."""
    text = (
        f"con una duración de {hours_text(certificate.hours)}, "
        f"completado el {long_date(certificate.completed_on)}"
    )
    if certificate.municipality_name:
        text += f", en la comuna de {certificate.municipality_name}"
    return text + "."


def build_pdf(certificate: Certificate, verify_url: str, attachments=()) -> bytes:
    """Render CERTIFICATE as a one-page A4 landscape PDF whose QR code encodes VERIFY_URL.

    ATTACHMENTS, (file name, bytes, description) each, are embedded as files (the Open Badges
    credential travels inside the PDF)."""
    pdf = _new_document(certificate)
    _frame(pdf)
    _title_block(pdf, issuer_of(certificate))
    _holder_block(pdf, certificate)
    _verification_block(pdf, certificate, verify_url)
    _attach(pdf, attachments)
    return bytes(pdf.output())


def _new_document(certificate: Certificate) -> FPDF:
    """An A4 landscape document with one page, its metadata, language and fonts."""
    fonts = find_font_dir()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_lang("es-CL")
    pdf.set_title(document_title(certificate))
    pdf.set_author(issuer_of(certificate))
    pdf.set_creator("Aula REFICOOP")
    pdf.set_producer("Aula REFICOOP (fpdf2)")
    pdf.set_subject(f"Certificado del curso «{certificate.course_title}»")
    pdf.set_keywords(f"certificado, REFICOOP, {format_code(certificate.code)}")
    pdf.set_creation_date(_aware(certificate.issued_at))
    # Viewers show the title instead of the file name (PDF/UA asks for it).
    pdf.set_display_mode("fullpage")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, 18, MARGIN)
    pdf.add_page()
    return pdf


def _frame(pdf: FPDF) -> None:
    """A thick and a thin border around the page."""
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)


def _centred(pdf: FPDF, size: int, line_height: float, text: str, *, bold=False, wrap=False):
    """One line of TEXT centred between the margins (WRAP: as many lines as it takes)."""
    pdf.set_font("DejaVu", "B" if bold else "", size)
    inner = pdf.w - 2 * MARGIN
    write = pdf.multi_cell if wrap else pdf.cell
    write(inner, line_height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _title_block(pdf: FPDF, issuer: str) -> None:
    """Who issues it, and the word «Certificado»."""
    pdf.set_text_color(*BRAND)
    pdf.set_y(22)
    _centred(pdf, 12, 6, issuer, bold=True, wrap=True)
    pdf.ln(6)
    _centred(pdf, 34, 16, "Certificado", bold=True)
    pdf.ln(4)


def _holder_block(pdf: FPDF, certificate: Certificate) -> None:
    """Who completed which course, and the statement (hours, date, municipality)."""
    pdf.set_text_color(*INK)
    _centred(pdf, 14, 8, "Se certifica que")
    pdf.ln(2)
    _centred(pdf, 24, 11, certificate.holder_name, bold=True, wrap=True)
    pdf.ln(2)
    _centred(pdf, 14, 8, "completó el curso")
    pdf.ln(1)
    _centred(pdf, 18, 9, f"«{certificate.course_title}»", bold=True, wrap=True)
    pdf.ln(2)
    _centred(pdf, 14, 7, statement(certificate), wrap=True)


def _verification_block(pdf: FPDF, certificate: Certificate, verify_url: str) -> None:
    """Bottom of the page: the code and the address in text, and the address as a QR code."""
    qr_x = pdf.w - MARGIN - QR_SIZE
    qr_y = pdf.h - MARGIN - QR_SIZE
    pdf.image(
        io.BytesIO(qr_png(verify_url)),
        x=qr_x,
        y=qr_y,
        w=QR_SIZE,
        h=QR_SIZE,
        alt_text=(
            "Código QR que abre la página de verificación de este certificado: " + verify_url
        ),
    )
    width = qr_x - MARGIN - 6

    def line(text: str, height: float = 5, **options) -> None:
        pdf.cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, **options)

    pdf.set_xy(MARGIN, qr_y + 2)
    pdf.set_font("DejaVu", "", 10)
    issuer = issuer_of(certificate)
    issued_by = f"Emitido por {issuer}" + (", en Aula REFICOOP" if certificate.issuer_name else "")
    pdf.multi_cell(width, 5, issued_by, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if certificate.municipality_name:
        line(f"Comuna: {certificate.municipality_name}")
    line(f"Fecha de emisión: {long_date(certificate.issued_at.date())}")
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    line(f"Código de verificación: {format_code(certificate.code)}", 6)
    pdf.set_font("DejaVu", "", 10)
    line("Verifica este certificado en:")
    pdf.set_text_color(*LINK)
    pdf.multi_cell(width, 5, verify_url, link=verify_url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _attach(pdf: FPDF, attachments) -> None:
    """Embed each (file name, bytes, description) of ATTACHMENTS as a JSON file."""
    for name, data, description in attachments:
        pdf.embed_file(bytes=data, basename=name, desc=description, mime_type="application/json")


def _aware(moment):
    return moment.replace(tzinfo=UTC)
