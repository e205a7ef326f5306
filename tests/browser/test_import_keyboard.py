"""The CSV import preview works with the keyboard alone: upload, read errors, confirm."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from tests.browser.axe import axe_failures


def _tab_to(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches PREDICATE_JS (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"
        ):
            return
    raise AssertionError(f"never reached focus: {predicate_js}")


def _users(browser_app) -> int:
    with browser_app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_import_preview_and_confirm_with_keyboard_only(
    role_contexts, scenario, browser_app, tmp_path
):
    page = role_contexts["trainer"].new_page()
    try:
        good = tmp_path / "personas.csv"
        good.write_bytes(
            "\ufeffnombre;correo;rut;grupo\nTeclado Uno;;;Sabores del Limarí\n"
            "Teclado Dos;;12.678.579-8;Sabores del Limarí\n".encode()
        )
        bad = tmp_path / "errores.csv"
        bad.write_text(
            "nombre;grupo\n;Sabores del Limarí\nOtra;Aseo y Jardines\n", encoding="utf-8"
        )

        # 1. A file with errors: the preview lists them by line and offers no confirm button.
        page.goto("/formacion/importar")
        page.set_input_files("#file", str(bad))
        page.focus("#file")
        _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Ver vista previa')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Vista previa" in page.title()
        errors = page.locator(".error-summary li").all_inner_texts()
        assert any(e.startswith("Línea 2:") for e in errors)
        assert any(e.startswith("Línea 3:") for e in errors)
        assert page.get_by_role("button", name="Confirmar e importar").count() == 0
        failures = axe_failures(page, "import with row errors")
        assert not failures, "\n".join(failures)

        # 2. A good file: the table has a caption and the confirm button is reached by Tab.
        before = _users(browser_app)
        page.goto("/formacion/importar")
        page.set_input_files("#file", str(good))
        page.focus("#file")
        _tab_to(page, "el.tagName === 'BUTTON'")
        with page.expect_navigation():
            page.keyboard.press("Space")
        assert page.locator("table caption").count() == 1
        assert page.locator("th[scope=row]").count() == 2
        failures = axe_failures(page, "import preview")
        assert not failures, "\n".join(failures)
        assert _users(browser_app) == before  # nothing written yet
        page.keyboard.press("Tab")  # from the top of the page: skip link first
        _tab_to(page, "el.textContent.includes('Confirmar e importar')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Hoja de acceso" in page.title()
        assert page.locator(".credential-card").count() == 2
        assert _users(browser_app) == before + 2
        failures = axe_failures(page, "import done")
        assert not failures, "\n".join(failures)
    finally:
        page.close()
