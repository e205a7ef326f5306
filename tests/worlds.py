"""Small networks of municipalities, groups and people for the tests: built here and only here.

- `build_world(app)`: Monte Patria (A) and Quillota (B), each with a trainer, a coordinator, a
  group and a participant enrolled through the group; an admin (orgs, reports, isolation and
  import tests; the `world` fixture).
- `build_scenario()`: one account of each role in Monte Patria with some history (a passed quiz,
  an open attempt, a valid and a revoked certificate); the browser tests start from it (the
  `scenario` fixture).
- `build_places()`: the two places of the scenario, Monte Patria with "Sabores del Limarí" and
  Quillota with "Aseo y Jardines" (the `places` fixture).
- `add_outsiders()`, `build_every_status_world()` and `build_counted_world()` extend or scale
  these for the object-access, report-count and query-count tests.

Every builder adds people through `add_person`, with the suite's PASSWORD unless told otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.authoring import services as authoring
from app.certificates.models import Certificate
from app.certificates.services import format_code, new_code
from app.content.grading import read_posted_answers
from app.course_store import get_store
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Enrollment, LessonProgress
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.orgs.services import add_member, assign_staff, ensure_group, ensure_municipality
from app.quizzes import services as quizzes
from app.quizzes.models import QuizAttempt
from app.timeutil import utcnow
from tests.helpers import PASSWORD, correct_form

COURSE = "curso-prueba"
OTHER_COURSE = "otro-curso"
LESSON = "01-que-es-una-cooperativa"
# A lesson a trainer writes in the workshop's tests: no errors, no warnings.
WORKSHOP_LESSON = """---
titulo: "Pedir ayuda"
minutos: 10
objetivos:
  - Pedir ayuda cuando la necesito.
---

Pedir ayuda es parte del trabajo en equipo.

::: lectura-facil
Pedir ayuda está bien.
:::

## Fuentes

