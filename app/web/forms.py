"""Helpers shared by every form."""

from app.errors import DomainError


def apply_domain_error(form, exc: DomainError) -> None:
    """Show a service's error on the field it names, or on the form as a whole."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)
