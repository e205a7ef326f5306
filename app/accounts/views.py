"""Log in, log out, change password, profile."""

from __future__ import annotations

import logging

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import bp
from app.accounts import services as accounts
from app.accounts.forms import ChangePasswordForm, LoginForm, ProfileForm
from app.audit.services import record
from app.errors import DomainError
from app.extensions import db, limiter
from app.web.access import public
from app.web.forms import apply_domain_error
from app.web.redirects import safe_next

log = logging.getLogger("aula.auth")


def _login_account_key() -> str:
    return "login-account:" + (request.form.get("login") or "").strip().lower()[:254]


def _failed(response) -> bool:
    # Only failed attempts count towards the limit: a successful login redirects.
    return response.status_code != 302


@bp.route("/ingresar", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learning.my_courses"))
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            log.info("login failed request_id=%s", g.get("request_id", ""))
            record("login_failed", target_type="login")
            db.session.commit()
            form.password.errors.append(
                _("El nombre de usuario o la contraseña no son correctos. Revisa e inténtalo "
                  "otra vez.")
            )
        else:
            login_user(user, remember=form.remember.data)
            record("login", actor=user, target=user)
            db.session.commit()
            log.info("login user_id=%s request_id=%s", user.id, g.get("request_id", ""))
            if user.must_change_password:
                return redirect(url_for("accounts.change_password"))
            return redirect(next_url or url_for("learning.my_courses"))
    return render_template("accounts/login.html", form=form, next_url=next_url)


@bp.route("/salir", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        user.rotate_session()
        record("logout", actor=user, target=user)
        db.session.commit()
    logout_user()
    flash(_("Cerraste tu sesión."), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/cuenta/contrasena", methods=["GET", "POST"])
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            db.session.commit()
            login_user(user)  # the session token changed: keep this session, end the others
            flash(_("Tu contraseña quedó cambiada."), "success")
            return redirect(url_for("learning.my_courses"))
    return render_template(
        "accounts/change_password.html", form=form, forced=user.must_change_password
    )


@bp.route("/cuenta/perfil", methods=["GET", "POST"])
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if request.method == "GET":
        form.locale.data = user.locale or "es_CL"
    if form.validate_on_submit():
        try:
            accounts.update_profile(
                user, full_name=form.full_name.data, email=form.email.data, locale=form.locale.data
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_("Guardamos los cambios de tu perfil."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)


@bp.route("/idioma", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        lang = "es_CL"
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = redirect(safe_next(request.form.get("next")) or url_for("catalog.home"))
    response.set_cookie(
        "lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
