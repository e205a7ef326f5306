from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.web.nav import NavItem, register_nav

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.record_once
def _navigation(state) -> None:
    register_nav(
        state.app, NavItem("admin.index", _l("Administración"), order=50, roles=("admin",))
    )


from app.admin import views  # noqa: E402,F401
