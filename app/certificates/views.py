"""Verify a certificate (public), see and download mine, list and manage them (staff)."""

from __future__ import annotations

import io

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.certificates import bp
from app.certificates import services as certificates
from app.certificates.forms import FilterForm, ReinstateForm, RevokeForm, VerifyForm
from app.certificates.models import Certificate
from app.certificates.pdf import build_pdf, long_date, qr_code, statement
from app.errors import DomainError, NotFound
from app.events import certificate_attachments
from app.extensions import db, limiter
from app.web.access import public, roles_required
from app.web.unit_of_work import form_error, refused

verify_limit = limiter.shared_limit(
    lambda: current_app.config["CERTIFICATE_VERIFY_LIMIT"], scope="certificate-verify"
)


@bp.context_processor
def certificate_helpers():
    def hours_label(hours: float) -> str:
        count = 1 if float(hours) == 1 else 2
        return ngettext("%(n)s hora", "%(n)s horas", count, n=format_decimal(float(hours)))

    return {
        "format_code": certificates.format_code,
        "hours_label": hours_label,
        "network_name": certificates.NETWORK_NAME,
        "issuer_of": certificates.issuer_of,
        "spanish_date": long_date,  # the certificate's own text is in Spanish, like the PDF
        "action_labels": {
            "certificate_issued": _("Emitido"),
            "certificate_revoked": _("Revocado"),
            "certificate_reinstated": _("Restablecido"),
        },
    }


def verification_url(certificate: Certificate) -> str:
    """The absolute address of CERTIFICATE's public verification page (for the QR code)."""
    code = certificates.format_code(certificate.code)
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if base:
        return base + url_for("certificates.verify", code=code)
    return url_for("certificates.verify", code=code, _external=True)


def _verification_page(form: VerifyForm, typed: str | None):
    """The answer for a typed or linked code: valid, revoked, or not found (always alike)."""
    certificate = certificates.find_by_code(typed) if typed is not None else None
    if typed is not None and certificate is None:
        # Unknown, malformed or altered: one answer, without echoing what was sent.
        form = VerifyForm(formdata=None)
        return render_template("certificates/verify.html", form=form, result="not_found"), 404
    result = None
    if certificate is not None:
        result = "revoked" if certificate.revoked_at else "valid"
    return render_template(
        "certificates/verify.html", form=form, result=result, certificate=certificate
    )


@bp.route("/verificar")
@public
@verify_limit
def verify_form():
    form = VerifyForm(request.args)
    if "codigo" not in request.args:
        return render_template(
            "certificates/verify.html", form=VerifyForm(formdata=None), result=None
        )
    if not form.validate():
        return render_template("certificates/verify.html", form=form, result=None), 400
    return _verification_page(form, form.codigo.data)


@bp.route("/verificar/<code>")
@public
@verify_limit
def verify(code: str):
    return _verification_page(VerifyForm(formdata=None), code)


@bp.route("/mis-certificados")
def my_certificates():
    rows = certificates.my_certificates(current_user)
    return render_template("certificates/my_certificates.html", certificates=rows)


def _visible_or_404(certificate_id: int) -> Certificate:
    try:
        return certificates.visible_certificate(current_user, certificate_id)
    except NotFound:
        abort(404)


@bp.route("/certificados/<int:certificate_id>")
def detail(certificate_id: int):
    certificate = _visible_or_404(certificate_id)
    url = verification_url(certificate)
    return render_template(
        "certificates/detail.html",
        certificate=certificate,
        verify_url=url,
        statement=statement(certificate),
        qr_data_uri=qr_code(url).svg_data_uri(scale=4, border=2),
    )


@bp.route("/certificados/<int:certificate_id>.pdf")
def download_pdf(certificate_id: int):
    certificate = _visible_or_404(certificate_id)
    if certificate.revoked_at is not None:
        # A revoked certificate is no longer valid: no clean document of it leaves the server.
        return (
            render_template(
                "errors/error.html",
                code=410,
                title=_("Este certificado fue revocado"),
                explanation=_(
                    "Un certificado revocado ya no es válido, así que no se puede descargar. "
                    "Fue revocado el %(date)s. Motivo: %(reason)s",
                    date=format_date(certificate.revoked_at, "long"),
                    reason=certificate.revoked_reason or "",
                ),
                error_id=None,
            ),
            410,
        )
    files = certificate_attachments.send(None, certificate=certificate)
    data = build_pdf(
        certificate, verification_url(certificate), [f for _r, f in files if f is not None]
    )
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificado-{certificate.course_slug}-{certificate.code[:4]}.pdf",
        max_age=0,
    )


@bp.route("/certificados/")
@roles_required("coordinator", "admin")
def index():
    form = FilterForm(request.args)
    query = (form.q.data or "") if form.validate() else ""
    rows = certificates.list_for_staff(current_user, query)
    return render_template(
        "certificates/index.html",
        form=form,
        certificates=rows,
        query=query,
        limit=certificates.STAFF_LIST_LIMIT,
    )


def _manage_page(certificate: Certificate, revoke_form=None, reinstate_form=None, status=200):
    events = certificates.history(certificate)
    actors = certificates.users_by_id(
        {e.actor_id for e in events if e.actor_id} | {certificate.revoked_by_id}
    )
    revoked_by = actors.get(certificate.revoked_by_id)
    return (
        render_template(
            "certificates/manage.html",
            certificate=certificate,
            revoke_form=revoke_form or RevokeForm(formdata=None),
            reinstate_form=reinstate_form or ReinstateForm(formdata=None),
            form=revoke_form,
            events=events,
            actors=actors,
            revoked_by=revoked_by,
        ),
        status,
    )


def _admin_certificate_or_404(certificate_id: int) -> Certificate:
    return db.get_or_404(Certificate, certificate_id)


@bp.route("/admin/certificados/<int:certificate_id>")
@roles_required("admin")
def manage(certificate_id: int):
    return _manage_page(_admin_certificate_or_404(certificate_id))


@bp.route("/admin/certificados/<int:certificate_id>/revocar", methods=["POST"])
@roles_required("admin")
def revoke(certificate_id: int):
    certificate = _admin_certificate_or_404(certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certificates.revoke_certificate(
                current_user._get_current_object(), certificate, form.reason.data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_("El certificado quedó revocado."), "success")
            return redirect(url_for("certificates.manage", certificate_id=certificate.id))
    return _manage_page(certificate, revoke_form=form, status=400)


@bp.route("/admin/certificados/<int:certificate_id>/restablecer", methods=["POST"])
@roles_required("admin")
def reinstate(certificate_id: int):
    certificate = _admin_certificate_or_404(certificate_id)
    form = ReinstateForm()
    if form.validate_on_submit():
        try:
            certificates.reinstate_certificate(current_user._get_current_object(), certificate)
        except DomainError as exc:
            return refused(exc, url_for("certificates.manage", certificate_id=certificate.id))
        flash(_("El certificado volvió a ser válido."), "success")
    else:
        flash(_("No pudimos restablecer el certificado. Inténtalo otra vez."), "error")
    return redirect(url_for("certificates.manage", certificate_id=certificate.id))
