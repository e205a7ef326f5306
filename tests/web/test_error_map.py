"""The one error map (issue 20 §2): a DomainError's class gives the status, its message is what
the person reads (a page, a flashed message after a one-button action, or the form's field), a
refusal keeps nothing half-saved, and an unexpected exception fails a test with its traceback."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import StringField

from app.accounts.models import User
from app.authoring.uploads import UploadRefused
from app.errors import Conflict, DomainError, Forbidden, NotFound, Throttled
from app.extensions import db
from app.web.access import public
from app.web.errors import form_errors, refuse_to
from app.web.forms import Form


class _UploadForm(Form):
    name = StringField("Nombre")
    file = FileField("Archivo")


def _half_saved_user() -> None:
    db.session.add(User(username="a-medias", full_name="No debe quedar", password_hash="x"))
    db.session.flush()


def _nobody_half_saved() -> bool:
    return db.session.scalar(select(User).where(User.username == "a-medias")) is None


@pytest.fixture(scope="module")
def mapped(make_app):
    """An app with views that refuse in every way the map knows (TESTING on, as every test)."""
    application = make_app()
    raised = {
        "peticion": DomainError("Esa acción no se puede hacer."),
        "no-existe": NotFound("No encontramos ese grupo."),
        "prohibido": Forbidden("Solo el equipo administrador revisa los cursos."),
        "conflicto": Conflict("Otra persona guardó este curso en este mismo momento."),
        "demasiados": Throttled("Hiciste demasiados intentos con la clave."),
        "archivo": UploadRefused("«foto.png» está vacío (0 bytes); vuelve a subir el archivo"),
    }

    @application.route("/_mapa/<kind>", methods=["GET", "POST"])
    @public
    def refuse(kind: str):
        _half_saved_user()
        raise raised[kind]

    @application.route("/_mapa/curso/<slug>")
    @public
    def course_page(slug: str):
        return render_template_string(
            "{% for m in get_flashed_messages() %}<p class=flash>{{ m }}</p>{% endfor %}"
        )

    @application.route("/_mapa/curso/<slug>/leccion/<int:number>/accion", methods=["GET", "POST"])
    @refuse_to("course_page")
    @public
    def one_button(slug: str, number: int):
        _half_saved_user()
        raise DomainError("Esa lección ya no está en el borrador.")

    @application.route("/_mapa/formulario", methods=["POST"])
    @public
    def form_view():
        form = _UploadForm()
        with form_errors(form) as sent:
            _half_saved_user()
            if form.name.data == "nada":
                raise NotFound("No encontramos ese curso.")
            if form.name.data == "campo":
                raise DomainError("Escribe otro nombre.", field="name")
            if form.name.data == "formulario":
                raise DomainError("El curso no está publicado.")
            raise UploadRefused("el zip no tiene course.md; comprime la carpeta del curso")
        return render_template_string(
            "{{ 'ok' if sent.ok else sent.error.status }}"
            "|{{ form.name.data }}|{{ form.name.errors|join }}|{{ form.file.errors|join }}"
            "|{{ form.form_errors|join }}",
            form=form,
            sent=sent,
        ), 200 if sent.ok else 400

    @application.route("/_mapa/falla")
    @public
    def broken():
        raise RuntimeError("falla provocada")

    return application


@pytest.mark.parametrize(
    ("kind", "status", "title", "message"),
    [
        ("peticion", 400, "La solicitud no es válida", "Esa acción no se puede hacer."),
        ("no-existe", 404, "No encontramos esta página", "No encontramos ese grupo."),
        (
            "prohibido",
            403,
            "No tienes acceso a esta página",
            "Solo el equipo administrador revisa los cursos.",
        ),
        (
            "conflicto",
            409,
            "Alguien más hizo un cambio al mismo tiempo",
            "Otra persona guardó este curso en este mismo momento.",
        ),
        ("demasiados", 429, "Demasiados intentos", "Hiciste demasiados intentos con la clave."),
        # An upload's refusal is a clause ("«foto.png» está vacío"): shown as it is, as a sentence.
        ("archivo", 400, "La solicitud no es válida", "«foto.png» está vacío (0 bytes)"),
    ],
)
def test_each_status_class_answers_a_get_with_its_status_and_message(
    mapped, kind, status, title, message
):
    response = mapped.test_client().get(f"/_mapa/{kind}")
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in html
    assert message in html
    assert "Código del error" not in html  # a refusal is no server error
    with mapped.app_context():
        assert _nobody_half_saved()


def test_a_post_to_a_view_with_no_way_back_gets_the_page_too(mapped):
    response = mapped.test_client().post("/_mapa/prohibido")
    assert response.status_code == 403
    assert "Solo el equipo administrador revisa los cursos." in response.get_data(as_text=True)
    with mapped.app_context():
        assert _nobody_half_saved()


def test_a_refused_one_button_action_flashes_and_goes_back_to_its_page(mapped):
    client = mapped.test_client()
    response = client.post("/_mapa/curso/ahorro/leccion/3/accion?version=facil")
    # The declared page of this site, with the URL arguments it takes (not the lesson's
    # number) and the query kept; never an address from the request.
    assert response.status_code == 302
    assert response.headers["Location"] == "/_mapa/curso/ahorro?version=facil"
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<p class=flash>Esa lección ya no está en el borrador.</p>" in followed
    with mapped.app_context():
        assert _nobody_half_saved()


def test_a_refused_action_ignores_the_referrer(mapped):
    response = mapped.test_client().post(
        "/_mapa/curso/ahorro/leccion/3/accion", headers={"Referer": "https://ejemplo.invalid/"}
    )
    assert response.headers["Location"] == "/_mapa/curso/ahorro"


def test_a_get_of_a_view_with_a_way_back_gets_the_page(mapped):
    response = mapped.test_client().get("/_mapa/curso/ahorro/leccion/3/accion")
    assert response.status_code == 400
    assert "Esa lección ya no está en el borrador." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("campo", "400|campo|Escribe otro nombre.||"),
        ("formulario", "400|formulario|||El curso no está publicado."),
        # UploadRefused is on the file field, as a sentence of its own.
        ("zip", "400|zip||El zip no tiene course.md; comprime la carpeta del curso|"),
    ],
)
def test_form_errors_puts_a_refusal_on_its_field_and_keeps_the_posted_values(
    mapped, name, expected
):
    response = mapped.test_client().post("/_mapa/formulario", data={"name": name})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == expected
    with mapped.app_context():
        assert _nobody_half_saved()


def test_form_errors_lets_a_not_found_through_to_the_404_page(mapped):
    response = mapped.test_client().post("/_mapa/formulario", data={"name": "nada"})
    assert response.status_code == 404
    assert "No encontramos ese curso." in response.get_data(as_text=True)


def test_an_unexpected_exception_under_tests_fails_with_its_traceback(mapped):
    with pytest.raises(RuntimeError, match="falla provocada"):
        mapped.test_client().get("/_mapa/falla")


def test_with_propagation_off_an_unexpected_exception_is_the_500_page(make_app):
    application = make_app(PROPAGATE_EXCEPTIONS=False)  # TESTING stays on

    @application.route("/_mapa/falla")
    @public
    def broken():
        _half_saved_user()
        raise RuntimeError("falla provocada")

    response = application.test_client().get("/_mapa/falla")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ocurrió un error en el servidor" in html and "Código del error" in html
    assert len(html.split('class="code">')[1].split("<")[0]) == 12
    assert "RuntimeError" not in html
    with application.app_context():
        assert _nobody_half_saved()


# --- the real views ------------------------------------------------------------------------------
def test_an_admin_deactivating_themself_is_refused_with_a_flash_on_their_page(
    client, make_user, ctx, login_as
):
    admin = make_user("admin")
    login_as(client, admin)
    response = client.post(f"/admin/usuarios/{admin.id}/activo")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/usuarios/{admin.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No puedes desactivar tu propia cuenta." in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


def test_a_taken_email_lands_on_the_email_field_and_the_typed_name_stays(
    client, make_user, ctx, login_as
):
    make_user("participant", email="ocupado@example.cl")
    person = make_user("participant", full_name="Rosa Tapia")
    login_as(client, person)
    response = client.post(
        "/cuenta/perfil",
        data={"full_name": "Rosa Elena Tapia", "email": "ocupado@example.cl", "locale": "es_CL"},
    )
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "No podemos usar ese correo." in html
    assert 'aria-invalid="true"' in html
    assert 'value="Rosa Elena Tapia"' in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(User, person.id).full_name == "Rosa Tapia"


def test_a_group_of_no_one_is_the_404_page_with_its_message(client, make_user, login_as):
    login_as(client, make_user("trainer"))
    response = client.get("/formacion/grupos/987654")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>No encontramos esta página</h1>" in html
    assert "No encontramos ese grupo." in html
