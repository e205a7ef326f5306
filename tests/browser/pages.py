"""Every page of the app, who may see it, and how to reach it in the browser scenario.

A test checks that every GET route of the app is listed here or excluded with a reason, so a
new page cannot escape the accessibility suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.browser.scenario import COURSE, LESSON, QUIZ, Scenario

ANON = "anonymous"
ALL_ROLES = (ANON, "participant", "trainer", "coordinator", "admin")
LOGGED_IN = ("participant", "trainer", "coordinator", "admin")


@dataclass(frozen=True)
class Page:
    endpoint: str
    url: Callable[[Scenario], str]
    roles: tuple[str, ...]
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.endpoint


PAGES: list[Page] = [
    Page("catalog.home", lambda s: "/", ALL_ROLES),
    Page("catalog.index", lambda s: "/cursos/", ALL_ROLES),
    Page("catalog.course_detail", lambda s: f"/cursos/{COURSE}/", ALL_ROLES),
    Page("learning.lesson", lambda s: f"/cursos/{COURSE}/{LESSON}", ALL_ROLES),
    Page(
        "learning.lesson",
        lambda s: f"/cursos/{COURSE}/03-prueba-final",
        ("participant",),
        name="learning.lesson (quiz file)",
    ),
    Page("learning.my_courses", lambda s: "/mis-cursos", LOGGED_IN),
    Page("accounts.login", lambda s: "/ingresar", (ANON,)),
    Page("accounts.profile", lambda s: "/cuenta/perfil", LOGGED_IN),
    Page("accounts.change_password", lambda s: "/cuenta/contrasena", ("participant",)),
    Page("quizzes.overview", lambda s: f"/cursos/{COURSE}/pruebas/{QUIZ}", ("participant",)),
    Page("quizzes.attempt", lambda s: f"/intentos/{s.ids['open_attempt']}", ("participant",)),
    Page(
        "quizzes.result",
        lambda s: f"/intentos/{s.ids['attempt']}/resultado",
        ("participant",),
    ),
    Page("errors.not_found", lambda s: "/no-existe", (ANON, "participant"), name="404 page"),
]

# GET routes that are not HTML pages, with the reason.
EXCLUDED: dict[str, str] = {
    "static": "CSS and other static files",
    "catalog.media": "course media files (images, audio, captions), not pages",
}
