"""The course workshop: trainers write, check, preview and publish courses in the browser.

Drafts and every saved version live in the database (app.revisions); the pages here work
without JavaScript. Only a course's editors and admins see its drafts (services.can_edit), and
the people they invite to try it read them in the preview (testers.can_preview).
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import STAFF
from app.web.nav import NavItem, register_nav

bp = Blueprint("authoring", __name__, url_prefix="/formacion/taller")


@bp.record_once
def _navigation(state) -> None:
    register_nav(
        state.app,
        NavItem("authoring.index", _l("Taller de cursos"), order=32, roles=STAFF),
    )


from app.authoring import editing, retry_views, views  # noqa: E402,F401
