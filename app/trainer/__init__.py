from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import STAFF
from app.web.nav import NavItem, register_nav

bp = Blueprint("trainer", __name__, url_prefix="/formacion")


@bp.record_once
def _navigation(state) -> None:
    register_nav(state.app, NavItem("trainer.index", _l("Formación"), order=30, roles=STAFF))


from app.trainer import views  # noqa: E402,F401
