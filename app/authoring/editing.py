"""Not one typed word is lost (issue 21): what the edit page adds to a save.

- A save refused for any reason answers with the page and the trainer's text in the text box:
  a form whose token is stale (logged in again in another tab) is shown again with a fresh one;
  a save sent after the session ended keeps the text on the server for its author
  (app.authoring.kept) and says so, with the text still on screen.
- A kept text (from the autosave or from such a save) is offered back on the file's edit page
  and after the next login: recover it into the text box, or discard it.
- The autosave (app/static/js/autosave.js) keeps the text box at most every 10 s without making a
  revision, and hands the page a fresh CSRF token each time.
- The conflict page says who saved meanwhile («tú, en otra pestaña») and what differs.
"""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user, user_logged_in
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import select

from app.accounts.models import STAFF, User
from app.authoring import bp, kept
from app.authoring import files as course_files
from app.authoring import services as authoring
from app.authoring.diff import compare
from app.authoring.models import KeptText
from app.errors import NotFound
from app.extensions import db, login_manager
from app.revisions.models import CourseRevision
from app.timeutil import utcnow
from app.web.access import roles_required, when_logged_out
from app.web.errors import csrf_error_page
from app.web.forms import ConfirmForm
from app.web.unit_of_work import keep_changes

EDIT = "authoring.edit"
AUTOSAVE = "authoring.autosave"
RECOVER_ARG = "recuperar"


def _when(moment) -> str:
    """«las 10:42» today, «el 5 de diciembre de 2026 a las 10:42» another day (Chile's time)."""
    if format_date(moment, "short") == format_date(utcnow(), "short"):
        return _("las %(time)s", time=format_time(moment, "HH:mm"))
    return _(
        "el %(date)s a las %(time)s",
        date=format_date(moment, "long"),
        time=format_time(moment, "HH:mm"),
    )


def _base_of(value: str | None) -> int:
    return int(value) if (value or "").isdigit() else 0


# --- the edit page -------------------------------------------------------------------------------
def prepare_form(form, user: User, slug: str, path: str) -> KeptText | None:
    """Sign the form for its author; on a GET that asks for it, put the kept text in the box
    (and its base, so saving it still checks for conflicts). Returns the recovered text."""
    form.keep_token.data = kept.form_token(user, slug, path)
    if request.method != "GET" or not request.args.get(RECOVER_ARG):
        return None
    found = kept.kept_text(user, slug, path)
    if found is not None:
        form.text.data = found.text
        form.base.data = str(found.base_revision_id)
    return found


def explain_stale_token(form) -> None:
    """A save refused only for its CSRF token (the person logged in again since the page was
    shown): say so plainly; the posted text stays in the box and the page has a fresh token."""
    token = getattr(form, "csrf_token", None)
    if token is not None and token.errors:
        token.errors = []
        form.form_errors.append(
            _(
                "No se guardó: esta página se abrió antes de tu último ingreso y su formulario "
                "ya no sirve. Tu texto sigue aquí, sin cambios: revísalo y pulsa «Guardar en el "
                "borrador» otra vez."
            )
        )


def page_extras(user: User, ws: authoring.Workspace, path: str, form, recovered) -> dict:
    """What edit.html shows about kept text: the offer to recover or discard it, or the
    notice that it is in the box now, and the autosave's address."""
    saved_text = _same(ws.files[path].decode("utf-8", "replace"))
    in_box = _same(form.text.data or "")
    offer = None
    if recovered is None:
        found = kept.kept_text(user, ws.slug, path)
        # A kept text equal to the saved one (an autosave that arrived after the save) or to
        # the box's is nothing to offer.
        if found is not None and _same(found.text) not in (saved_text, in_box):
            offer = found
    return {
        "kept_offer": offer,
        "kept_when": _when(offer.saved_at) if offer else "",
        "recovered": recovered,
        "recovered_when": _when(recovered.saved_at) if recovered else "",
        "discard_form": ConfirmForm(),
        "autosave_url": url_for(AUTOSAVE, slug=ws.slug, path=path),
        # The box holds text that is not in the draft (a refused save, a recovered text).
        "unsaved": in_box != saved_text,
    }


def _same(text: str) -> str:
    """TEXT as a save would store it, for comparing (line ends; final newlines)."""
    return text.replace("\r\n", "\n").rstrip("\n")


def saved(user: User, slug: str, path: str) -> None:
    """The text was saved as a revision: nothing is kept for it any more."""
    kept.discard(user, slug, path)


def conflict_extras(user: User, ws: authoring.Workspace, exc: authoring.EditConflict, base):
    """Who saved the file since the form's BASE (the same person: another tab or window) and
    the lines that differ between that text and the one sent."""
    authors = set(
        db.session.scalars(
            select(CourseRevision.author_id).where(
                CourseRevision.course_slug == ws.slug,
                CourseRevision.id > base,
                CourseRevision.id <= ws.revision_id,
            )
        )
    )
    return {
        "by_me": authors == {user.id},
        "diffs": compare(
            {exc.path: exc.theirs.encode("utf-8")}, {exc.path: exc.mine.encode("utf-8")}
        ),
    }


# --- a save or an autosave sent after the session ended ------------------------------------------
def _keep_from_token(slug: str, path: str) -> KeptText | None:
    """Keep the posted text for the person the form was signed for (never one the form
    names); the unit of work commits it although the answer is a refusal."""
    owner = kept.token_owner(request.form.get("keep_token", ""), slug, path)
    if owner is None:
        return None
    found = kept.keep(
        owner, slug, path, request.form.get("text", ""), _base_of(request.form.get("base"))
    )
    if found is not None:
        keep_changes()
    return found


