from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.web.nav import NavItem, register_nav

bp = Blueprint("reports", __name__, url_prefix="/coordinacion")


@bp.record_once
def _navigation(state) -> None:
    register_nav(
        state.app,
        NavItem("reports.summary", _l("Coordinación"), order=40, roles=("coordinator", "admin")),
    )


from app.reports import views  # noqa: E402,F401
