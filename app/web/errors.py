"""Error pages: accessible, in Spanish, with a way back, never a traceback."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.extensions import db, login_manager

log = logging.getLogger("aula.errors")


def csrf_error_page():
    """The answer to a form whose CSRF token is no longer valid (a blueprint may answer its own
    forms better: the workshop's edit page keeps the text, app.authoring.editing)."""
    return (
        render_template(
            "errors/error.html",
            code=400,
            title=_("El formulario caducó"),
            explanation=_(
                "Por seguridad, este formulario ya no es válido (quizás la página estuvo "
                "abierta mucho tiempo o se envió dos veces). No se guardó nada. Vuelve "
                "atrás, recarga la página y envíalo otra vez."
            ),
            error_id=None,
        ),
        400,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return csrf_error_page()

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, SecurityError):
            # A Host header outside TRUSTED_HOSTS: no page can be built for it (no URLs).
            return "Bad Request: host not allowed\n", 400, {"Content-Type": "text/plain"}
        if exc.code == 401:
            return login_manager.unauthorized()
        if exc.code == 403:
            log.warning(
                "access denied user_id=%s endpoint=%s request_id=%s",
                getattr(current_user, "id", None),
                request.endpoint,
                g.get("request_id", ""),
            )
        titles = {
            400: _("La solicitud no es válida"),
            403: _("No tienes acceso a esta página"),
            404: _("No encontramos esta página"),
            405: _("Esta acción no está permitida aquí"),
            413: _("El archivo es demasiado grande"),
            429: _("Demasiados intentos"),
        }
        explanations = {
            400: _("Algo en el formulario no llegó bien. Vuelve atrás e inténtalo otra vez."),
            403: _(
                "Tu cuenta no tiene permiso para ver esta página. Si crees que es un error, "
                "habla con la persona que coordina tu curso."
            ),
            404: _(
                "La dirección puede estar mal escrita o la página ya no existe. "
                "Puedes volver al inicio o ver la lista de cursos."
            ),
            405: _("Vuelve atrás e inténtalo desde el botón de la página."),
            413: _("Elige un archivo más pequeño e inténtalo otra vez."),
            429: _("Hiciste muchos intentos seguidos. Espera unos minutos y vuelve a intentarlo."),
        }
        code = exc.code or 500
        return (
            render_template(
                "errors/error.html",
                code=code,
                title=titles.get(code, _("Ocurrió un problema")),
                explanation=explanations.get(code, _("Vuelve atrás e inténtalo otra vez.")),
                error_id=None,
            ),
            code,
        )

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        db.session.rollback()
        error_id = uuid.uuid4().hex[:12]
        log.exception("unhandled error id=%s request_id=%s", error_id, g.get("request_id", ""))
        return (
            render_template(
                "errors/error.html",
                code=500,
                title=_("Ocurrió un error en el servidor"),
                explanation=_(
                    "No se perdió nada de lo que ya estaba guardado. Inténtalo otra vez en unos "
                    "minutos. Si vuelve a pasar, avisa a tu facilitador o facilitadora y dale "
                    "este código de error."
                ),
                error_id=error_id,
            ),
            500,
        )
