"""Two municipalities with their staff, groups, participants and records (for orgs tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.accounts.models import User
from app.course_store import get_store
from app.extensions import db
from app.learning import services as learning
from app.orgs.services import add_member, assign_staff, ensure_group, ensure_municipality
from tests.conftest import PASSWORD

COURSE = "curso-prueba"


@dataclass
class World:
    ids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # name -> detached-safe (id, username)


def _user(w: World, key: str, role: str, **kw) -> User:
    user = User(username=key, full_name=kw.pop("full_name", f"Persona {key}"), role=role, **kw)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    w.users[key] = user
    w.ids[key] = user.id
    return user


def build_world(app, *, extra_declared: int = 0) -> World:
    """A (Monte Patria) and B (Quillota), each with a trainer, a coordinator, a group and a
    participant enrolled through the group; A's participant finished the first lesson."""
    w = World()
    with app.app_context():
        course = get_store().get(COURSE)
        for tag, slug, name in (
            ("a", "monte-patria", "Monte Patria"),
            ("b", "quillota", "Quillota"),
        ):
            m = ensure_municipality(slug, name, "Región")
            g = ensure_group(m, f"Grupo {tag.upper()}", "pre_associative")
            trainer = _user(w, f"trainer-{tag}", "trainer")
            coordinator = _user(w, f"coord-{tag}", "coordinator")
            participant = _user(
                w, f"part-{tag}", "participant", full_name=f"Participante {tag.upper()}"
            )
            assign_staff(trainer, m)
            assign_staff(coordinator, m)
            add_member(g, trainer, role="trainer")
            add_member(g, participant)
            learning.enroll(participant, course, group_id=g.id)
            w.ids[f"muni-{tag}"] = m.id
            w.ids[f"group-{tag}"] = g.id
        learning.complete_lesson(w.users["part-a"], course, course.lessons[0])
        for i in range(extra_declared):
            from app.timeutil import utcnow

            u = _user(
                w,
                f"declared-{i}",
                "participant",
                disability_declared=True,
                disability_consent_at=utcnow(),
            )
            g = db.session.get(type(w.users["part-a"]), w.ids["part-a"])  # noqa: F841
            from app.orgs.models import Group

            add_member(db.session.get(Group, w.ids["group-a"]), u)
            learning.enroll(u, course, group_id=w.ids["group-a"])
        _user(w, "admin", "admin")
        db.session.commit()
        w.users = {k: v.username for k, v in w.users.items()}
    return w