- Conversaciones del equipo de la incubadora con los grupos.
"""
QUIZ = "repaso-cooperativas"
ORPHAN = "media/sobrante.txt"


def add_person(
    username: str,
    role: str = "participant",
    *,
    full_name: str | None = None,
    password: str = PASSWORD,
    **columns,
) -> User:
    """Add an account (in the current app context) and flush, so it has an id."""
    user = User(
        username=username, full_name=full_name or f"Persona {username}", role=role, **columns
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# --- Two municipalities, each with its own staff, group and participant ----------------------


@dataclass
class World:
    ids: dict = field(default_factory=dict)  # key -> id ("part-a", "group-b", "muni-a", ...)
    users: dict = field(default_factory=dict)  # key -> username


def build_world(app, *, extra_declared: int = 0) -> World:
    """A (Monte Patria) and B (Quillota), each with a trainer, a coordinator, a group and a
    participant enrolled through the group; A's participant finished the first lesson.

    EXTRA_DECLARED more participants of group A declared a disability (with consent).
    """
    w = World()
    people: dict[str, User] = {}

    def person(key: str, role: str, **kw) -> User:
        people[key] = add_person(key, role, **kw)
        w.ids[key] = people[key].id
        return people[key]

    with app.app_context():
        course = get_store().get(COURSE)
        for tag, slug, name in (
            ("a", "monte-patria", "Monte Patria"),
            ("b", "quillota", "Quillota"),
        ):
            m = ensure_municipality(slug, name, "Región")
            g = ensure_group(m, f"Grupo {tag.upper()}", "pre_associative")
            trainer = person(f"trainer-{tag}", "trainer")
            coordinator = person(f"coord-{tag}", "coordinator")
            participant = person(
                f"part-{tag}", "participant", full_name=f"Participante {tag.upper()}"
            )
            assign_staff(trainer, m)
            assign_staff(coordinator, m)
            add_member(g, trainer, role="trainer")
            add_member(g, participant)
            learning.enroll(participant, course, group_id=g.id)
            w.ids[f"muni-{tag}"] = m.id
            w.ids[f"group-{tag}"] = g.id
        learning.complete_lesson(people["part-a"], course, course.lessons[0])
        group_a = db.session.get(Group, w.ids["group-a"])
        for i in range(extra_declared):
            declared = person(
                f"declared-{i}",
                "participant",
                disability_declared=True,
                disability_consent_at=utcnow(),
            )
            add_member(group_a, declared)
            learning.enroll(declared, course, group_id=group_a.id)
        person("admin", "admin")
        db.session.commit()
        w.users = {key: user.username for key, user in people.items()}
    return w


def build_every_status_world(app) -> World:
    """build_world plus a second group in A and a second course, with every status in each
    course and each group (quiz-only starts, several lessons, live and revoked certificates),
    and a certified record in B that A's coordinator must not count."""
    w = build_world(app)
    with app.app_context():
        course = get_store().get(COURSE)
        muni_a = db.session.get(Municipality, w.ids["muni-a"])
        group_a = db.session.get(Group, w.ids["group-a"])
        group_a2 = ensure_group(muni_a, "Grupo A2", "pre_associative")
        group_b = db.session.get(Group, w.ids["group-b"])
        people = {}
        for key, group in (
            ("p1", group_a),
            ("p2", group_a),
            ("p3", group_a2),
            ("p4", group_a2),
            ("p5", group_b),
        ):
            people[key] = add_person(key, password="x" * 12)
            add_member(group, people[key])

        def record(key, slug, group, *, completed=False, lessons=0, attempts=0, cert=None):
            enrollment = Enrollment(
                user_id=people[key].id,
                course_slug=slug,
                course_version=course.version,
                group_id=group.id,
                status="completed" if completed else "active",
                completed_at=utcnow() if completed else None,
            )
            db.session.add(enrollment)
            db.session.flush()
            for lesson in course.lessons[:lessons]:
                db.session.add(
                    LessonProgress(
                        enrollment_id=enrollment.id,
                        lesson_slug=lesson.slug,
                        course_version=course.version,
                    )
                )
            for number in range(1, attempts + 1):
                db.session.add(
                    QuizAttempt(
                        user_id=people[key].id,
                        enrollment_id=enrollment.id,
                        course_slug=slug,
                        quiz_id="q1",
                        course_version=course.version,
                        number=number,
                        state="submitted",
                        answers={},
                        submitted_at=utcnow(),
                    )
                )
            if cert is not None:
                db.session.add(
                    Certificate(
                        code=new_code(),
                        user_id=people[key].id,
                        enrollment_id=enrollment.id,
                        course_slug=slug,
                        course_version=course.version,
                        holder_name=people[key].full_name,
                        course_title=slug,
                        hours=1.0,
                        completed_on=date(2025, 1, 1),
                        municipality_id=group.municipality_id,
                        group_name=group.name,
                        revoked_at=utcnow() if cert == "revoked" else None,
                    )
                )

        # Group A (part-a already has curso-prueba in progress: one lesson done).
        record("p1", COURSE, group_a)  # enrolled
        record("p1", OTHER_COURSE, group_a, attempts=1)  # in progress: a quiz attempt only
        record("p2", COURSE, group_a, completed=True)  # completed, no certificate
        record("p2", OTHER_COURSE, group_a, completed=True, lessons=2, cert="live")  # certified
        # Group A2.
        record("p3", COURSE, group_a2, completed=True, lessons=3, attempts=2, cert="live")
        record("p3", OTHER_COURSE, group_a2, completed=True, cert="revoked")  # completed
        record("p4", COURSE, group_a2, cert="revoked")  # enrolled: a revoked one is no start
        record("p4", OTHER_COURSE, group_a2, lessons=3, attempts=3)  # in progress
        # Municipality B: never counted for A's coordinator.
        record("p5", COURSE, group_b, completed=True, lessons=1, cert="live")
        db.session.commit()
        w.ids["group-a2"] = group_a2.id
    return w


# --- One account of each role, with some history ---------------------------------------------


@dataclass
class Scenario:
    users: dict[str, User] = field(default_factory=dict)  # role -> user
    ids: dict[str, int | str] = field(default_factory=dict)  # named ids for URLs
    password: str = PASSWORD


def build_places() -> tuple[Municipality, Group, Municipality, Group]:
    """Monte Patria with "Sabores del Limarí" and Quillota with "Aseo y Jardines" (no commit)."""
    muni = ensure_municipality("monte-patria", "Monte Patria", "Coquimbo")
    other = ensure_municipality("quillota", "Quillota", "Valparaíso")
    group = ensure_group(muni, "Sabores del Limarí", "pre_associative")
    other_group = ensure_group(other, "Aseo y Jardines", "pre_associative")
    return muni, group, other, other_group


