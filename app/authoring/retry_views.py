"""The workshop's «Intentar de nuevo lo que falló»: a course's editors plan again the narrations
and the talking books of its published version that failed, without an operator's command.

Only what failed is planned again (what is made or on its way is left as it is), and a person
may ask a few times an hour: a book that fails for good costs minutes of the worker's time at
each try (then the operator reads why in the log: docs/operations.md)."""

from __future__ import annotations

from flask import current_app, flash
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import STAFF
from app.authoring import bp
from app.authoring.views import _home, _workspace_or_404
from app.books.tasks import retry_failed_books
from app.course_store import get_course
from app.extensions import limiter
from app.narration.tasks import retry_failed_narrations
from app.revisions.services import published_revision
from app.web.access import roles_required
from app.web.errors import refuse_to
from app.web.forms import ConfirmForm


def _per_person() -> str:
    return f"retry-audio:{current_user.get_id()}"


@bp.route("/<slug>/reintentar", methods=["POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
@limiter.limit(lambda: current_app.config["AUDIO_RETRY_LIMIT"], key_func=_per_person)
def retry_audio(slug: str):
    ws = _workspace_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        flash(_("El formulario caducó. Vuelve a intentarlo."), "error")
        return _home(slug, _anchor="narracion")
    course, revision = get_course(slug), published_revision(slug)
    if course is None or revision is None:
        flash(_("El curso no está publicado."), "error")
        return _home(ws.slug)
    narrations = retry_failed_narrations(course)
    books = retry_failed_books(revision.id)
    if not narrations and not books:
        flash(_("No hay nada que intentar de nuevo: lo demás está listo o en camino."), "info")
    else:
        message = _(
            "Se intentará de nuevo lo que falló (narraciones: %(narrations)s; libros con audio: "
            "%(books)s). Vuelve a esta página en unos minutos.",
            narrations=narrations,
            books=books,
        )
        flash(message, "success")
    return _home(ws.slug, _anchor="narracion")
