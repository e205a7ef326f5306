"""Reading preferences page, the lesson version switch, and the accessibility statement."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.preferences import bp
from app.preferences.current import account_preferences, cookie_preferences, current_preferences
from app.preferences.forms import PreferencesForm, ReadingForm
from app.preferences.prefs import COOKIE_MAX_AGE, COOKIE_NAME, VERSIONS, Preferences
from app.preferences.services import save_preferences
from app.web.access import public
from app.web.forms import ConfirmForm
from app.web.redirects import safe_next
from app.web.visitor_cache import visitor_cacheable

# The day the statement below was last reviewed against the tests that back it.
STATEMENT_DATE = date(2026, 11, 28)


@bp.app_context_processor
def preferences_context():
    prefs = current_preferences()
    return {"reading_prefs": prefs, "html_classes": " ".join(prefs.html_classes())}


def _back(target: str | None):
    return redirect(safe_next(target) or url_for("preferences.edit"))


def _remember(prefs: Preferences, response):
    """Keep PREFS on the account when logged in, else in a cookie of this browser."""
    if current_user.is_authenticated:
        save_preferences(current_user._get_current_object(), prefs)
    else:
        response.set_cookie(
            COOKIE_NAME,
            prefs.to_cookie(),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


@bp.route("/preferencias", methods=["GET", "POST"])
@public
def edit():
    form = PreferencesForm()
    if request.method == "GET":
        form.fill(current_preferences())
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        prefs = Preferences() if request.form.get("reset") else form.preferences()
        if request.form.get("reset"):
            flash(_("Volviste a la forma de leer inicial."), "success")
        elif current_user.is_authenticated:
            flash(_("Guardamos tus preferencias en tu cuenta."), "success")
        else:
            flash(_("Guardamos tus preferencias en este navegador."), "success")
        return _remember(prefs, _back(form.next.data))
    browser = cookie_preferences()
    offer_import = (
        current_user.is_authenticated
        and browser is not None
        and not browser.is_default
        and browser != account_preferences()
    )
    return render_template(
        "preferences/edit.html", form=form, offer_import=offer_import, import_form=ConfirmForm()
    )


@bp.route("/preferencias/version", methods=["POST"])
@public
def set_reading():
    form = ReadingForm()
    if not form.validate_on_submit():
        flash(_("No pudimos cambiar la versión. Inténtalo otra vez."), "error")
        return _back(form.next.data)
    prefs = current_preferences()
    prefs = Preferences.from_dict({**prefs.to_dict(), "reading": form.reading.data})
    return _remember(prefs, _back(form.next.data))


@bp.route("/preferencias/version/<reading>")
@public
def visitor_reading(reading: str):
    """A visitor's lesson switch: a link that keeps the version in this browser's cookie.

    A link rather than a form, so lesson pages for visitors carry no CSRF token and can be
    cached (app/web/visitor_cache.py); like the language link it stores nothing on the server.
    Accounts use the form of set_reading, which saves the choice on the account.
    """
    if reading not in VERSIONS:
        abort(404)
    back = _back(request.args.get("next"))
    if current_user.is_authenticated:
        return back
    prefs = Preferences.from_dict({**current_preferences().to_dict(), "reading": reading})
    return _remember(prefs, back)


@bp.route("/preferencias/guardar-en-cuenta", methods=["POST"])
def import_cookie():
    """Copy the preferences this browser had before logging in onto the account."""
    form = ConfirmForm()
    browser = cookie_preferences()
    if form.validate_on_submit() and browser is not None:
        save_preferences(current_user._get_current_object(), browser)
        flash(_("Guardamos en tu cuenta las preferencias de este navegador."), "success")
    return redirect(url_for("preferences.edit"))


@bp.route("/accesibilidad")
@public
@visitor_cacheable
def statement():
    return render_template(
        "preferences/statement.html",
        statement_date=STATEMENT_DATE,
        contact_email=current_app.config.get("CONTACT_EMAIL"),
    )
