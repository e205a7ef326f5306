"""Demo data for trying the app: real municipalities, invented groups and people.

`flask demo` builds a small living network, so every role sees real screens on the first run:
six municipalities with a municipal team and a group each, about sixty participants at
different points of their courses (just enrolled, halfway, a failed quiz, completed with a
certificate), one revoked and one suspended certificate and one deletion request. Every
record is made through the same services the web pages use (enrolment, quiz grading,
completion, certificates), so what the screens show is what the app would have recorded.
The accounts to log in with are printed with fresh passwords each time; the network is built
once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import create_user, set_disability
from app.authoring import services as authoring
from app.authoring.services import add_editor
from app.certificates.models import Certificate
from app.certificates.services import revoke_certificate, suspend_certificate
from app.content.model import Course, Lesson
from app.content.textutil import fold, slugify
from app.course_store import get_store
from app.credentials.services import sign_demo_credentials
from app.extensions import db
from app.learning import services as learning
from app.learning.models import Enrollment
from app.orgs.models import Group, Municipality
from app.orgs.services import (
    NETWORK_MUNICIPALITIES,
    add_member,
    assign_staff,
    ensure_group,
    ensure_municipality,
)
from app.privacy.services import request_deletion
from app.quizzes import services as quizzes
from app.quizzes.sample_answers import sample_answers
from app.timeutil import utcnow

# (municipality, group, kind): a municipal team and a group of participants in each. The groups
# and their people are the cast of the courses' examples (courses/PERSONAJES.md).
DEMO_GROUPS = (
    ("monte-patria", "Equipo municipal de Monte Patria", "municipal_team"),
    ("monte-patria", "Dulces del Limarí", "pre_associative"),
    ("quillota", "Equipo municipal de Quillota", "municipal_team"),
    ("quillota", "Brillo Quillota", "pre_associative"),
    ("copiapo", "Equipo municipal de Copiapó", "municipal_team"),
    ("copiapo", "Hilos del Desierto", "cooperative"),
    ("coquimbo", "Equipo municipal de Coquimbo", "municipal_team"),
    ("coquimbo", "Sabores del Puerto", "pre_associative"),
    ("isla-de-maipo", "Equipo municipal de Isla de Maipo", "municipal_team"),
    ("isla-de-maipo", "Huerta Isla", "pre_associative"),
    ("chimbarongo", "Equipo municipal de Chimbarongo", "municipal_team"),
    ("chimbarongo", "Manos de Mimbre", "pre_associative"),
)
# First names of each group's people in the cast; the teams get names of their own.
CAST = {
    "Dulces del Limarí": ("Rosa", "Hernán", "Marisol", "Tomás", "Pamela", "Luis", "Sofía", "Pedro"),
    "Brillo Quillota": (
        "Patricio", "Ana", "Sergio", "Daniela", "Miguel", "Fernanda", "Camila", "Andrés",
    ),
    "Hilos del Desierto": ("Francisca", "Mauricio", "Gabriela", "Raúl", "Yolanda", "Beatriz"),
    "Sabores del Puerto": ("Carmen", "Julio", "Nicolás", "Teresa", "Manuel", "Lorena"),
    "Huerta Isla": ("Jorge", "Valentina", "Cristián", "Elena", "Héctor", "Paula"),
    "Manos de Mimbre": ("Ramón", "Esteban", "Víctor", "Gloria", "Luisa", "Diego"),
}  # fmt: skip
MAIN_GROUP = "Dulces del Limarí"

DEMO_ACCOUNTS = (
    ("admin.demo", "Administración de la red (demo)", "admin", None),
    ("coordinacion.demo", "Coordinación Monte Patria (demo)", "coordinator", "monte-patria"),
    ("facilitacion.demo", "Facilitadora Monte Patria (demo)", "trainer", "monte-patria"),
    ("participante.demo", "Participante de Dulces del Limarí (demo)", "participant", None),
)

# Courses each kind of group follows, by preference (the first published ones stand in).
COURSES_FOR_KIND = {
    "municipal_team": ("incubadora-municipal", "habilidades-blandas"),
    "pre_associative": ("habilidades-blandas", "cooperativismo"),
    "cooperative": ("cooperativismo", "gestion-y-administracion"),
}
TEAM_SIZE = 3
# People of the cast whose disability the stories name (courses/PERSONAJES.md): in the demo
# they declared it in their profile, so the coordinator's inclusion counts are not empty.
DECLARED_DISABILITY = frozenset(
    {"Hernán", "Marisol", "Tomás", "Sofía", "Patricio", "Ana", "Sergio", "Fernanda", "Camila",
     "Andrés", "Francisca", "Mauricio", "Ramón", "Esteban", "Víctor", "Gloria", "Jorge",
     "Valentina", "Cristián", "Nicolás"}
)  # fmt: skip
# Where each person is, in turn: most groups have a bit of everything.
JOURNEYS = ("completed", "halfway", "failed_quiz", "enrolled", "completed", "halfway", "completed")

TEAM_NAMES = (
    "Carolina", "Jaime", "Sandra", "Ignacio", "Verónica", "Rodrigo", "Mónica", "Cristóbal",
    "Natalia", "Alejandro", "Pilar", "Sebastián", "Javiera", "Hugo", "Macarena", "Óscar",
    "Bárbara", "Tomás", "Angélica", "Gonzalo",
)  # fmt: skip
SURNAMES = (
    "González", "Muñoz", "Rojas", "Díaz", "Pérez", "Soto", "Contreras", "Silva", "Martínez",
    "Sepúlveda", "Morales", "Rodríguez", "López", "Fuentes", "Hernández", "Torres", "Araya",
    "Flores", "Espinoza", "Valenzuela", "Castillo", "Tapia", "Reyes", "Gutiérrez", "Castro",
)  # fmt: skip


@dataclass
class _Network:
    municipalities: dict[str, Municipality]
    groups: dict[str, Group]


# Courses the demo trainer edits in the course workshop (/formacion/taller/).
DEMO_EDITED_COURSES = ("habilidades-blandas", "cooperativa-en-marcha")


def create_demo_data() -> list[str]:
    """Create (or refresh) the demo data and return lines to print, credentials included."""
    network = _ensure_network()
    accounts = _demo_accounts(network)
    built = _build_people(network, accounts) if not _people_exist() else None
    _demo_course_request(accounts["users"]["trainer"])
    sign_demo_credentials(refresh=built is not None)  # after _spread_dates moved the dates
    db.session.commit()
    lines = [
        f"Datos de demostración listos: {len(network.municipalities)} municipios, "
        f"{len(network.groups)} grupos, {_count_participants()} participantes.",
    ]
    if built:
        lines.append(
            f"  {built['enrollments']} inscripciones, {built['certificates']} certificados "
            f"(1 revocado, 1 suspendido), 1 solicitud de eliminación de datos."
        )
    lines.append(
        "Cuentas de demostración (las contraseñas cambian cada vez que corres `flask demo`):"
    )
    for role, username, password in accounts["printed"]:
        lines.append(f"  {role:12} usuario: {username:20} contraseña: {password}")
    return lines


def _ensure_network() -> _Network:
    municipalities = {
        slug: ensure_municipality(slug, name, region)
        for slug, name, region in NETWORK_MUNICIPALITIES
    }
    groups = {
        name: ensure_group(municipalities[slug], name, kind) for slug, name, kind in DEMO_GROUPS
    }
    return _Network(municipalities, groups)


def _demo_accounts(network: _Network) -> dict:
    users: dict[str, User] = {}
    printed = []
    for username, full_name, role, muni in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == username))
        password = "demo-" + secrets.token_urlsafe(6)
        if user is None:
            user, _ = create_user(
                full_name=full_name, role=role, username=username, password=password
            )
        else:
            user.set_password(password)
            user.rotate_session()
        user.must_change_password = False
        if muni:
            assign_staff(user, network.municipalities[muni])
        if role == "trainer":
            add_member(network.groups[MAIN_GROUP], user, role="trainer")
            for course in _edited_courses():  # the workshop has courses to show
                add_editor(user, course.slug, user)
        if role == "participant":
            add_member(network.groups[MAIN_GROUP], user)
        users[role] = user
        printed.append((role, username, password))
    return {"users": users, "printed": printed}


DEMO_REQUEST_TITLE = "Ferias y ventas en comunidad"
DEMO_REQUEST_LESSON = """---
titulo: "Preparar la feria"
minutos: 15
objetivos:
  - Preparar el puesto de la cooperativa en una feria.
