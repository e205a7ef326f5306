"""`flask courses books`: build the talking books of the published versions now, in this
process (the job worker does the same after every publish); with --enqueue, leave the missing
ones to the worker instead (`make run` does, for versions published before books existed)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from app.books.services import build_books, published_revisions
from app.books.tasks import enqueue_missing_books
from app.extensions import db


@click.command("books")
@click.argument("slugs", nargs=-1)
@click.option("--rebuild", is_flag=True, help="Construir de nuevo los libros ya construidos.")
@click.option(
    "--enqueue",
    is_flag=True,
    help="No construirlos aquí: encolar para el worker los libros que faltan (nunca construidos).",
)
@with_appcontext
def courses_books(slugs: tuple[str, ...], rebuild: bool, enqueue: bool) -> None:
    """Construye los libros con audio (EPUB 3) de los cursos publicados (todos, o SLUGS)."""
    if enqueue:
        enqueued, left = enqueue_missing_books(slugs)
        for slug in enqueued:
            click.echo(f"{slug}: libros encolados para el worker")
        click.echo(f"libros: {len(enqueued)} cursos encolados, {left} listos o ya en la cola")
        return
    published = published_revisions()
    unknown = [slug for slug in slugs if slug not in published]
    for slug in unknown:
        click.echo(f"{slug}: no hay una versión publicada de ese curso", err=True)
    failed = bool(unknown)
    for slug, revision_id in sorted(published.items()):
        if slugs and slug not in slugs:
            continue
        books = build_books(revision_id, rebuild=rebuild)
        db.session.commit()
        for book in books:
            if book.status == "ready":
                click.echo(
                    f"{slug} {book.reading}: listo, {book.size} bytes, {book.seconds} s de audio"
                )
            else:
                failed = True
                click.echo(f"{slug} {book.reading}: falló: {book.error}", err=True)
    if failed:
        sys.exit(1)
