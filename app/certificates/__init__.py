"""Certificates: issued on course completion, verified publicly by code."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.web.nav import NavItem, register_nav

bp = Blueprint("certificates", __name__)


@bp.record_once
def _navigation(state) -> None:
    register_nav(
        state.app,
        NavItem("certificates.my_certificates", _l("Mis certificados"), order=60),
        NavItem(
            "certificates.index",
            _l("Certificados emitidos"),
            order=70,
            roles=("coordinator", "admin"),
        ),
    )


from app.certificates import views  # noqa: E402,F401