def build_scenario() -> Scenario:
    """Create the scenario in the current app context and commit it."""
    s = Scenario()
    muni, group, other, _other_group = build_places()
    for role in ("participant", "trainer", "coordinator", "admin"):
        s.users[role] = add_person(f"{role}-e2e", role, full_name=f"Persona {role} de prueba")
    assign_staff(s.users["trainer"], muni)
    assign_staff(s.users["coordinator"], muni)
    add_member(group, s.users["participant"])
    add_member(group, s.users["trainer"], role="trainer")
    s.ids.update(municipality=muni.id, other_municipality=other.id, group=group.id)

    course = get_store().get(COURSE)
    participant = s.users["participant"]
    enrollment = learning.enroll(participant, course, group_id=group.id)
    learning.complete_lesson(participant, course, course.lesson(LESSON))
    quiz = course.quizzes[QUIZ]
    attempt = quizzes.start_attempt(participant, enrollment, course, quiz)
    answers = read_posted_answers(
        quiz, {k: v if isinstance(v, list) else [v] for k, v in correct_form(quiz).items()}
    )
    quizzes.submit_attempt(participant, attempt, course, quiz, answers)
    second = quizzes.start_attempt(participant, enrollment, course, quiz)
    s.ids.update(enrollment=enrollment.id, attempt=attempt.id, open_attempt=second.id)
    s.ids.update(participant=participant.id)  # orgs: trainer/coordinator participant pages
    _add_certificates(s, muni, group)
    _add_workshop_history(s.users["trainer"])
    _add_course_request(s, s.users["trainer"])
    db.session.commit()
    return s


def _add_workshop_history(trainer: User) -> None:
    """The trainer edits COURSE: version 1 published from the workshop (the folder's content),
    and a draft with one changed line (so the publish page has a diff)."""
    authoring.add_editor(trainer, COURSE, trainer)
    folder = authoring.workspace(COURSE)
    files = folder.files
    authoring.change_files(trainer, COURSE, folder, files, "Primera versión")
    authoring.publish_draft(trainer, COURSE, "Primera versión en el taller")
    lesson = f"{LESSON}.md"
    changed = files[lesson].decode("utf-8").replace("\n\n", "\n\nUn párrafo nuevo.\n\n", 1)
    draft = authoring.workspace(COURSE)
    authoring.change_files(
        trainer,
        COURSE,
        draft,
        # media/sobrante.txt: a file no page uses, for the orphan page (issue 21)
        {**files, lesson: changed.encode(), ORPHAN: b"Notas que ninguna leccion usa.\n"},
        "Un párrafo",
    )


def _add_course_request(s: Scenario, trainer: User) -> None:
    """A course the trainer made in the workshop, whose first publication waits for an admin
    (the admin's review page)."""
    slug = authoring.create_course(
        trainer,
        title="Curso nuevo del taller",
        summary="Un curso que espera aprobación.",
        audience="Grupos preasociativos",
        hours=2.0,
        level="inicial",
        licence="CC BY-SA 4.0",
        authors=["Persona trainer de prueba"],
    )
    ws = authoring.workspace(slug)
    files = {**ws.files, "01-pedir-ayuda.md": WORKSHOP_LESSON.encode()}
    authoring.change_files(trainer, slug, ws, files, "Primera lección")
    s.ids["course_review"] = authoring.publish_draft(trainer, slug, "Primera versión").review.id


def build_detached_scenario(app) -> Scenario:
    """build_scenario in APP, with its users loaded and detached (usable outside the context)."""
    with app.app_context():
        built = build_scenario()
        for user in built.users.values():
            db.session.refresh(user)
            db.session.expunge(user)
    return built


def _add_certificates(s: Scenario, muni, group) -> None:
    """A valid certificate for the participant and a revoked one for another person."""
    course = get_store().get(COURSE)
    common = dict(
        course_slug=course.slug,
        course_version=course.version,
        course_title=course.title,
        hours=course.hours,
        completed_on=date(2026, 3, 5),
        municipality_id=muni.id,
        municipality_name=muni.name,
        group_name=group.name,
    )
    valid = Certificate(
        code=new_code(),
        user_id=s.users["participant"].id,
        holder_name=s.users["participant"].full_name,
        **common,
    )
    graduate = add_person("egresada-e2e", full_name="Persona egresada de prueba")
    revoked = Certificate(
        code=new_code(),
        user_id=graduate.id,
        holder_name=graduate.full_name,
        revoked_at=utcnow(),
        revoked_reason="Se emitió por un error en el registro de asistencia.",
        revoked_by_id=s.users["admin"].id,
        **common,
    )
    db.session.add_all([valid, revoked])
    db.session.flush()
    s.ids.update(
        certificate=valid.id,
        certificate_code=format_code(valid.code),
        revoked_certificate=revoked.id,
        revoked_certificate_code=format_code(revoked.code),
    )


