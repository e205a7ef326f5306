"""The issuer's DID document, the status list, credential downloads and the checker page."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.certificates import services as certificates
from app.certificates.models import Certificate
from app.certificates.withdrawn import withdrawn_answer
from app.credentials import bp, keys, services
from app.credentials.forms import MAX_CREDENTIAL_BYTES, CheckCredentialForm
from app.extensions import limiter
from app.web.access import public

verify_limit = limiter.shared_limit(
    lambda: current_app.config["CERTIFICATE_VERIFY_LIMIT"], scope="certificate-verify"
)
JSON_TYPE = "application/json"


@bp.app_context_processor
def credential_helpers():
    def credential_available(certificate: Certificate) -> bool:
        return certificate.state == "valid" and services.credential_of(certificate) is not None

    def with_credential(certificates) -> set[int]:
        """Ids of CERTIFICATES whose credential can be downloaded (one query)."""
        return services.downloadable_ids([c.id for c in certificates if c.state == "valid"])

    return {"credential_available": credential_available, "with_credential": with_credential}


@bp.route("/ayuda/credencial")
@public
def help_page():
    return render_template("credentials/help.html")


@bp.route("/.well-known/did.json")
@bp.route("/did.json")  # where did:web looks when PUBLIC_BASE_URL has a path (a prefix mount)
@public
def did_document():
    if not keys.read_keys():
        abort(404)
    response = Response(json.dumps(keys.did_document(), indent=2), mimetype="application/did+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.max_age = 300
    return response


@bp.route(services.STATUS_PATHS["revocation"], defaults={"purpose": "revocation"})
@bp.route(services.STATUS_PATHS["suspension"], defaults={"purpose": "suspension"})
@public
def status_list(purpose: str):
    document = services.status_list_credential(purpose)
    if document is None:
        abort(404)
    response = Response(json.dumps(document, indent=2), mimetype=JSON_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.max_age = 60  # a change of status reaches verifiers within a minute
    return response


def _download(certificate: Certificate):
    refused_download = withdrawn_answer(certificate, "credential")
    if refused_download is not None:
        return refused_download
    document = services.credential_document(certificate)
    if document is None:
        abort(404)
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype=JSON_TYPE + "; charset=utf-8"
    )
    name = services.download_name(certificate)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.cache_control.no_store = True
    return response


@bp.route("/certificados/<int:certificate_id>/credencial.json")
def download(certificate_id: int):
    return _download(certificates.visible_certificate(current_user, certificate_id))


@bp.route("/verificar/<code>/credencial.json")
@public
@verify_limit
def public_download(code: str):
    certificate = certificates.find_by_code(code)
    if certificate is None:
        abort(404)
    return _download(certificate)


def _read_sent(form: CheckCredentialForm) -> tuple[object | None, str | None]:
    """(parsed JSON, error message) from the uploaded file, else the pasted text."""
    upload = form.archivo.data
    raw = upload.read(MAX_CREDENTIAL_BYTES + 1) if upload and upload.filename else b""
    if not raw:
        raw = (form.texto.data or "").strip().encode("utf-8")
    if not raw:
        return None, _("Elige el archivo de la credencial o pega su texto.")
    if len(raw) > MAX_CREDENTIAL_BYTES:
        return None, _("El archivo es demasiado grande para ser una credencial (máximo 200 KB).")
    try:
        return json.loads(raw.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError):
        return None, _(
            "Esto no es una credencial: el texto no es JSON. Usa el archivo .json tal como lo "
            "descargaste, sin cambiarlo."
        )


@bp.route("/verificar/credencial", methods=["GET", "POST"])
@public
@verify_limit
def check():
    form = CheckCredentialForm()
    if request.method == "GET":
        return render_template("credentials/check.html", form=form, report=None)
    if not form.validate_on_submit():
        return render_template("credentials/check.html", form=form, report=None), 400
    document, problem = _read_sent(form)
    if problem:
        form.archivo.errors = [problem]
        return render_template("credentials/check.html", form=form, report=None), 400
    report = services.check_credential(document)
    return render_template(
        "credentials/check.html",
        form=CheckCredentialForm(formdata=None),
        report=report,
        subject=_subject_name(report),
        verify_link=_verify_link(report),
    )


def _verify_link(report: services.CheckReport) -> str | None:
    if report.certificate is None:
        return None
    code = certificates.format_code(report.certificate.code)
    return url_for("certificates.verify", code=code)


def _subject_name(report: services.CheckReport) -> str:
    subject = (report.document or {}).get("credentialSubject")
    return subject.get("name", "") if isinstance(subject, dict) else ""
