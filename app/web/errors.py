"""Error pages and the one error map: accessible, in Spanish, with a way back, never a traceback.

A `DomainError` a view lets through is answered here, by its class's `status` and its message:

- a NotFound (404), and any refusal of a GET or of a POST whose view declares no `@refuse_to`,
  gets the error page with that status and the message as its explanation;
- a refused POST of a view marked `@refuse_to(endpoint)` (one-button actions) gets the message
  flashed and a redirect to that endpoint of this site, built with the view's own URL arguments
  (never an address taken from the request, so never an open redirect).

Form views put a refusal on the form instead, with `with form_errors(form) as sent:`. Either
way the unit of work is rolled back. Under tests (`TESTING`, or debug, unless
`PROPAGATE_EXCEPTIONS` is False) an unexpected exception is raised again instead of becoming the
500 page.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from app.errors import DomainError, NotFound
from app.extensions import db, login_manager
from app.web.unit_of_work import READ_ONLY_METHODS, form_error, refused

log = logging.getLogger("aula.errors")


def refuse_to(endpoint: str) -> Callable:
    """Declare where a refused POST of this view goes back to (with the message flashed)."""

    def decorator(view: Callable) -> Callable:
        view.refuse_to = endpoint  # type: ignore[attr-defined]
        return view

    return decorator


@dataclass
class FormOutcome:
    """What `form_errors` saw: `ok` unless the block was refused (then `error` says why)."""

    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def form_errors(form) -> Iterator[FormOutcome]:
    """Run the block; a refusal goes on FORM (its field, or the form's own list) and rolls back.

    A NotFound is not the form's business: it passes through to the 404 page."""
    outcome = FormOutcome()
    try:
        yield outcome
    except NotFound:
        raise
    except DomainError as exc:
        form_error(form, exc)
        outcome.error = exc


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


def _titles() -> dict[int, str]:
    return {
        400: _("La solicitud no es válida"),
        403: _("No tienes acceso a esta página"),
        404: _("No encontramos esta página"),
        405: _("Esta acción no está permitida aquí"),
        409: _("Alguien más hizo un cambio al mismo tiempo"),
        413: _("El archivo es demasiado grande"),
        429: _("Demasiados intentos"),
    }


def _error_page(code: int, explanation: str):
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=_titles().get(code, _("Ocurrió un problema")),
            explanation=explanation,
            error_id=None,
        ),
        code,
    )


def _refusal_url(endpoint: str) -> str:
    """ENDPOINT with the refused request's URL arguments it takes, and its query (the reading
    version of a quiz)."""
    takes = {name for rule in current_app.url_map.iter_rules(endpoint) for name in rule.arguments}
    args = {k: v for k, v in (request.view_args or {}).items() if k in takes}
    return url_for(endpoint, **{**request.args.to_dict(), **args})


def domain_error_answer(exc: DomainError):
    """The answer to a refusal the view let through (the one rule above)."""
    view = current_app.view_functions.get(request.endpoint or "")
    back = getattr(view, "refuse_to", None)
    if back and request.method not in READ_ONLY_METHODS and not isinstance(exc, NotFound):
        return refused(exc, _refusal_url(back))
    db.session.rollback()
    return _error_page(exc.status, exc.sentence)


def _propagates(app: Flask) -> bool:
    """Flask's own rule: PROPAGATE_EXCEPTIONS, else on when testing or debugging."""
    flag = app.config.get("PROPAGATE_EXCEPTIONS")
    return bool(app.testing or app.debug) if flag is None else bool(flag)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return csrf_error_page()

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return domain_error_answer(exc)

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
        return _error_page(code, explanations.get(code, _("Vuelve atrás e inténtalo otra vez.")))

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        if _propagates(app):
            raise exc  # a broken view fails its test with its own traceback
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
