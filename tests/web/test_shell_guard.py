"""A page shell cannot leak: reading a personal value outside slot() fails the render (issue 20 §4).

Shells are shared by every participant of a role; these templates read a personal value where
it would end up in the shared part, and the shell render must raise instead of keeping it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin, current_user, login_user
from jinja2 import ChoiceLoader, DictLoader

from app.accounts.models import User
from app.completion import quizzes_to_pass
from app.course_store import get_course
from app.extensions import db
from app.web.page_shell import EXTENSION_KEY, PersonalValueInShell, render_personal_page

TEMPLATES = {
    # Personal values inside slots: the right way.
    "guard/slotted.html": (
        "<p>{% call slot('who') %}{{ current_user.full_name }}{% endcall %}</p>"
        "<p>{% call slot('count') %}{{ progress.done_count }}{% endcall %}</p>"
        "<p>{{ current_user.role }}</p>"
    ),
    # A name outside any slot (the leak this guard exists for).
    "guard/name.html": (
        "<p>{% call slot('who') %}x{% endcall %}</p><p>{{ current_user.full_name }}</p>"
    ),
    "guard/id.html": "<a href='/personas/{{ current_user.id }}'>perfil</a>",
    "guard/email_item.html": "<p>{{ current_user['email'] }}</p>",
    # A slot's value evaluated in the shell: slot('x', value) never hides what VALUE read.
    "guard/eager_slot.html": "<p>{{ slot('who', current_user.full_name) }}</p>",
    # The view's personal context values, used outside a slot.
    "guard/progress.html": "<p>{{ progress.done_count }} de 3</p>",
    "guard/done.html": "<p>{% if done %}Completada{% endif %}</p>",
    "guard/printed.html": "<p>{{ done }}</p>",
}


def with_test_templates(application):
    application.jinja_env.loader = ChoiceLoader(
        [DictLoader(TEMPLATES), application.jinja_env.loader]
    )
    return application


@pytest.fixture
def render_as(make_app, make_user):
    """render_as(name, user=None, application=None): guard/NAME.html as a page of USER."""
    shelled = with_test_templates(make_app(PAGE_CACHE_SECONDS=60))
    default = make_user(full_name="Rosa Privada", email="rosa@example.cl")

    def render(name, user=None, application=None):
        application = application or shelled
        with application.test_request_context("/prueba"):
            login_user(db.session.get(User, (user or default).id))
            html = render_personal_page(
                f"guard/{name}.html",
                key=(),
                generation=0,
                slots=lambda: {"who": "la persona", "count": "2"},
                personal={"progress": SimpleNamespace(done_count=2), "done": True},
            )
            assert current_user.full_name == "Rosa Privada"  # the real user again after it
            return html

    render.shells = shelled.extensions[EXTENSION_KEY]
    return render


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("name", "current_user.full_name"),
        ("id", "current_user.id"),
        ("email_item", "current_user['email']"),
        ("eager_slot", "current_user.full_name"),
        ("progress", "'progress'"),
        ("done", "'done'"),
        ("printed", "'done'"),
    ],
)
def test_a_personal_value_outside_a_slot_makes_the_shell_render_raise(render_as, name, read):
    with pytest.raises(PersonalValueInShell, match=read.replace("[", r"\[")):
        render_as(name)
    assert len(render_as.shells) == 0  # nothing kept from a shell that raised


def test_slotted_personal_values_fill_the_shell_and_stay_out_of_it(render_as):
    html = render_as("slotted")
    assert html == "<p>la persona</p><p>2</p><p>participant</p>"
    (stored,) = render_as.shells._entries.values()
    assert "Rosa" not in stored[2] and "\x00aula-slot:who\x00" in stored[2]
    assert render_as("slotted") == html and render_as.shells.hits == 1


def test_a_full_render_is_not_guarded(render_as, make_app):
    """With the shells off every page is a full render for its own user: nothing to guard."""
    unshelled = with_test_templates(make_app(PAGE_CACHE_SECONDS=0))
    assert "Rosa Privada" in render_as("name", application=unshelled)
    assert "Completada" in render_as("done", application=unshelled)


def test_quizzes_to_pass_takes_its_user_and_reads_no_request(app, make_user):
    """No request context here: the function may only read the user it is given."""
    user = make_user()
    with app.app_context():
        course = get_course("curso-prueba")
        all_done = SimpleNamespace(completed=False, total=3, done_count=3)
        missing = quizzes_to_pass(user, course, all_done)
        assert [quiz.id for quiz in missing] == list(course.required_quiz_ids)
        assert missing
        assert quizzes_to_pass(AnonymousUserMixin(), course, all_done) == []
        halfway = SimpleNamespace(completed=False, total=3, done_count=2)
        assert quizzes_to_pass(user, course, halfway) == []