def add_outsiders(roles: dict[str, str]) -> None:
    """Add accounts (username -> role) of Quillota: staff are assigned to it; commit."""
    other = ensure_municipality("quillota", "Quillota", "Valparaíso")
    ensure_group(other, "Aseo y Jardines", "pre_associative")
    for username, role in roles.items():
        user = add_person(username, role, full_name=username)
        if role != "participant":
            assign_staff(user, other)
    db.session.commit()


# --- Many rows, for query counts ---------------------------------------------------------------


def build_counted_world(app, make_user, n: int, course_slug: str) -> dict:
    """One municipality and group; N participants (the first is 'me'), each enrolled in
    min(N, 10) courses with lessons done; N submitted attempts of my first quiz; certificates.

    COURSE_SLUG is 'my' course, listed first."""
    coordinator = make_user("coordinator")
    me = make_user("participant")
    others = [make_user("participant") for _ in range(n - 1)]
    now = utcnow()
    with app.app_context():
        courses = get_store().published()
        mine = get_store().get(course_slug)
        courses = [mine] + [c for c in courses if c.slug != course_slug]
        muni = Municipality(slug="monte-patria", name="Monte Patria", region="Coquimbo")
        db.session.add(muni)
        db.session.flush()
        group = Group(municipality_id=muni.id, name="Grupo contado", kind="pre_associative")
        db.session.add(group)
        db.session.flush()
        db.session.add(StaffAssignment(user_id=coordinator.id, municipality_id=muni.id))
        for k, person in enumerate([me, *others]):
            db.session.add(Membership(group_id=group.id, user_id=person.id, role="member"))
            for j, course in enumerate(courses[: min(n, len(courses))]):
                done = course.lessons if n > 1 else course.lessons[:1]
                finished = n > 1 and (k + j) % 3 == 0
                enrollment = Enrollment(
                    user_id=person.id,
                    course_slug=course.slug,
                    course_version=course.version,
                    group_id=group.id,
                    status="completed" if finished else "active",
                    enrolled_at=now - timedelta(days=30),
                    completed_at=now - timedelta(days=1) if finished else None,
                    completed_version=course.version if finished else None,
                )
                db.session.add(enrollment)
                db.session.flush()
                for lesson in done:
                    db.session.add(
                        LessonProgress(
                            enrollment_id=enrollment.id,
                            lesson_slug=lesson.slug,
                            course_version=course.version,
                        )
                    )
                if finished:
                    db.session.add(
                        Certificate(
                            code=new_code(),
                            user_id=person.id,
                            enrollment_id=enrollment.id,
                            course_slug=course.slug,
                            course_version=course.version,
                            holder_name=person.full_name,
                            course_title=course.title,
                            hours=float(course.hours),
                            completed_on=now.date(),
                            municipality_id=muni.id,
                            municipality_name=muni.name,
                            group_name=group.name,
                        )
                    )
        my_enrollment = db.session.scalar(
            select(Enrollment).where(
                Enrollment.user_id == me.id, Enrollment.course_slug == course_slug
            )
        )
        quiz = mine.quizzes[mine.lessons[0].quiz_ids[0]]
        for number in range(1, n + 1):
            db.session.add(
                QuizAttempt(
                    user_id=me.id,
                    enrollment_id=my_enrollment.id,
                    course_slug=course_slug,
                    quiz_id=quiz.id,
                    course_version=mine.version,
                    number=number,
                    state="submitted",
                    answers={},
                    submitted_at=now,
                    score=1,
                    max_score=4,
                    percent=25,
                    passed=False,
                    results={},
                )
            )
        open_attempt = QuizAttempt(
            user_id=me.id,
            enrollment_id=my_enrollment.id,
            course_slug=course_slug,
            quiz_id=quiz.id,
            course_version=mine.version,
            number=n + 1,
            state="in_progress",
            answers={},
        )
        db.session.add(open_attempt)
        db.session.commit()
        return {
            "me": me,
            "coordinator": coordinator,
            "lesson": f"/cursos/{course_slug}/{mine.lessons[0].slug}",
            "course": f"/cursos/{course_slug}/",
            "overview": f"/cursos/{course_slug}/pruebas/{quiz.id}",
            "attempt": f"/intentos/{open_attempt.id}",
        }
