from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.web.nav import NavItem, register_nav

bp = Blueprint("learning", __name__)


@bp.record_once
def _navigation(state) -> None:
    register_nav(state.app, NavItem("learning.my_courses", _l("Mis cursos"), order=20))


from app.learning import views  # noqa: E402,F401
