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
    fonts = find_font_dir()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_lang("es-CL")
    pdf.set_title(document_title(certificate))
    issuer = issuer_of(certificate)
    pdf.set_author(issuer)
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
    pdf.set_margins(20, 18, 20)
    pdf.add_page()

    width, height = pdf.w, pdf.h
    brand = (11, 79, 108)
    pdf.set_draw_color(*brand)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, width - 26, height - 26)

    inner = width - 40
    pdf.set_text_color(*brand)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_y(22)
    pdf.multi_cell(inner, 6, issuer, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 34)
    pdf.cell(inner, 16, "Certificado", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    pdf.set_text_color(27, 27, 27)
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(inner, 8, "Se certifica que", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 24)
    pdf.multi_cell(
        inner, 11, certificate.holder_name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(inner, 8, "completó el curso", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(
        inner,
        9,
        f"«{certificate.course_title}»",
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(inner, 7, statement(certificate), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Verification block: code and address in text, and the same address as a QR code.
    qr_size = 38
    qr_x = width - 20 - qr_size
    qr_y = height - 20 - qr_size
    pdf.image(
        io.BytesIO(qr_png(verify_url)),
        x=qr_x,
        y=qr_y,
        w=qr_size,
        h=qr_size,
        alt_text=(
            "Código QR que abre la página de verificación de este certificado: " + verify_url
        ),
    )
    text_w = qr_x - 20 - 6
    pdf.set_xy(20, qr_y + 2)
    pdf.set_font("DejaVu", "", 10)
    issued_by = f"Emitido por {issuer}" + (", en Aula REFICOOP" if certificate.issuer_name else "")
    pdf.multi_cell(text_w, 5, issued_by, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if certificate.municipality_name:
        pdf.cell(
            text_w,
            5,
            f"Comuna: {certificate.municipality_name}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.cell(
        text_w,
        5,
        f"Fecha de emisión: {long_date(certificate.issued_at.date())}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(
        text_w,
        6,
        f"Código de verificación: {format_code(certificate.code)}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(text_w, 5, "Verifica este certificado en:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(10, 74, 143)
    pdf.multi_cell(text_w, 5, verify_url, link=verify_url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for name, data, description in attachments:
        pdf.embed_file(bytes=data, basename=name, desc=description, mime_type="application/json")
    return bytes(pdf.output())


def _aware(moment):
    return moment.replace(tzinfo=UTC)