---

Una feria es una buena ocasión para vender y para contar qué hace la cooperativa.

::: lectura-facil
En una feria vendemos y contamos quiénes somos.
:::

## Fuentes

- Experiencia de los equipos de la incubadora.
"""


def _demo_course_request(trainer: User) -> None:
    """A course the demo trainer wrote in the workshop, waiting for an admin's approval (the
    admin's review queue has something to show); made once."""
    slug = slugify(DEMO_REQUEST_TITLE)
    if authoring.course_exists(slug):
        return
    made = authoring.create_course(
        trainer,
        title=DEMO_REQUEST_TITLE,
        summary="Cómo preparar y atender un puesto de la cooperativa en una feria.",
        audience="Grupos preasociativos y cooperativas",
        hours=3.0,
        level="inicial",
        licence="CC BY-SA 4.0",
        authors=[trainer.full_name],
    )
    ws = authoring.workspace(made)
    files = {**ws.files, "01-preparar-la-feria.md": DEMO_REQUEST_LESSON.encode()}
    authoring.change_files(trainer, made, ws, files, "Primera lección")
    authoring.publish_draft(trainer, made, "Primera versión del curso")


def _edited_courses() -> list[Course]:
    published = get_store().published()
    return [c for c in published if c.slug in DEMO_EDITED_COURSES] or published[:1]


