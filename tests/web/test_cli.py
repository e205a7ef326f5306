"""The flask commands: courses check and sync, demo data."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.models import Municipality
from tests.helpers import count

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_courses_check_passes_on_a_good_course(runner):
    result = runner.invoke(args=["courses", "check", str(FIXTURES / "courses")])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output.replace("0 errores", "")


def test_courses_check_names_file_and_line(runner):
    result = runner.invoke(args=["courses", "check", str(FIXTURES / "courses-broken")])
    assert result.exit_code == 1
    assert (
        "curso-roto/01-inicio.md:13: error: la pregunta no tiene respuesta correcta"
        in result.output
    )
    assert "curso-roto/course.md:1: error: falta la clave 'titulo'" in result.output


def test_courses_check_json(runner):
    result = runner.invoke(
        args=["courses", "check", "--format", "json", str(FIXTURES / "courses-broken")]
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    problems = data["problems"] if isinstance(data, dict) else data
    first = problems[0]
    assert {"path", "line", "severity", "message"} <= set(first)


def test_the_shipped_courses_have_no_errors_or_warnings(runner):
    root = Path(__file__).resolve().parents[2] / "courses"
    result = runner.invoke(args=["courses", "check", str(root)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "error:" not in result.output


def test_courses_sync_lists_courses(runner):
    result = runner.invoke(args=["courses", "sync"])
    assert result.exit_code == 0, result.output
    assert "curso-prueba: publicado (versión " in result.output


def test_demo_creates_municipalities_and_one_account_per_role(runner, ctx):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(select(Municipality.name)))
    assert names >= {
        "Copiapó",
        "Coquimbo",
        "Monte Patria",
        "Quillota",
        "Isla de Maipo",
        "Chimbarongo",
    }
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"participant", "trainer", "coordinator", "admin"}
    # The printed credentials work.
    line = next(ln for ln in result.output.splitlines() if "participante.demo" in ln)
    password = line.split("contraseña:")[1].strip()
    user = db.session.scalar(select(User).where(User.username == "participante.demo"))
    assert user.check_password(password)
    users = count(User)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert count(User) == users  # running it twice creates nothing new


def test_demo_prints_a_short_summary_in_spanish_without_the_audit_log(runner, ctx, caplog):
    with caplog.at_level(logging.INFO):
        result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert not [r for r in caplog.records if r.name == "aula.audit"]
    lines = result.output.splitlines()
    assert lines[0].startswith("Datos de demostración listos: 6 municipios")
    assert len(lines) <= 15
    assert all("usuario:" in line and "contraseña:" in line for line in lines[3:])
    # The events are still recorded, in the database.
    assert count(AuditEvent) > 100
