"""`flask credentials create-key|rotate-key|show-key` and `flask certificates credentials`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.credentials import keys, services
from app.extensions import db

credentials_cli = AppGroup("credentials", help="The key that signs Open Badges credentials.")
certificates_cli = AppGroup("certificates", help="Certificates already issued.")


@credentials_cli.command("create-key")
def create_key() -> None:
    """Create the signing key (does nothing when a key file already exists)."""
    try:
        key = keys.create_key()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if key is None:
        click.echo(f"A key file already exists: {keys.keys_path()} (nothing changed).")
        return
    click.echo(
        f"Created {key.id} in {keys.keys_path()}. Back this file up: see docs/operations.md."
    )


@credentials_cli.command("rotate-key")
def rotate_key() -> None:
    """Sign new credentials with a new key; old public keys stay in the DID document."""
    try:
        key = keys.rotate_key()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"New signing key {key.id} in {keys.keys_path()}; older keys now only verify.")


@credentials_cli.command("show-key")
def show_key() -> None:
    """Print the issuer DID and the keys its DID document lists."""
    try:
        stored = keys.read_keys()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if not stored:
        raise click.ClickException(f"No key file at {keys.keys_path()}: run create-key.")
    click.echo(f"Issuer: {keys.issuer_did(stored[-1])}")
    for key in stored:
        role = "signs" if key.secret is not None else "verifies only"
        click.echo(f"  {keys.verification_method(key)} ({key.created}, {role})")


@certificates_cli.command("credentials")
def issue_credentials() -> None:
    """Give every certificate that has none its Open Badges credential, and sign again those
    lacking an entry in a status list (the suspension list came later); safe to repeat."""
    try:
        completed = services.complete_statuses()
        made = services.issue_missing()
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Credentials issued: {made}. Signed again with every status list: {completed}.")


def register(app: Flask) -> None:
    app.cli.add_command(credentials_cli)
    app.cli.add_command(certificates_cli)