def _people_exist() -> bool:
    return bool(
        db.session.scalar(
            select(func.count(User.id)).where(
                User.role == "participant", User.username.like("%.demo-%")
            )
        )
    )


def _count_participants() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == "participant", User.anonymised_at.is_(None))
    )


def _courses_for(kind: str) -> list[Course]:
    store = get_store()
    published = store.published()
    wanted = [store.get(slug) for slug in COURSES_FOR_KIND[kind]]
    chosen = [c for c in wanted if c is not None and c.status == "published"]
    return chosen or published[:2]


def _build_people(network: _Network, accounts: dict) -> dict:
    """Participants in every group, each at a point of their courses (seeded: same every time)."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    now = utcnow()
    n = t = 0
    made = {"enrollments": 0, "certificates": 0}
    completed_people: list[tuple[User, Course]] = []
    for _slug, group_name, kind in DEMO_GROUPS:
        group = network.groups[group_name]
        courses = _courses_for(kind)
        names = CAST.get(group_name) or TEAM_NAMES[t * TEAM_SIZE : (t + 1) * TEAM_SIZE]
        t += group_name not in CAST
        for i, first in enumerate(names):
            last = SURNAMES[(n * 7) % len(SURNAMES)]
            user, _ = create_user(
                full_name=f"{first} {last} {SURNAMES[(n * 3 + 5) % len(SURNAMES)]}",
                username=f"{fold(first)}.{fold(last)}.demo-{n + 1}",
            )
            add_member(group, user)
            if first in DECLARED_DISABILITY:
                # Self-declared, with consent, as a person does in their profile.
                set_disability(user, "yes", consent=True)
            journey = JOURNEYS[(n + i) % len(JOURNEYS)]
            for j, course in enumerate(courses[: 1 + (n % 2)]):
                # The second course, when there is one, is always just begun.
                _follow(user, course, group, journey if j == 0 else "enrolled", rng)
                made["enrollments"] += 1
                if journey == "completed" and j == 0:
                    completed_people.append((user, course))
            _spread_dates(user, now - timedelta(days=rng.randint(5, 120)))
            n += 1
    # The demo participant: halfway through a course, so their pages are not empty either.
    participant = accounts["users"]["participant"]
    first_course = _courses_for("pre_associative")[0]
    _follow(participant, first_course, network.groups[MAIN_GROUP], "halfway", rng)
    made["enrollments"] += 1
    made["certificates"] = db.session.scalar(select(func.count(Certificate.id)))
    _withdraw_two(accounts["users"]["admin"], completed_people)
    _ask_deletion_for_one(completed_people)
    return made


def _follow(user: User, course: Course, group: Group, journey: str, rng: random.Random) -> None:
    """Take USER through COURSE up to JOURNEY, through the real services."""
    enrollment = learning.enroll(user, course, key=course.enrolment_key, group_id=group.id)
    lessons = list(course.lessons)
    if journey == "enrolled" or not lessons:
        return
    if journey == "completed":
        for lesson in lessons:
            _do_lesson(user, course, enrollment, lesson, rng, passing=True)
        return
    half = max(1, len(lessons) // 2)
    for lesson in lessons[:half]:
        _do_lesson(user, course, enrollment, lesson, rng, passing=True)
    if journey == "failed_quiz":
        quiz_lesson = next((le for le in lessons[half:] if le.quiz_ids), None)
        if quiz_lesson is not None:
            _do_lesson(user, course, enrollment, quiz_lesson, rng, passing=False)


def _do_lesson(
    user: User,
    course: Course,
    enrollment: Enrollment,
    lesson: Lesson,
    rng: random.Random,
    *,
    passing: bool,
) -> None:
    for quiz_id in lesson.quiz_ids:
        quiz = course.quizzes.get(quiz_id)
        if quiz is None:
            continue
        attempt = quizzes.start_attempt(user, enrollment, course, quiz)
        answers = sample_answers(quiz, rng, 1.0 if passing else 0.0)
        quizzes.submit_attempt(user, attempt, course, quiz, answers)
    if passing and lesson.kind != "quiz":  # a test lesson is done by passing its test
        learning.complete_lesson(user, course, lesson)


def _spread_dates(user: User, start) -> None:
    """Move a person's records back in time, so the charts show months, not one day."""
    for enrollment in db.session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)):
        enrollment.enrolled_at = start
        enrollment.last_activity_at = start + timedelta(days=3)
        if enrollment.completed_at is not None:
            finished = start + timedelta(days=4)
            enrollment.completed_at = enrollment.last_activity_at = finished
            for certificate in db.session.scalars(
                select(Certificate).where(Certificate.enrollment_id == enrollment.id)
            ):
                certificate.issued_at = finished
                certificate.completed_on = finished.date()


def _withdraw_two(admin: User, completed: list[tuple[User, Course]]) -> None:
    """Revoke the first certificate of COMPLETED (for good) and suspend the second."""
    certificates: list[Certificate] = []
    for user, course in completed:
        certificate = db.session.scalar(
            select(Certificate).where(
                Certificate.user_id == user.id, Certificate.course_slug == course.slug
            )
        )
        if certificate is not None and len(certificates) < 2:
            certificates.append(certificate)
    if certificates:
        revoke_certificate(
            admin, certificates[0], "Emitido por error: la persona se inscribió dos veces."
        )
    if len(certificates) > 1:
        suspend_certificate(
            admin,
            certificates[1],
            "En revisión: falta confirmar la asistencia a la última sesión.",
        )


def _ask_deletion_for_one(completed: list[tuple[User, Course]]) -> None:
    if len(completed) > 1:
        request_deletion(completed[-1][0])
