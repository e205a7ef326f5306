"""The page that answers a download of a certificate that is not valid (revoked or suspended).

No clean document of a certificate that is not valid leaves the server: neither its PDF nor its
credential. A revoked one is gone for good (410); a suspended one comes back when the
suspension is lifted (409, the certificate's present state forbids it).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _

from app.certificates.models import Certificate


def _explanation(certificate: Certificate, document: str) -> str:
    revoked = certificate.state == "revoked"
    moment = certificate.revoked_at if revoked else certificate.suspended_at
    reason = (certificate.revoked_reason if revoked else certificate.suspended_reason) or ""
    date = format_date(moment, "long")
    if revoked and document == "pdf":
        return _(
            "Un certificado revocado ya no es válido, así que no se puede descargar. "
            "Fue revocado el %(date)s. Motivo: %(reason)s",
            date=date,
            reason=reason,
        )
    if revoked:
        return _(
            "Un certificado revocado ya no es válido, así que su credencial no se puede "
            "descargar. Fue revocado el %(date)s. Motivo: %(reason)s",
            date=date,
            reason=reason,
        )
    if document == "pdf":
        return _(
            "Mientras esté suspendido, el certificado no es válido y no se puede descargar. "
            "Fue suspendido el %(date)s. Motivo: %(reason)s",
            date=date,
            reason=reason,
        )
    return _(
        "Mientras esté suspendido, el certificado no es válido y su credencial no se puede "
        "descargar. Fue suspendido el %(date)s. Motivo: %(reason)s",
        date=date,
        reason=reason,
    )


def withdrawn_answer(certificate: Certificate, document: str):
    """The error page for downloading DOCUMENT ('pdf' or 'credential') of CERTIFICATE, or None
    when the certificate is valid and the download may go ahead."""
    state = certificate.state
    if state == "valid":
        return None
    revoked = state == "revoked"
    title = _("Este certificado fue revocado") if revoked else _("Este certificado está suspendido")
    code = 410 if revoked else 409
    page = render_template(
        "errors/error.html",
        code=code,
        title=title,
        explanation=_explanation(certificate, document),
        error_id=None,
    )
    return page, code
