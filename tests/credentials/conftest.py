"""An app that signs credentials with a did:key kept in the test's own key file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.certificates.models import Certificate
from app.content.grading import read_posted_answers
from app.course_store import get_store
from app.credentials import keys
from app.extensions import db
from app.learning import services as learning
from app.orgs.models import Group
from app.orgs.services import add_member
from app.quizzes import services as quizzes
from tests.helpers import correct_form

COURSE = "curso-prueba"
BASE = "https://aula.example.cl"
RUT = "12345678-5"


@pytest.fixture
def key_file(tmp_path):
    return tmp_path / "credential-keys.json"


@pytest.fixture
def cred_app(make_app, key_file):
    application = make_app(
        CREDENTIAL_KEYS_FILE=str(key_file),
        CREDENTIAL_DID_METHOD="key",
        PUBLIC_BASE_URL=BASE,
    )
    with application.app_context():
        keys.create_key()
    return application


def finish_course(user_id: int, group_id: int | None = None) -> Certificate:
    """Enrol USER, do every lesson, pass every quiz; commit; the certificate."""
    user = db.session.get(User, user_id)
    course = get_store().get(COURSE)
    enrollment = learning.enroll(user, course, group_id=group_id)
    for lesson in course.lessons:
        if lesson.kind != "quiz":
            learning.complete_lesson(user, course, lesson)
    for quiz in course.quizzes.values():
        attempt = quizzes.start_attempt(user, enrollment, course, quiz)
        form = correct_form(quiz)
        answers = read_posted_answers(
            quiz, {k: v if isinstance(v, list) else [v] for k, v in form.items()}
        )
        quizzes.submit_attempt(user, attempt, course, quiz, answers)
    db.session.commit()
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user_id))


@pytest.fixture
def holder(cred_app, make_user, places):
    """A participant of Monte Patria with a RUT, who finished the course: (user, cert id)."""
    user = make_user(full_name="Ana Pérez Núñez", username="ana.perez", rut=RUT)
    with cred_app.app_context():
        add_member(db.session.get(Group, places["mp_group"].id), db.session.get(User, user.id))
        db.session.commit()
        certificate = finish_course(user.id, places["mp_group"].id)
        return user, certificate.id
