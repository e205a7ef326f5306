"""Mis datos: see, download and ask to delete one's data; admins anonymise accounts."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.extensions import db
from app.privacy import bp
from app.privacy import services as privacy
from app.web.access import roles_required
from app.web.forms import ConfirmForm


@bp.route("/cuenta/mis-datos")
def my_data():
    data = privacy.personal_data(current_user)
    return render_template("privacy/my_data.html", data=data, form=ConfirmForm())


def _download(body: str, mimetype: str, extension: str) -> Response:
    filename = f"mis-datos-aula-reficoop.{extension}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/cuenta/mis-datos.json")
def my_data_json():
    data = privacy.personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _download(body, "application/json", "json")


@bp.route("/cuenta/mis-datos.csv")
def my_data_csv():
    body = privacy.personal_data_csv(privacy.personal_data(current_user))
    return _download(body, "text/csv; charset=utf-8", "csv")


@bp.route("/cuenta/mis-datos/eliminar", methods=["POST"])
def request_deletion():
    form = ConfirmForm()
    if form.validate_on_submit():
        privacy.request_deletion(current_user)
        flash(
            _(
                "Recibimos tu solicitud. El equipo de la red eliminará tus datos personales y te "
                "avisará por medio de tu facilitador o facilitadora."
            ),
            "success",
        )
    return redirect(url_for("privacy.my_data"))


@bp.route("/cuenta/mis-datos/cancelar", methods=["POST"])
def cancel_deletion():
    form = ConfirmForm()
    if form.validate_on_submit():
        privacy.cancel_deletion_request(current_user)
        flash(_("Cancelaste tu solicitud de eliminación."), "success")
    return redirect(url_for("privacy.my_data"))


@bp.route("/admin/solicitudes-de-eliminacion")
@roles_required("admin")
def deletion_requests():
    return render_template("privacy/deletion_requests.html", users=privacy.deletion_requests())


@bp.route("/admin/usuarios/<int:user_id>/anonimizar", methods=["GET", "POST"])
@roles_required("admin")
def anonymise(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.anonymised_at is not None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        if user.id == current_user.id:
            flash(_("No puedes anonimizar tu propia cuenta."), "error")
            return redirect(url_for("privacy.anonymise", user_id=user.id))
        privacy.anonymise_user(current_user, user)
        flash(_("Se eliminaron los datos personales de la cuenta."), "success")
        return redirect(url_for("privacy.deletion_requests"))
    return render_template("privacy/anonymise.html", user=user, form=form)