def save_after_session_ended(slug: str, path: str):
    """The answer to a save sent by someone no longer logged in: the text kept for them and
    shown again, with the way back in; nothing posted: the usual way to log in."""
    text = request.form.get("text", "")
    if not text and not request.form.get("keep_token"):
        return login_manager.unauthorized()
    found = _keep_from_token(slug, path)
    edit_url = url_for(EDIT, slug=slug, path=path)
    return render_template(
        "authoring/session_ended.html",
        path=path,
        text=text,
        kept=found is not None,
        login_url=url_for("accounts.login", next=f"{edit_url}?{RECOVER_ARG}=1"),
    ), 401


def autosave_after_session_ended(slug: str, path: str):
    if not request.form.get("text") and not request.form.get("keep_token"):
        return login_manager.unauthorized()
    found = _keep_from_token(slug, path)
    message = (
        _("Tu sesión terminó. Guardamos tu texto aparte: ingresa otra vez para recuperarlo.")
        if found is not None
        else _("Tu sesión terminó y no se pudo guardar tu texto: cópialo antes de salir.")
    )
    return jsonify(kept=found is not None, message=message), 401


@bp.errorhandler(CSRFError)
def _refused_token(exc: CSRFError):
    """A workshop save with a token no longer valid never loses its text."""
    args = request.view_args or {}
    if request.method == "POST" and request.endpoint in (EDIT, AUTOSAVE):
        if not current_user.is_authenticated:
            if request.endpoint == EDIT:
                return save_after_session_ended(**args)
            return autosave_after_session_ended(**args)
        me = current_user._get_current_object()
        if request.endpoint == EDIT and me.has_role(*STAFF) and _editable_or_404(me, **args):
            # The edit view shows the page again: the form's own check refuses the token and the
            # text stays in the box, with a fresh token (explain_stale_token).
            return current_app.view_functions[EDIT](**args)
        if request.endpoint == AUTOSAVE:
            return _autosave_with_keep_token(**args)
    return csrf_error_page()


def _autosave_with_keep_token(slug: str, path: str):
    """An autosave whose CSRF token went stale (the person logged in again elsewhere): the
    form's signed token, made for this person, file and course, stands for it."""
    owner = kept.token_owner(request.form.get("keep_token", ""), slug, path)
    if owner is None or owner.id != current_user.id:
        return jsonify(kept=False, message=_("No se pudo guardar automáticamente.")), 400
    return _autosaved(owner, slug, path)


# --- the autosave, and discarding a kept text ----------------------------------------------------
def _editable_or_404(user: User, slug: str, path: str) -> authoring.Workspace | None:
    try:
        authoring.require_editor(user, slug)
        ws = authoring.workspace(slug)
    except NotFound:  # the autosave answers in JSON (404 with a message), not with a page
        return None
    if not course_files.EDITABLE.match(path) or path not in ws.files:
        return None
    return ws


def _autosaved(user: User, slug: str, path: str):
    if _editable_or_404(user, slug, path) is None:
        return jsonify(kept=False, message=_("Este archivo ya no está en el borrador.")), 404
    found = kept.keep(
        user, slug, path, request.form.get("text", ""), _base_of(request.form.get("base"))
    )
    if found is None:
        return jsonify(kept=False, message=_("El texto es demasiado largo.")), 400
    keep_changes()
    return jsonify(
        kept=True,
        message=_(
            "Guardado automáticamente a las %(time)s.", time=format_time(found.saved_at, "HH:mm")
        ),
        csrf=generate_csrf(),
    )


@bp.route("/<slug>/archivo/<path:path>/autoguardado", methods=["POST"])
@when_logged_out(autosave_after_session_ended)
@roles_required(*STAFF)
def autosave(slug: str, path: str):
    """Keep the text box (no revision): the script calls it at most every 10 s."""
    return _autosaved(current_user._get_current_object(), slug, path)


@bp.route("/<slug>/archivo/<path:path>/descartar-texto", methods=["POST"])
@roles_required(*STAFF)
def discard_kept(slug: str, path: str):
    """Forget the kept text of this file; the saved text stays as it was."""
    me = current_user._get_current_object()
    if _editable_or_404(me, slug, path) is None:
        return redirect(url_for("authoring.course", slug=slug))
    if ConfirmForm().validate_on_submit() and kept.discard(me, slug, path):
        flash(_("Descartaste el texto sin guardar. El archivo queda como estaba."), "success")
    return redirect(url_for(EDIT, slug=slug, path=path))


# --- after logging in ----------------------------------------------------------------------------
def _offer_after_login(sender, user, **extra) -> None:
    if request.endpoint != "accounts.login" or not user.has_role(*STAFF):
        return
    for found in kept.kept_texts_of(user)[:3]:
        flash(
            _(
                "Tienes un texto sin guardar de %(when)s en %(path)s (curso %(slug)s): ábrelo en "
                "el taller para recuperarlo o descartarlo.",
                when=_when(found.saved_at),
                path=found.path,
                slug=found.course_slug,
            ),
            "info",
        )


def connect(app) -> None:
    """Offer kept texts after each login (called once, by create_app)."""
    user_logged_in.connect(_offer_after_login, app)
