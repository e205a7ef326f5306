"""Optional disability self-declaration with explicit consent on the profile."""

from __future__ import annotations

from app.accounts.models import User
from app.extensions import db


def _post(client, user, **extra):
    data = {"full_name": user.full_name, "email": "", "locale": "es_CL", **extra}
    return client.post("/cuenta/perfil", data=data)


def test_profile_offers_the_question_with_prefer_not_to_say_by_default(client, make_user, login_as):
    user = make_user()
    login_as(client, user)
    html = client.get("/cuenta/perfil").get_data(as_text=True)
    assert "<legend>" in html and "Prefiero no decir" in html
    assert 'value="" checked' in html or 'checked id="disability-0"' in html or "checked" in html


def test_profile_saves_without_answering(client, make_user, ctx, login_as):
    user = make_user()
    login_as(client, user)
    assert _post(client, user).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).disability_declared is None


def test_declaring_needs_consent(client, make_user, ctx, login_as):
    user = make_user()
    login_as(client, user)
    r = _post(client, user, disability="yes")
    assert r.status_code == 200 and "consentimiento" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).disability_declared is None
    r = _post(client, user, disability="yes", disability_consent="y")
    assert r.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.disability_declared is True and saved.disability_consent_at is not None


def test_declaration_can_be_changed_and_removed(client, make_user, ctx, login_as):
    user = make_user()
    login_as(client, user)
    _post(client, user, disability="yes", disability_consent="y")
    _post(client, user, disability="no")
    db.session.expire_all()
    assert db.session.get(User, user.id).disability_declared is False
    _post(client, user, disability="")
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.disability_declared is None and saved.disability_consent_at is None
