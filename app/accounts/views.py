"""Log in, log out, change password, profile."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import bp
from app.accounts import services as accounts
from app.accounts.forms import ChangePasswordForm, LoginForm, ProfileForm
from app.accounts.login import LoginThrottled, attempt_login
from app.audit.services import record
from app.web.access import public
from app.web.errors import form_errors
from app.web.headers import csrf_field
from app.web.redirects import safe_next
from app.web.unit_of_work import keep_changes


@bp.route("/ingresar", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learning.my_courses"))
    form = LoginForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = attempt_login(form.login.data, form.password.data, request.remote_addr or "")
        except LoginThrottled:  # not the error map's page: the audit event must stay
            keep_changes()
            abort(429)
        if user is None:
            form.password.errors.append(
                _(
                    "El nombre de usuario o la contraseña no son correctos. Revisa e inténtalo "
                    "otra vez."
                )
            )
        else:
            login_user(user, remember=form.remember.data)
            rotate_csrf_token()
            if user.must_change_password:
                return redirect(url_for("accounts.change_password"))
            return redirect(next_url or url_for("learning.my_courses"))
    return render_template("accounts/login.html", form=form, next_url=next_url)


def rotate_csrf_token() -> None:
    """A new CSRF token from now on: one seen before login must not outlive it."""
    field = csrf_field(current_app)
    session.pop(field, None)
    g.pop(field, None)


@bp.route("/salir", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        user.rotate_session()
        record("logout", actor=user, target=user)
    logout_user()
    rotate_csrf_token()
    flash(_("Cerraste tu sesión."), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/cuenta/contrasena", methods=["GET", "POST"])
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        if sent.ok:
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
        form.disability.data = {True: "yes", False: "no"}.get(user.disability_declared, "")
        form.disability_consent.data = user.disability_consent_at is not None
    if form.validate_on_submit():
        with form_errors(form) as sent:
            accounts.update_profile(
                user, full_name=form.full_name.data, email=form.email.data, locale=form.locale.data
            )
            accounts.set_disability(
                user, form.disability.data or "", bool(form.disability_consent.data)
            )
        if sent.ok:
            flash(_("Guardamos los cambios de tu perfil."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)


@bp.route("/idioma/<lang>")
@public
def set_language(lang: str):
    """A visitor's language, kept in a cookie of their browser (accounts keep it in the profile).

    A GET link, so pages for visitors carry no form and no CSRF token and can be cached
    (app/web/visitor_cache.py); it stores nothing on the server.
    """
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("catalog.home"))
    response.set_cookie(
        "lang",
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
