"""Command-line tools: `flask courses ...`, `flask create-admin`, `flask demo`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.content import check_paths, format_problems

courses_cli = AppGroup("courses", help="Check, load and sync the Markdown courses.")


@courses_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def courses_check(paths: tuple[Path, ...], fmt: str) -> None:
    """Check course files; print path:line: problems; exit 1 if any error."""
    targets = list(paths) or [Path(current_app.config["COURSES_DIR"])]
    problems = check_paths(targets)
    output = format_problems(problems, fmt=fmt)
    if output:
        click.echo(output)
    if any(p.severity == "error" for p in problems):
        sys.exit(1)


@courses_cli.command("sync")
def courses_sync() -> None:
    """Load every course, keep the last good version of broken ones, report what happened."""
    from app.catalog.content import get_store

    store = get_store()
    store.load()
    problems = store.problems
    errors = [p for p in problems if p.severity == "error"]
    for course in store.all():
        click.echo(f"{course.slug}: {course.status} v{course.version} ({len(course.lessons)} lessons)")
    if problems:
        click.echo(format_problems(problems, fmt="text"))
    if errors:
        click.echo(
            f"{len(errors)} error(s): courses with errors keep serving their last good version.",
            err=True,
        )
        sys.exit(1)


@click.command("create-admin")
@click.argument("username")
@click.option("--name", "full_name", default="Administración REFICOOP")
@click.option("--email", default=None)
def create_admin(username: str, full_name: str, email: str | None) -> None:
    """Create an admin with a random one-time password (printed once)."""
    from app.accounts.services import create_user
    from app.errors import DomainError
    from app.extensions import db

    try:
        user, password = create_user(
            full_name=full_name, role="admin", username=username, email=email
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Admin '{user.username}' created. One-time password: {password}")
    click.echo("It must be changed at the first login.")


@click.command("demo")
def demo() -> None:
    """Create demo data: the six municipalities, groups and one account per role."""
    from app.demo import create_demo_data

    for line in create_demo_data():
        click.echo(line)


def register_cli(app: Flask) -> None:
    app.cli.add_command(courses_cli)
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
