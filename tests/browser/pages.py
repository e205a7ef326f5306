"""Every page of the app, who may see it, and how to reach it in the browser scenario.

A test checks that every GET route of the app is listed here or excluded with a reason, so a
new page cannot escape the accessibility suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.helpers import NEW_COURSE_FORM
from tests.worlds import COURSE, LESSON, QUIZ, Scenario

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
    # --- Accessibility extras (app/preferences): preferences, statement, whole course
    Page("preferences.edit", lambda s: "/preferencias", ALL_ROLES),
    Page("preferences.statement", lambda s: "/accesibilidad", (ANON, "participant")),
    Page("catalog.course_full", lambda s: f"/cursos/{COURSE}/completo", (ANON, "participant")),
    Page(
        "catalog.course_full",
        lambda s: f"/cursos/{COURSE}/completo?version=facil",
        (ANON,),
        name="catalog.course_full (easy read)",
    ),
    Page(
        "learning.lesson",
        lambda s: f"/cursos/{COURSE}/02-trabajo-en-equipo?version=facil",
        (ANON, "participant"),
        name="learning.lesson (easy read)",
    ),
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
    Page("certificates.verify_form", lambda s: "/verificar", ALL_ROLES),
    Page(
        "certificates.verify_form",
        lambda s: f"/verificar?codigo={s.ids['certificate_code'].lower()}",
        (ANON,),
        name="certificates.verify_form (typed code)",
    ),
    Page("certificates.verify", lambda s: f"/verificar/{s.ids['certificate_code']}", ALL_ROLES),
    Page(
        "certificates.verify",
        lambda s: f"/verificar/{s.ids['revoked_certificate_code']}",
        (ANON,),
        name="certificates.verify (revoked)",
    ),
    Page("certificates.my_certificates", lambda s: "/mis-certificados", LOGGED_IN),
    Page("credentials.check", lambda s: "/verificar/credencial", (ANON, "participant")),
    Page("credentials.help_page", lambda s: "/ayuda/credencial", (ANON, "participant")),
    Page(
        "certificates.detail",
        lambda s: f"/certificados/{s.ids['certificate']}",
        ("participant", "coordinator", "admin"),
    ),
    Page("certificates.index", lambda s: "/certificados/", ("coordinator", "admin")),
    Page(
        "certificates.index",
        lambda s: "/certificados/?q=curso",
        ("admin",),
        name="certificates.index (filtered)",
    ),
    Page(
        "certificates.manage", lambda s: f"/admin/certificados/{s.ids['certificate']}", ("admin",)
    ),
    Page(
        "certificates.manage",
        lambda s: f"/admin/certificados/{s.ids['revoked_certificate']}",
        ("admin",),
        name="certificates.manage (revoked)",
    ),
    # --- Orgs: admin, trainer and coordinator workspaces (app/admin, app/trainer, app/reports)
    Page("admin.index", lambda s: "/admin/", ("admin",)),
    Page("admin.municipalities", lambda s: "/admin/comunas", ("admin",)),
    Page(
        "admin.edit_municipality", lambda s: f"/admin/comunas/{s.ids['municipality']}", ("admin",)
    ),
    Page("admin.groups", lambda s: "/admin/grupos", ("admin",)),
    Page("admin.edit_group", lambda s: f"/admin/grupos/{s.ids['group']}", ("admin",)),
    Page("admin.users", lambda s: "/admin/usuarios", ("admin",)),
    Page("admin.new_user", lambda s: "/admin/usuarios/nuevo", ("admin",)),
    Page("admin.edit_user", lambda s: f"/admin/usuarios/{s.ids['participant']}", ("admin",)),
    Page("trainer.index", lambda s: "/formacion/", ("trainer", "admin")),
    Page("trainer.group", lambda s: f"/formacion/grupos/{s.ids['group']}", ("trainer", "admin")),
    Page(
        "trainer.group_progress",
        lambda s: f"/formacion/grupos/{s.ids['group']}/cursos/{COURSE}",
        ("trainer", "admin"),
    ),
    Page(
        "trainer.participant",
        lambda s: f"/formacion/participantes/{s.ids['participant']}",
        ("trainer", "admin"),
    ),
    Page("trainer.import_upload", lambda s: "/formacion/importar", ("trainer", "admin")),
    Page("trainer.courses", lambda s: "/formacion/cursos", ("trainer", "admin")),
    Page("reports.summary", lambda s: "/coordinacion/", ("coordinator", "admin")),
    Page("reports.records", lambda s: "/coordinacion/registros", ("coordinator", "admin")),
    Page(
        "reports.records",
        lambda s: "/coordinacion/registros?estado=zzz&desde=2025-13-01",
        ("coordinator",),
        name="reports.records (invalid filters)",
    ),
    Page(
        "reports.participant",
        lambda s: f"/coordinacion/participantes/{s.ids['participant']}",
        ("coordinator", "admin"),
    ),
]

PAGES += [
    Page("privacy.my_data", lambda s: "/cuenta/mis-datos", LOGGED_IN),
    Page("privacy.deletion_requests", lambda s: "/admin/solicitudes-de-eliminacion", ("admin",)),
    Page(
        "privacy.anonymise",
        lambda s: f"/admin/usuarios/{s.ids['participant']}/anonimizar",
        ("admin",),
    ),
]

# --- The course workshop (app/authoring): the trainer edits COURSE (tests/worlds.py)
STAFF = ("trainer", "admin")
TRAINER = ("trainer",)
WORKSHOP = f"/formacion/taller/{COURSE}"
LIBRARY = f"{WORKSHOP}/biblioteca"
PAGES += [
    Page("authoring.index", lambda s: "/formacion/taller/", STAFF),
    Page("authoring.new_course", lambda s: "/formacion/taller/nuevo", STAFF),
    Page("authoring.upload_zip", lambda s: "/formacion/taller/subir", ("trainer",)),
    Page("authoring.course", lambda s: f"{WORKSHOP}/", STAFF),
    Page("authoring.edit", lambda s: f"{WORKSHOP}/archivo/{LESSON}.md", STAFF),
    Page(
        "authoring.rename_lesson", lambda s: f"{WORKSHOP}/lecciones/{LESSON}/nombre", ("trainer",)
    ),
    Page(
        "authoring.delete_lesson", lambda s: f"{WORKSHOP}/lecciones/{LESSON}/borrar", ("trainer",)
    ),
    Page("authoring.preview", lambda s: f"{WORKSHOP}/vista-previa/", STAFF),
    Page("authoring.preview_lesson", lambda s: f"{WORKSHOP}/vista-previa/{LESSON}", STAFF),
    Page(
        "authoring.preview_lesson",
        lambda s: f"{WORKSHOP}/vista-previa/02-trabajo-en-equipo?version=facil",
        ("trainer",),
        name="authoring.preview_lesson (easy read)",
    ),
    Page(
        "authoring.preview_lesson",
        lambda s: f"{WORKSHOP}/vista-previa/03-prueba-final",
        ("trainer",),
        name="authoring.preview_lesson (quiz file)",
    ),
    Page("authoring.preview_quiz", lambda s: f"{WORKSHOP}/vista-previa/pruebas/{QUIZ}", STAFF),
    Page("authoring.publish", lambda s: f"{WORKSHOP}/publicar", STAFF),
    Page("authoring.history", lambda s: f"{WORKSHOP}/historial", STAFF),
    Page("authoring.history_diff", lambda s: f"{WORKSHOP}/versiones/1", STAFF),
    # An address of the history before versions were numbered per publication: redirects.
    Page("authoring.saved_revision", lambda s: f"{WORKSHOP}/historial/1", STAFF),
    Page("authoring.withdraw", lambda s: f"{WORKSHOP}/retirar", STAFF),
    Page("authoring.delete_orphan", lambda s: f"{WORKSHOP}/sobrantes/media/sobrante.txt", STAFF),
    # The media library (issue 21 §3)
    Page("authoring.media", lambda s: f"{WORKSHOP}/biblioteca/", STAFF),
    Page(
        "authoring.media_snippet",
        lambda s: f"{WORKSHOP}/biblioteca/media/sobrante.txt/insertar?volver={LESSON}.md",
        STAFF,
    ),
    Page("authoring.replace_media", lambda s: f"{LIBRARY}/media/sobrante.txt/reemplazar", STAFF),
    Page("authoring.delete_media", lambda s: f"{LIBRARY}/media/sobrante.txt/borrar", STAFF),
    Page("authoring.editors", lambda s: f"{WORKSHOP}/editores", ("admin",)),
    Page("admin.course_reviews", lambda s: "/admin/cursos/aprobaciones", ("admin",)),
    Page(
        "admin.course_review",
        lambda s: f"/admin/cursos/aprobaciones/{s.ids['course_review']}",
        ("admin",),
    ),
]

# GET routes that are not HTML pages, with the reason.
EXCLUDED: dict[str, str] = {
    "static": "CSS and other static files",
    "favicon": "redirects /favicon.ico to the SVG icon (tests/web/test_page_meta.py)",
    "catalog.media": "course media files (images, audio, captions), not pages",
    "catalog.narration": "generated lesson narration (MP3/WAV), checked in tests/web",
    "catalog.narration_zip": "every lesson's audio as .zip (tests/web/test_narration.py)",
    "books.download": "a course's talking book, EPUB (tests/books)",
    "reports.export_csv": "CSV download (read back with the csv module in tests/web)",
    "reports.export_xlsx": "XLSX download (read back with openpyxl in tests/web)",
    "certificates.download_pdf": "certificate PDF download (checked in tests/web)",
    "credentials.download": "credential JSON download (tests/credentials)",
    "credentials.public_download": "credential JSON download (tests/credentials)",
    "credentials.did_document": "the issuer's DID document, JSON (tests/credentials)",
    "credentials.status_list": "the status list credential, JSON (tests/credentials)",
    "authoring.download_zip": "course draft as .zip (round trip in tests/web/test_workshop_files)",
    "authoring.download_version_zip": "a course version as .zip (tests/web/test_workshop_files)",
    "trainer.course_preview": "old address of a course's preview: redirects (test_trainer.py)",
    "trainer.lesson_preview": "old address of a lesson's preview: redirects (test_trainer.py)",
    "authoring.saved_revision_action": "old .zip address of a version: redirects (web tests)",
    "authoring.discard": "needs a draft over a published version (test_workshop_publish_browser)",
    "privacy.my_data_json": "personal data download (JSON, checked in tests/web)",
    "privacy.my_data_csv": "personal data download (CSV, checked in tests/web)",
    "accounts.set_language": "sets the visitor's language cookie and redirects (tests/web)",
    "preferences.visitor_reading": "sets the visitor's reading cookie and redirects (tests/web)",
}


def log_in(page, username: str, password: str) -> None:
    """Log in through the real form."""
    page.goto("/ingresar")
    page.fill("#login", username)
    page.fill("#password", password)
    page.click("button[type=submit]:has-text('Ingresar')")
    page.wait_for_load_state()


def logged_in_client(app, username: str, password: str):
    """A test client of APP, logged in through the real form (the browser app has CSRF off)."""
    client = app.test_client()
    response = client.post("/ingresar", data={"login": username, "password": password})
    assert response.status_code == 302, "could not log in"
    return client


def new_workshop_course(client, title: str, *, hours: str = "2") -> str:
    """Create a draft course called TITLE in the workshop as CLIENT's trainer: its slug."""
    response = client.post(
        "/formacion/taller/nuevo",
        data={
            **NEW_COURSE_FORM,
            "title": title,
            "summary": "Un curso de prueba del taller.",
            "hours": hours,
            "authors": "Equipo REFICOOP",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
