"""Verify a certificate (public), see and download mine, list and manage them (staff)."""

from __future__ import annotations

import io

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app.certificates import bp
from app.certificates import services as certificates
from app.certificates.forms import (
    FilterForm,
    LiftSuspensionForm,
    RevokeForm,
    SuspendForm,
    VerifyForm,
)
from app.certificates.models import Certificate
from app.certificates.pdf import build_pdf, long_date, qr_code, statement
from app.certificates.withdrawn import withdrawn_answer
from app.events import certificate_attachments
from app.extensions import db, limiter
from app.web.access import public, roles_required
from app.web.errors import form_errors

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
            "certificate_reinstated": _("Restablecido"),  # before revocation became final
            "certificate_suspended": _("Suspendido"),
            "certificate_suspension_lifted": _("Suspensión levantada"),
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
    """The answer for a typed or linked code: valid, suspended, revoked, or not found."""
    certificate = certificates.find_by_code(typed) if typed is not None else None
    if typed is not None and certificate is None:
        # Unknown, malformed or altered: one answer, without echoing what was sent.
        form = VerifyForm(formdata=None)
        return render_template("certificates/verify.html", form=form, result="not_found"), 404
    result = certificate.state if certificate is not None else None
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
    return certificates.visible_certificate(current_user, certificate_id)  # NotFound: 404


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
    refused_download = withdrawn_answer(certificate, "pdf")
    if refused_download is not None:
        return refused_download
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


def _manage_page(certificate: Certificate, failed=None, status=200):
    """The admin's page of CERTIFICATE; FAILED is a form sent with errors, shown again."""
    events = certificates.history(certificate)
    actors = certificates.users_by_id(
        {e.actor_id for e in events if e.actor_id}
        | {certificate.revoked_by_id, certificate.suspended_by_id}
    )
    forms = {
        "revoke_form": RevokeForm(formdata=None),
        "suspend_form": SuspendForm(formdata=None, prefix="suspend"),
        "lift_form": LiftSuspensionForm(formdata=None, prefix="lift"),
    }
    for name, form in forms.items():
        if failed is not None and type(failed) is type(form):
            forms[name] = failed
    return (
        render_template(
            "certificates/manage.html",
            certificate=certificate,
            form=failed or forms["revoke_form"],
            events=events,
            actors=actors,
            revoked_by=actors.get(certificate.revoked_by_id),
            suspended_by=actors.get(certificate.suspended_by_id),
            **forms,
        ),
        status,
    )


def _admin_certificate_or_404(certificate_id: int) -> Certificate:
    return db.get_or_404(Certificate, certificate_id)


@bp.route("/admin/certificados/<int:certificate_id>")
@roles_required("admin")
def manage(certificate_id: int):
    return _manage_page(_admin_certificate_or_404(certificate_id))


def _change_status(certificate_id: int, form, change, done: str):
    """One status form of the manage page: CHANGE(actor, certificate, reason) when the form is
    valid and the rules allow it, then back to the page with DONE; else the page with errors."""
    certificate = _admin_certificate_or_404(certificate_id)
    if form.validate_on_submit():
        with form_errors(form) as sent:
            change(current_user._get_current_object(), certificate, form.reason.data)
        if sent.ok:
            flash(done, "success")
            return redirect(url_for("certificates.manage", certificate_id=certificate.id))
    return _manage_page(certificate, form, status=400)


@bp.route("/admin/certificados/<int:certificate_id>/revocar", methods=["POST"])
@roles_required("admin")
def revoke(certificate_id: int):
    return _change_status(
        certificate_id,
        RevokeForm(),
        certificates.revoke_certificate,
        _("El certificado quedó revocado."),
    )


@bp.route("/admin/certificados/<int:certificate_id>/suspender", methods=["POST"])
@roles_required("admin")
def suspend(certificate_id: int):
    return _change_status(
        certificate_id,
        SuspendForm(prefix="suspend"),
        certificates.suspend_certificate,
        _("El certificado quedó suspendido."),
    )


@bp.route("/admin/certificados/<int:certificate_id>/levantar-suspension", methods=["POST"])
@roles_required("admin")
def lift_suspension(certificate_id: int):
    return _change_status(
        certificate_id,
        LiftSuspensionForm(prefix="lift"),
        certificates.lift_suspension,
        _("Se levantó la suspensión: el certificado vuelve a ser válido."),
    )
