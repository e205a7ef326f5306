"""Text typed in the workshop and not saved: kept per person and file, never a revision.

Two things keep a text: the edit page's autosave (with the script), and a save sent after the
session ended (logged out in another tab, the browser's session cookie gone). The second
request comes from nobody the app knows, so the edit form carries a signed token, made when the
page was shown, that names its person, course and file and expires (KEPT_TEXT_FORM_HOURS): the
text is kept for that person only if the token is genuine, never from what the form claims.
A kept text is offered back on that file's edit page (recover or discard) and forgotten once
saved, discarded, or older than KEPT_TEXT_DAYS. It counts toward no storage budget and is seen
by nobody else.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.authoring.models import KeptText
from app.extensions import db
from app.timeutil import utcnow

MAX_CHARS = 200_000  # as the edit form's text box (forms.FileForm)
_SALT = "aula-kept-text"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def form_token(user: User, slug: str, path: str) -> str:
    """The token an edit form carries: who opened it, for which course and file."""
    return _serializer().dumps([user.id, slug, path])


def token_owner(token: str, slug: str, path: str) -> User | None:
    """The active person TOKEN names, if it is genuine, recent and for this course and file."""
    hours = current_app.config["KEPT_TEXT_FORM_HOURS"]
    try:
        user_id, token_slug, token_path = _serializer().loads(token or "", max_age=hours * 3600)
    except (BadSignature, ValueError, TypeError):
        return None
    if (token_slug, token_path) != (slug, path) or not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active else None


def _cutoff():
    return utcnow() - timedelta(days=current_app.config["KEPT_TEXT_DAYS"])


def keep(user: User, slug: str, path: str, text: str, base_revision_id: int) -> KeptText | None:
    """Keep TEXT for USER (one text per person and file: the newest wins); None when the text
    is too long to be one the edit form accepts."""
    if len(text) > MAX_CHARS:
        return None
    text = text.replace("\r\n", "\n")  # as a save stores it (a browser sends CRLF)
    forget_expired()
    found = kept_text(user, slug, path, include_expired=True)
    if found is None:
        found = KeptText(user_id=user.id, course_slug=slug, path=path, text=text)
        try:
            with db.session.begin_nested():  # two autosaves at once: the second updates
                db.session.add(found)
        except IntegrityError:
            found = kept_text(user, slug, path, include_expired=True)
    found.text = text
    found.base_revision_id = base_revision_id
    found.saved_at = utcnow()
    db.session.flush()
    return found


def kept_text(
    user: User, slug: str, path: str, *, include_expired: bool = False
) -> KeptText | None:
    query = select(KeptText).where(
        KeptText.user_id == user.id, KeptText.course_slug == slug, KeptText.path == path
    )
    if not include_expired:
        query = query.where(KeptText.saved_at >= _cutoff())
    return db.session.scalar(query)


def kept_texts_of(user: User) -> list[KeptText]:
    """USER's kept texts, newest first."""
    return list(
        db.session.scalars(
            select(KeptText)
            .where(KeptText.user_id == user.id, KeptText.saved_at >= _cutoff())
            .order_by(KeptText.saved_at.desc(), KeptText.id.desc())
        )
    )


def discard(user: User, slug: str, path: str) -> bool:
    """Forget USER's kept text of this file (saved, or discarded); whether there was one."""
    done = db.session.execute(
        delete(KeptText).where(
            KeptText.user_id == user.id, KeptText.course_slug == slug, KeptText.path == path
        )
    )
    return bool(done.rowcount)


def forget_expired() -> int:
    """Delete kept texts older than KEPT_TEXT_DAYS; how many."""
    done = db.session.execute(delete(KeptText).where(KeptText.saved_at < _cutoff()))
    return done.rowcount or 0
