from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.web.nav import NavItem, register_nav

bp = Blueprint("catalog", __name__)


@bp.record_once
def _navigation(state) -> None:
    register_nav(state.app, NavItem("catalog.index", _l("Cursos"), order=10, visitors=True))


from app.catalog import views  # noqa: E402,F401
