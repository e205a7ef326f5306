"""Settings from the environment: AULA_<NAME>, DATABASE_URL and SECRET_KEY."""

from __future__ import annotations

import pytest

from app import create_app


@pytest.mark.nodb
def test_environment_overrides_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AULA_PAGE_CACHE_SECONDS", "5")
    monkeypatch.setenv("AULA_PROXY_FIX", "true")
    monkeypatch.setenv("AULA_CONTACT_EMAIL", "accesibilidad@ejemplo.cl")
    monkeypatch.setenv("AULA_TRUSTED_HOSTS", "aula.ejemplo.cl,otra.ejemplo.cl")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = create_app()
    assert app.config["PAGE_CACHE_SECONDS"] == 5
    assert app.config["PROXY_FIX"] is True
    assert app.config["CONTACT_EMAIL"] == "accesibilidad@ejemplo.cl"
    assert app.config["TRUSTED_HOSTS"] == ["aula.ejemplo.cl", "otra.ejemplo.cl"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")
    assert app.config["SECRET_KEY"] == "k" * 40
