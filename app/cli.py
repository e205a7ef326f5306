"""Command-line tools: `flask courses ...`, `flask create-admin`, `flask demo`."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.accounts.services import create_user
from app.backup import BackupError, backup, restore
from app.books.cli import courses_books
from app.content import check_paths, format_problems
from app.content.cli import run_quiz_cues
from app.content.loader import course_folders, course_version
from app.content.model import Course, Problem
from app.content.narration import all_readings
from app.content.problems import plural
from app.course_store import get_store
from app.demo import create_demo_data
from app.errors import DomainError
from app.extensions import db
from app.narration import services as narration
from app.narration.tasks import enqueue_readings
from app.revisions import services as revisions
from app.revisions.models import CourseRevision
from app.revisions.services import announce_publish

courses_cli = AppGroup("courses", help="Revisa y publica los cursos de la carpeta courses/.")


@courses_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def courses_check(paths: tuple[Path, ...], fmt: str) -> None:
    """Revisa los cursos: muestra archivo:línea: problema; termina con 1 si hay errores."""
    targets = list(paths) or [Path(current_app.config["COURSES_DIR"])]
    problems = check_paths(targets)
    output = format_problems(problems, fmt=fmt)
    if output:
        click.echo(output)
    if any(p.severity == "error" for p in problems):
        sys.exit(1)


@courses_cli.command("quiz-cues")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def courses_quiz_cues(paths: tuple[Path, ...]) -> None:
    """Cuánto acierta en las pruebas quien elige solo por la forma de las opciones, por curso."""
    targets = [str(p) for p in paths] or [str(current_app.config["COURSES_DIR"])]
    output, code = run_quiz_cues(targets)
    click.echo(output)
    if code:
        sys.exit(code)


@courses_cli.command("sync")
def courses_sync() -> None:
    """Publica los cursos: uno con errores sigue mostrando su última versión buena."""

    store = get_store()
    store.load()
    folders = {f.name: f for f in course_folders(store.source_dir)}
    numbers = {}
    for slug, folder in folders.items():
        course = store.folder_course(slug)
        # Only a folder that loads now without errors is recorded (not the last good version).
        if course is not None and course.version == course_version(folder):
            revision, created = revisions.record_folder(folder)
            # A folder that did not change since it was recorded does not undo what was
            # published, rolled back or withdrawn in the browser since.
            if course.status == "published" and (created or not revisions.is_known(slug)):
                revisions.publish(revision)
            numbers[slug] = revision.number
    announce_publish()  # running servers reload what changed within about a second
    db.session.commit()
    store = get_store()  # serves what was just published (and what the workshop published)
    problems = store.problems
    for slug in sorted(set(folders) | {c.slug for c in store.all()}):
        line = sync_line(slug, store.folder_course(slug), problems, served=store.get(slug))
        if slug in numbers:
            line += f" · revisión {numbers[slug]} guardada"
        click.echo(line)
    if problems:
        click.echo(format_problems(problems, fmt="text"))
    click.echo(
        "Los servidores que están funcionando muestran estos cambios en un par de segundos, "
        "sin reiniciarlos."
    )
    if any(p.severity == "error" for p in problems):
        click.echo(
            "Hay cursos con errores: no se publicaron. Corrígelos (flask courses check) y vuelve "
            "a ejecutar flask courses sync.",
            err=True,
        )
        sys.exit(1)


@courses_cli.command("export")
@click.argument("slug")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--revision", "number", type=int, help="número de revisión (por omisión: publicada)")
def courses_export(slug: str, target: Path, number: int | None) -> None:
    """Escribe una revisión guardada de un curso como carpeta: TARGET/SLUG."""
    history = revisions.revisions_of(slug)
    if number is not None:
        revision = next((r for r in history if r.number == number), None)
    else:
        revision = revisions.published_revision(slug) or (history[0] if history else None)
    if revision is None:
        raise click.ClickException(
            f"no hay revisiones guardadas de '{slug}'"
            + (f" con el número {number}" if number is not None else "")
            + "; ejecuta flask courses sync primero"
        )
    try:
        folder = revisions.export_revision(revision, target)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{slug}: revisión {revision.number} (versión {revision.version}) en {folder}")


def sync_line(
    slug: str,
    course: Course | None,
    problems: tuple[Problem, ...],
    *,
    served: Course | None = None,
) -> str:
    """What `flask courses sync` did with one course, in one line a trainer can act on.

    COURSE is the last good version of its folder (None: no folder, or none that loaded);
    SERVED is what participants see now, which the workshop may have published instead (a
    course made in the browser has no folder at all) or withdrawn.
    """
    errors = sum(1 for p in problems if p.severity == "error" and p.path.split("/")[0] == slug)
    shown = served or course
    if shown is None:
        return (
            f"{slug}: NO publicado: tiene {plural(errors, 'error', 'errores')} y no hay una "
            "versión anterior buena, así que no se muestra"
        )
    described = f"versión {shown.version}, {plural(len(shown.lessons), 'lección', 'lecciones')}"
    if errors:
        return (
            f"{slug}: NO publicado: tiene {plural(errors, 'error', 'errores')}; se sigue "
            f"mostrando la última versión buena ({described})"
        )
    if served is None:
        return f"{slug}: retirado en el taller, no se muestra (su carpeta no tiene errores)"
    if shown.status == "draft":
        return f"{slug}: borrador, solo lo ven las personas formadoras ({described})"
    if course is None:
        return f"{slug}: publicado desde el taller, sin carpeta en courses/ ({described})"
    if course.version != shown.version:
        return (
            f"{slug}: publicado desde el taller ({described}); la versión {course.version} de "
            "su carpeta no se publicó porque no cambió desde que se guardó"
        )
    return f"{slug}: publicado ({described})"


@courses_cli.command("narrate")
@click.argument("slugs", nargs=-1)
@click.option("--now", is_flag=True, help="Make them here, now, instead of enqueuing them.")
@click.option("--retry", is_flag=True, help="Try again the narrations that failed.")
def courses_narrate(slugs: tuple[str, ...], now: bool, retry: bool) -> None:
    """Narrate every lesson (and its easy-read version) of the courses served, or of SLUGS.

    The same jobs a publish enqueues: for the worker (`flask jobs worker`), or made here with
    --now. A text narrated already, or waiting for the worker, is skipped (--retry: tried
    again if it failed); a lesson with a trainer's own recording needs none.
    """

    store = get_store()
    courses = [store.get(slug) for slug in slugs] if slugs else store.all()
    unknown = [slug for slug, course in zip(slugs, courses, strict=False) if course is None]
    if unknown:
        click.echo(f"unknown course: {', '.join(unknown)}", err=True)
        sys.exit(1)
    voice, wpm = narration.voice(), narration.words_per_minute()
    readings = [r for course in courses for r in all_readings(course, voice, wpm)]
    texts = {r.key for r in readings if r.key}
    recorded = sum(1 for r in readings if r.recording is not None)
    if not now:
        queued = enqueue_readings(readings, retry_failed=retry)
        click.echo(
            f"narration: {queued} enqueued for the worker, {len(texts) - queued} made or waiting "
            f"already, {recorded} recorded by a trainer"
        )
        return
    made = failed = 0
    allowed = int(current_app.config.get("NARRATION_ATTEMPTS") or 1)
    for found in narration.plan(readings, retry_failed=True):
        try:
            made += narration.make_clip(found.key, found.text, voice_name=voice, wpm=wpm)
        except Exception as exc:  # noqa: BLE001 - written down and reported, then the next one
            narration.record_failure(found.key, voice, exc, allowed=allowed)
            click.echo(f"{found.lesson.slug}: failed: {exc}", err=True)
            failed += 1
    click.echo(
        f"narration: {made} made, {len(texts) - made - failed} already there, {failed} failed, "
        f"{recorded} recorded by a trainer"
    )
    if failed:
        sys.exit(1)


@courses_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Borra los borradores de más de estos días (por omisión COURSE_DRAFT_KEEP_DAYS).",
)
def courses_prune(days: int | None) -> None:
    """Borra las versiones de borrador nunca publicadas más antiguas que DAYS días, los datos
    que ya no usa ninguna versión y los cursos procesados en caché de versiones borradas."""
    if days is None:
        days = int(current_app.config["COURSE_DRAFT_KEEP_DAYS"])
    pruned = revisions.prune_drafts(older_than=timedelta(days=days))
    db.session.commit()
    for slug, number in pruned.revisions:
        click.echo(f"{slug}: borrada la versión {number} (borrador nunca publicado)")
    kept = set(db.session.execute(select(CourseRevision.course_slug, CourseRevision.version)))
    pickles, pickle_bytes = get_store().prune_cache({(s, v) for s, v in kept})
    click.echo(
        f"Versiones borradas: {len(pruned.revisions)} (de más de {days} días). "
        f"Datos borrados: {pruned.blobs} ({_bytes(pruned.bytes_freed)}). "
        f"Caché: {pickles} archivos ({_bytes(pickle_bytes)})."
    )


def _bytes(n: int) -> str:
    return f"{n:,} bytes".replace(",", ".")


@click.command("create-admin")
@with_appcontext
@click.argument("username")
@click.option("--name", "full_name", default="Administración REFICOOP")
@click.option("--email", default=None)
def create_admin(username: str, full_name: str, email: str | None) -> None:
    """Crea una cuenta de administración con una contraseña de un solo uso (se muestra una vez)."""

    try:
        user, password = create_user(
            full_name=full_name, role="admin", username=username, email=email
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(
        f"Cuenta de administración '{user.username}' creada. Contraseña de un solo uso: {password}"
    )
    click.echo("Hay que cambiarla al entrar por primera vez.")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Crea los datos de demostración: los seis municipios, grupos y una cuenta por rol."""

    # The demo records some 470 audit events: they stay in the database, off the screen, so
    # that the accounts printed below are not buried.
    audit_log = logging.getLogger("aula.audit")
    level = audit_log.level
    audit_log.setLevel(logging.WARNING)
    try:
        lines = create_demo_data()
    finally:
        audit_log.setLevel(level)
    for line in lines:
        click.echo(line)


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(path_type=Path))
def backup_command(target: Path) -> None:
    """Escribe una copia de seguridad coherente de la base de datos en TARGET."""

    try:
        written = backup(target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Copia de seguridad escrita en {written} ({_bytes(written.stat().st_size)}).")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="No preguntar antes de reemplazar.")
def restore_command(source: Path, yes: bool) -> None:
    """Reemplaza el contenido de la base de datos por la copia de seguridad SOURCE."""

    if not yes:
        click.confirm(
            "Esto reemplaza todos los registros de la base de datos. ¿Continuar?", abort=True
        )
    try:
        restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Base de datos restaurada desde {source}.")


def register_cli(app: Flask) -> None:
    courses_cli.add_command(courses_books)  # flask courses books (app.books.cli)
    app.cli.add_command(courses_cli)
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
