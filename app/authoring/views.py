"""Pages of the course workshop: list, new course, .zip, files, lessons, media, preview,
publish, history and editors. Rules live in app.authoring.services; the request commits."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts import services as accounts
from app.accounts.models import STAFF
from app.authoring import bp, editing, media_library, previews, reviews, testers
from app.authoring import files as course_files
from app.authoring import services as authoring
from app.authoring.diff import compare
from app.authoring.forms import (
    CopyCourseForm,
    EditorForm,
    FileForm,
    LessonForm,
    MediaForm,
    NewCourseForm,
    PublishForm,
    RenameForm,
    ReplaceMediaForm,
    TesterForm,
    ZipForm,
)
from app.authoring.uploads import (
    check_media_replacement,
    check_media_upload,
    read_course_zip,
)
from app.books.services import published_book_states
from app.content import grade_answers, read_posted_answers
from app.content.preview import FilePreview, preview_file
from app.course_store import get_store
from app.errors import DomainError, NotFound
from app.narration.services import published_progress as narration_progress
from app.revisions import services as revisions
from app.web.access import roles_required, when_logged_out
from app.web.errors import form_errors, refuse_to
from app.web.forms import ConfirmForm
from app.web.uploads import check_upload_csrf, large_upload

SNIPPET_KEY = "aula_snippet"  # the Markdown of the last upload, for the course page


@bp.context_processor
def _helpers() -> dict:
    return {
        "editable": lambda rel: bool(course_files.EDITABLE.match(rel)),
        # False for a person invited to try the course (a tester): the preview only.
        "edits_course": lambda slug: authoring.can_edit(_me(), slug),
    }


def _me():
    return current_user._get_current_object()


def _workspace_or_404(slug: str) -> authoring.Workspace:
    authoring.require_editor(_me(), slug)  # NotFound: the 404 page
    return authoring.workspace(slug)


def _home(slug: str, **kwargs):
    return redirect(url_for("authoring.course", slug=slug, **kwargs))


# --- the list, a new course, a .zip --------------------------------------------------------------
@bp.route("/")
@roles_required(*STAFF)
def index():
    rows = [authoring.workspace(slug) for slug in authoring.editable_slugs(_me())]
    return render_template(
        "authoring/index.html", rows=rows, new_form=NewCourseForm(), zip_form=ZipForm()
    )


def _copy_form(form: CopyCourseForm | None = None) -> CopyCourseForm:
    form = form or CopyCourseForm(prefix="copia")
    form.source.choices = [SelectChoice("", _("Elige un curso"))] + [
        SelectChoice(c.slug, c.title) for c in get_store().published()
    ]
    return form


@bp.route("/nuevo", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_course():
    form = NewCourseForm()
    if form.validate_on_submit():
        authors = [a.strip() for a in form.authors.data.split(",") if a.strip()]
        with form_errors(form) as sent:
            slug = authoring.create_course(
                _me(),
                slug=form.slug.data or "",
                title=" ".join(form.title.data.split()),
                summary=" ".join(form.summary.data.split()),
                audience=" ".join(form.audience.data.split()),
                hours=float(form.hours.data),
                level=form.level.data,
                licence=form.licence.data.strip(),
                authors=authors,
            )
        if sent.ok:
            flash(_("Creaste el curso. Ahora agrega su primera lección."), "success")
            return _home(slug)
    return render_template(
        "authoring/new_course.html", form=form, copy_form=_copy_form()
    ), 400 if form.errors else 200


@bp.route("/copiar", methods=["POST"])
@roles_required(*STAFF)
def copy_course():
    form = _copy_form()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            slug = authoring.copy_course(_me(), form.source.data, form.title.data)
        if sent.ok:
            flash(
                _("Creaste una copia del curso: está en borrador y solo la ve tu equipo."),
                "success",
            )
            return _home(slug)
    return render_template(
        "authoring/new_course.html", form=NewCourseForm(formdata=None), copy_form=form
    ), 400


@bp.route("/subir", methods=["GET", "POST"])
@roles_required(*STAFF)
@large_upload
def upload_zip():
    check_upload_csrf()  # any trainer may upload a course: the body is read only from here
    form = ZipForm()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            try:
                upload = read_course_zip(form.file.data.stream)  # the temporary file, not a copy
                target = authoring.import_target(_me(), upload.folder_name)
                if target is not None:  # a course this person edits: show what changes, then ask
                    return _confirm_import(target, upload.files)
                slug, created = authoring.import_course(_me(), upload.folder_name, upload.files)
            except NotFound:  # not a 404 but the field's message: a course everyone sees
                raise DomainError(  # (never a hidden draft: services.import_course)
                    _(
                        "Ya existe un curso con esa carpeta y no eres parte de su equipo de "
                        "edición."
                    ),
                    field="file",
                ) from None
        if sent.ok:
            flash(
                _("Subiste un curso nuevo: está en borrador.")
                if created
                else _("Subiste una versión nueva del curso: está en borrador."),
                "success",
            )
            return _home(slug)
    return render_template("authoring/upload.html", form=form), 400 if form.errors else 200


def _confirm_import(slug: str, files: dict[str, bytes]):
    """A .zip of a course the person edits: nothing is replaced before they see the
    differences with what the workshop shows now and confirm (nothing silently, issue 21)."""
    ws = _workspace_or_404(slug)
    diffs = compare(ws.files, files)
    if not diffs:
        flash(_("El .zip es igual a lo que ya tiene el curso: no cambió nada."), "success")
        return _home(slug)
    staged = authoring.stage_import(_me(), slug, files)
    return render_template(
        "authoring/upload_confirm.html",
        ws=ws,
        diffs=diffs,
        staged=staged,
        form=ConfirmForm(),
    )


@bp.route("/<slug>/subir/<int:revision_id>", methods=["POST"])
@refuse_to("authoring.upload_zip")
@roles_required(*STAFF)
def confirm_import(slug: str, revision_id: int):
    _workspace_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        flash(_("El formulario caducó. Vuelve a subir el .zip."), "error")
        return redirect(url_for("authoring.upload_zip"))
    seen = request.form.get("actual", "")
    authoring.replace_with_import(_me(), slug, revision_id, int(seen) if seen.isdigit() else -1)
    flash(_("Reemplazaste el borrador con el .zip: está en borrador."), "success")
    return _home(slug)


# --- one course ----------------------------------------------------------------------------------
@bp.route("/<slug>/")
@roles_required(*STAFF)
def course(slug: str):
    return _course_page(_workspace_or_404(slug))


def _course_page(
    ws: authoring.Workspace,
    *,
    media_form: MediaForm | None = None,
    tester_form: TesterForm | None = None,
) -> str:
    """The workshop's course page; a form given here was refused and shows its errors (the
    Markdown of an earlier upload waits in the session for a page without them)."""
    refused_form = media_form is not None or tester_form is not None
    return render_template(
        "authoring/course.html",
        ws=ws,
        lessons=course_files.lesson_stems(ws.files),
        titles=course_files.lesson_titles(ws.files),
        easy_inside=course_files.easy_read_inside(ws.files),
        lesson_form=LessonForm(),
        media_form=media_form or _media_form(ws),
        form=ConfirmForm(),
        snippet="" if refused_form else session.pop(SNIPPET_KEY, ""),
        review=reviews.latest_for(ws.slug),
        tester_form=tester_form or TesterForm(prefix="tester"),
        testers=testers.testers_of(ws.slug),
        orphans=course_files.orphans(ws.files),
        narration=narration_progress(ws.slug),
        books=published_book_states(ws.slug),
    )


@bp.route("/<slug>/archivo/<path:path>", methods=["GET", "POST"])
@when_logged_out(editing.save_after_session_ended)  # the text is kept, never lost
@roles_required(*STAFF)
def edit(slug: str, path: str):
    ws = _workspace_or_404(slug)
    if not course_files.EDITABLE.match(path) or path not in ws.files:
        abort(404)
    form = FileForm()
    if form.validate_on_submit():
        if form.text.data is None:
            abort(400)  # not sent by the edit page: there is no text to save (nor to lose)
        # A base that is not a number is treated as out of date: the conflict check decides.
        base = int(form.base.data) if (form.base.data or "").isdigit() else 0
        with form_errors(form) as sent:
            try:
                saved = authoring.save_file(_me(), ws, path, form.text.data, base)
            except authoring.EditConflict as exc:  # its own page (409): both texts, none lost
                form.base.data = str(ws.revision_id)
                form.text.data = exc.mine
                editing.prepare_form(form, _me(), slug, path)
                return render_template(
                    "authoring/conflict.html",
                    ws=ws,
                    path=path,
                    form=form,
                    theirs=exc.theirs,
                    **editing.conflict_extras(_me(), ws, exc, base),
                ), 409
        if sent.ok:
            editing.saved(_me(), slug, path)
            errors = sum(1 for p in saved.problems_of(path) if p.severity == "error")
            flash(
                _("Guardado en el borrador. Este archivo no tiene errores.")
                if not errors
                else _("Guardado en el borrador, con errores: revísalos abajo."),
                "success" if not errors else "info",
            )
            return redirect(url_for("authoring.edit", slug=slug, path=path))
    if request.method == "GET":
        form.text.data = ws.files[path].decode("utf-8", "replace")
        form.base.data = str(ws.revision_id)
    recovered = editing.prepare_form(form, _me(), slug, path)
    editing.explain_stale_token(form)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "authoring/edit.html",
        ws=ws,
        path=path,
        form=form,
        **editing.page_extras(_me(), ws, path, form, recovered),
        problems=ws.problems_of(path),
        lines=ws.files[path].decode("utf-8", "replace").split("\n"),
        preview=_side_preview(ws, path),
        media=media_library.offers(ws.files) if path.endswith(".md") else [],
    ), status


def _side_preview(ws: authoring.Workspace, path: str) -> FilePreview | None:
    """The last saved text of PATH rendered beside the text box (Markdown files only)."""
    if not path.endswith(".md"):
        return None
    return preview_file(
        path, ws.files[path], course_slug=ws.slug, files=ws.files, base_url=get_store().base_url
    )


@bp.route("/<slug>/lecciones", methods=["POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
def add_lesson(slug: str):
    ws = _workspace_or_404(slug)
    form = LessonForm()
    if not form.validate_on_submit():
        flash(form.title.errors[0] if form.title.errors else _("El formulario caducó."), "error")
        return _home(slug)
    files, path = course_files.new_lesson(ws.files, form.title.data)
    authoring.change_files(_me(), slug, ws, files, _("Agregó %(path)s", path=path))
    flash(_("Agregaste la lección %(path)s. Escríbela aquí.", path=path), "success")
    return redirect(url_for("authoring.edit", slug=slug, path=path))


@bp.route("/<slug>/lecciones/<stem>/mover", methods=["POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
def move_lesson(slug: str, stem: str):
    ws = _workspace_or_404(slug)
    form = ConfirmForm()
    offset = -1 if request.form.get("hacia") == "arriba" else 1
    if form.validate_on_submit():
        files = course_files.move_lesson(ws.files, stem, offset)
        authoring.change_files(_me(), slug, ws, files, _("Movió %(stem)s", stem=stem))
        flash(_("Cambiaste el orden de las lecciones."), "success")
    return _home(slug, _anchor="lecciones")


@bp.route("/<slug>/lecciones/<stem>/nombre", methods=["GET", "POST"])
@roles_required(*STAFF)
def rename_lesson(slug: str, stem: str):
    ws = _workspace_or_404(slug)
    if stem not in course_files.lesson_stems(ws.files):  # not course.md nor an easy-read file
        abort(404)
    form = RenameForm()
    title = course_files.lesson_title(ws.files, stem)
    if form.validate_on_submit():
        with form_errors(form) as sent:
            files, new_stem = course_files.rename_and_retitle(
                ws.files,
                stem,
                title=form.title.data or "",
                name=form.name.data or "",
                name_follows_title=form.match_name.data,
            )
            if new_stem == stem and files[f"{stem}.md"] == ws.files[f"{stem}.md"]:
                raise DomainError(_("No cambiaste ni el título ni el nombre."), field="title")
            authoring.change_files(
                _me(), slug, ws, files, _("Renombró %(a)s a %(b)s", a=stem, b=new_stem)
            )
        if sent.ok:
            new_title = course_files.lesson_title(files, new_stem)
            flash(
                _(
                    "La lección ahora se llama «%(title)s» (archivo %(name)s.md).",
                    title=new_title,
                    name=new_stem,
                ),
                "success",
            )
            return _home(slug, _anchor="lecciones")
    if request.method == "GET":
        form.title.data = title
        form.name.data = stem[3:]
    return render_template(
        "authoring/rename.html", ws=ws, stem=stem, title=title, form=form
    ), 400 if form.errors else 200


@bp.route("/<slug>/lecciones/<stem>/borrar", methods=["GET", "POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
def delete_lesson(slug: str, stem: str):
    ws = _workspace_or_404(slug)
    # Only a lesson is offered for deletion: course.md and easy-read files (.lf.md) are files
    # of the course, and the deletion would be refused.
    if stem not in course_files.lesson_stems(ws.files):
        abort(404)

    def done():
        flash(_("Borraste la lección %(stem)s.md del borrador.", stem=stem), "success")
        return _home(slug, _anchor="lecciones")

    return _confirm_then_change(
        ws,
        lambda files: course_files.delete_lesson(files, stem),
        _("Borró %(stem)s", stem=stem),
        done,
        "authoring/delete.html",
        stem=stem,
    )


def _confirm_then_change(ws, change, note: str, done, template: str, **context):
    """A change that asks first: TEMPLATE (the confirmation, with CONTEXT) until its form is
    sent, then the draft saved as CHANGE(files) with NOTE and DONE()'s answer; a refused change
    goes back where the view says (`@refuse_to`) with its message."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template(template, ws=ws, form=form, **context)
    authoring.change_files(_me(), ws.slug, ws, change(ws.files), note)
    return done()


@bp.route("/<slug>/medios", methods=["POST"])
@roles_required(*STAFF)
@large_upload
def upload_media(slug: str):
    ws = _workspace_or_404(slug)
    check_upload_csrf()  # an editor of this course: the body is read only from here
    form = _media_form(ws)
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        target = form.target.data
        with form_errors(form) as sent:
            media = check_media_upload(upload.filename or "", data, alt=form.alt.data)
            if target:
                ext = media.path[media.path.rfind(".") :]
                files = course_files.with_narration(ws.files, target, ext, data)
                path = f"{target}{ext}"
            else:
                files, path = {**ws.files, media.path: data}, media.path
            authoring.change_files(_me(), slug, ws, files, _("Subió %(path)s", path=path))
        if sent.ok:
            if target:
                flash(
                    _(
                        "Subiste la narración %(path)s: la lección la muestra con un reproductor.",
                        path=path,
                    ),
                    "success",
                )
                return _home(slug, _anchor="medios")
            snippet = media.snippet
            if media.kind in ("audio", "video", "captions"):
                # Offered as the library offers it: with the transcript and captions the check
                # asks for, or else what to upload first.
                offer = media_library.entry(files, path)
                snippet = offer.snippet
                if not snippet:
                    flash(_("Subiste %(path)s.", path=path) + " " + offer.advice, "success")
                    return redirect(url_for("authoring.media", slug=slug, _anchor=offer.anchor))
            flash(
                _("Subiste %(path)s. Copia el texto de abajo en la lección.", path=path),
                "success",
            )
            session[SNIPPET_KEY] = snippet  # shown once, on the course page
            return _home(slug, _anchor="fragmento")
    return _course_page(ws, media_form=form), 400


def _media_form(ws: authoring.Workspace) -> MediaForm:
    """The upload form; besides media/, a file can be a lesson's recorded narration."""
    form = MediaForm()
    form.target.choices = [SelectChoice("", _("Un archivo para usar en las lecciones (media/)"))]
    for stem in course_files.lesson_stems(ws.files):
        form.target.choices += [
            SelectChoice(stem, _("La narración grabada de %(file)s", file=f"{stem}.md")),
            SelectChoice(
                f"{stem}.lf",
                _("La narración grabada de la lectura fácil de %(file)s", file=f"{stem}.md"),
            ),
        ]
    return form


# --- preview -------------------------------------------------------------------------------------
def _previewable(slug: str) -> previews.Preview:
    """What the person previews of SLUG (app.authoring.previews: the draft for its editors and
    the people they invited to try it, else the version served, for them and every trainer and
    admin). Read-only: nothing of the preview is recorded."""
    shown = previews.preview_of(_me(), slug)  # NotFound: the 404 page
    if shown.ws.course is None:
        if shown.reader != previews.EDITOR:
            abort(404)  # a tester has no page to fix it on: they see the course again once fixed
        flash(_("El borrador tiene errores: corrígelos para ver la vista previa."), "error")
        abort(redirect(url_for("authoring.course", slug=slug, _anchor="revision")))
    return shown


def _easy() -> bool:
    return request.args.get("version") == "facil"


@bp.route("/<slug>/vista-previa/")
# Any logged-in person: trainers, admins and its testers (_previewable); others get 404.
def preview(slug: str):
    shown = _previewable(slug)
    return render_template(
        "authoring/preview_course.html", ws=shown.ws, course=shown.ws.course, shown=shown
    )


@bp.route("/<slug>/vista-previa/<lesson_slug>")
# Any logged-in person: trainers, admins and its testers (_previewable); others get 404.
def preview_lesson(slug: str, lesson_slug: str):
    shown = _previewable(slug)
    ws, course = shown.ws, shown.ws.course
    lesson = course.lesson(lesson_slug)
    if lesson is None:
        abort(404)
    easy = _easy() and lesson.easy_read is not None
    index = lesson.number - 1
    return render_template(
        "authoring/preview_lesson.html",
        ws=ws,
        shown=shown,
        course=course,
        lesson=lesson,
        easy=easy,
        blocks=lesson.easy_read if easy else lesson.body,
        problems=previews.lesson_problems(ws, lesson),
        previous=course.lessons[index - 1] if index > 0 else None,
        following=course.lessons[index + 1] if index + 1 < len(course.lessons) else None,
    )


@bp.route("/<slug>/vista-previa/pruebas/<quiz_id>", methods=["GET", "POST"])
# Any logged-in person: trainers, admins and its testers (_previewable); others get 404.
def preview_quiz(slug: str, quiz_id: str):
    ws = _previewable(slug).ws
    quiz = ws.course.quizzes.get(quiz_id)
    if quiz is None:
        abort(404)
    form = ConfirmForm()
    result = answers = None
    if form.validate_on_submit():
        answers = read_posted_answers(quiz, request.form.to_dict(flat=False))
        result = grade_answers(quiz, answers)  # as an attempt is graded: the one grading path
    orders = {q.key: [o.key for o in q.options] for q in quiz.questions}
    return render_template(
        "authoring/preview_quiz.html",
        ws=ws,
        course=ws.course,
        quiz=quiz,
        easy_reading=_easy(),
        form=form,
        orders=orders,
        answers=answers or {},
        result=result,
        results=result.by_question(quiz) if result else {},
    )


# --- publish, history ----------------------------------------------------------------------------
@bp.route("/<slug>/publicar", methods=["GET", "POST"])
@roles_required(*STAFF)
def publish(slug: str):
    ws = _workspace_or_404(slug)
    form = PublishForm()
    if form.validate_on_submit():
        seen = request.form.get("revision", "")  # the draft this page showed
        with form_errors(form) as sent:
            done = authoring.publish_draft(
                _me(),
                slug,
                form.note.data,
                expected_revision_id=int(seen) if seen.isdigit() else None,
                accept_warnings=form.accept_warnings.data,
            )
        if sent.ok:
            if not done.live:
                flash(_awaiting_message(done.revision), "success")
                return _home(slug)
            flash(
                _(
                    "Publicaste la versión %(n)s. Las personas participantes ya la ven.",
                    n=done.revision.publication_number,
                ),
                "success",
            )
            return redirect(url_for("authoring.history", slug=slug))
    published = revisions.revision_files(ws.published) if ws.published else {}
    review = reviews.latest_for(slug)
    return render_template(
        "authoring/publish.html",
        ws=ws,
        form=form,
        diffs=compare(published, ws.files) if ws.is_draft else [],
        review=review,
        waiting=review is not None
        and review.status == "pending"
        and review.revision_id == ws.revision_id,
        needs_review=ws.course is not None and reviews.needs_review(_me(), slug, ws.course),
    ), 400 if form.errors or form.form_errors else 200


def _awaiting_message(revision) -> str:
    if revision.publication_number is not None:
        asked = _("Pediste la aprobación de la versión %(n)s.", n=revision.publication_number)
    else:
        asked = _(
            "Pediste la aprobación del borrador guardado el %(when)s.",
            when=_when(revision.created_at),
        )
    why = _(
        "Cambia el título, las horas o el certificado del curso, o es su primera "
        "publicación. El equipo administrador la revisará; hasta entonces, las personas "
        "participantes siguen viendo la versión aprobada (o nada, si el curso nunca se publicó)."
    )
    return f"{asked} {why}"


def _when(moment) -> str:
    return f"{format_date(moment, 'long')}, {format_time(moment, 'HH:mm')}"


@bp.route("/<slug>/historial")
@roles_required(*STAFF)
def history(slug: str):
    ws = _workspace_or_404(slug)
    return render_template(
        "authoring/history.html", ws=ws, events=authoring.history(slug), form=ConfirmForm()
    )


@bp.route("/<slug>/versiones/<int:number>")
@roles_required(*STAFF)
def history_diff(slug: str, number: int):
    ws = _workspace_or_404(slug)
    return _revision_page(ws, authoring.published_by_number(slug, number))


def _revision_page(ws: authoring.Workspace, revision) -> str:
    """A version (or an earlier save) and what changed from the one before it."""
    before = authoring.previous_revision(revision)
    return render_template(
        "authoring/history_diff.html",
        ws=ws,
        revision=revision,
        before=before,
        published_event=authoring.publish_event_of(revision),
        diffs=compare(
            revisions.revision_files(before) if before else {}, revisions.revision_files(revision)
        ),
        form=ConfirmForm(),
    )


# The history's addresses named a save's number (every save counts) until versions were
# numbered per publication (issue 21): old links to a published one lead to its new address.
@bp.route("/<slug>/historial/<int:number>")
@roles_required(*STAFF)
def saved_revision(slug: str, number: int):
    ws = _workspace_or_404(slug)
    revision = authoring.revision_by_number(slug, number)
    if revision.publication_number is not None:
        return redirect(
            url_for("authoring.history_diff", slug=slug, number=revision.publication_number), 301
        )
    return _revision_page(ws, revision)


@bp.route("/<slug>/historial/<int:number>/volver", methods=["POST"])
@bp.route("/<slug>/historial/<int:number>/descargar.zip")
@refuse_to("authoring.history")
@roles_required(*STAFF)
def saved_revision_action(slug: str, number: int):
    _workspace_or_404(slug)
    revision = authoring.revision_by_number(slug, number)
    published = revision.publication_number
    if published is None:
        if request.method == "POST":  # back to an earlier save: published as any draft is
            return _return_to(slug, revision)
        abort(404)
    endpoint = (
        "authoring.return_to" if request.method == "POST" else "authoring.download_version_zip"
    )
    return redirect(url_for(endpoint, slug=slug, number=published), 308)


@bp.route("/<slug>/versiones/<int:number>/volver", methods=["POST"])
@refuse_to("authoring.history")
@roles_required(*STAFF)
def return_to(slug: str, number: int):
    _workspace_or_404(slug)
    return _return_to(slug, authoring.published_by_number(slug, number))


def _return_to(slug: str, revision):
    if ConfirmForm().validate_on_submit():
        done = authoring.return_to(_me(), revision)
        if done.live:
            flash(
                _("Volviste a publicar la versión %(n)s.", n=revision.publication_number),
                "success",
            )
        else:
            flash(_awaiting_message(done.revision), "success")
    return redirect(url_for("authoring.history", slug=slug))


@bp.route("/<slug>/retirar", methods=["GET", "POST"])
@refuse_to("authoring.history")
@roles_required(*STAFF)
def withdraw(slug: str):
    ws = _workspace_or_404(slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        authoring.withdraw(_me(), slug)
        flash(_("Retiraste el curso: ya no se muestra a participantes."), "success")
        return redirect(url_for("authoring.history", slug=slug))
    if ws.published is None:
        flash(_("El curso no está publicado."), "error")
        return redirect(url_for("authoring.history", slug=slug))
    return render_template(
        "authoring/withdraw.html", ws=ws, form=form, facts=authoring.withdrawal_facts(slug)
    )


@bp.route("/<slug>/descartar", methods=["GET", "POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
def discard(slug: str):
    ws = _workspace_or_404(slug)
    form = ConfirmForm()
    if form.validate_on_submit():
        authoring.discard_draft(_me(), slug)
        flash(_("Descartaste el borrador: vuelves a ver la versión publicada."), "success")
        return _home(slug)
    if not ws.is_draft or ws.published is None:
        return _home(slug)
    return render_template(
        "authoring/discard.html",
        ws=ws,
        form=form,
        diffs=compare(revisions.revision_files(ws.published), ws.files),
    )


# --- editors -------------------------------------------------------------------------------------
@bp.route("/<slug>/editores", methods=["GET", "POST"])
@roles_required(*STAFF)  # a course's editors add colleagues themselves (audited); no admin needed
def editors(slug: str):
    ws = _workspace_or_404(slug)
    form = EditorForm()
    if form.validate_on_submit():
        person = accounts.find_by_login(form.username.data)
        with form_errors(form) as sent:
            if person is None:
                raise DomainError(_("No hay una cuenta con ese nombre o correo."), field="username")
            if not authoring.add_editor(_me(), slug, person):
                raise DomainError(_("Esa persona ya edita este curso."), field="username")
        if sent.ok:
            flash(_("%(name)s ahora puede editar el curso.", name=person.full_name), "success")
            return redirect(url_for("authoring.editors", slug=slug))
    return render_template(
        "authoring/editors.html",
        ws=ws,
        form=form,
        people=authoring.editors_of(slug),
        remove_form=ConfirmForm(),
    ), 400 if form.errors else 200


@bp.route("/<slug>/editores/<int:user_id>/quitar", methods=["POST"])
@roles_required("admin")
def remove_editor(slug: str, user_id: int):
    _workspace_or_404(slug)
    person = authoring.editor_of(slug, user_id)
    if ConfirmForm().validate_on_submit():
        authoring.remove_editor(_me(), slug, person)
        flash(_("%(name)s ya no edita el curso.", name=person.full_name), "success")
    return redirect(url_for("authoring.editors", slug=slug))


# --- people who try the course (testers) ---------------------------------------------------------
@bp.route("/<slug>/personas-que-prueban", methods=["POST"])
@roles_required(*STAFF)
def add_tester(slug: str):
    ws = _workspace_or_404(slug)
    form = TesterForm(prefix="tester")
    if form.validate_on_submit():
        with form_errors(form) as sent:
            person = testers.add_tester(_me(), slug, form.username.data)
        if sent.ok:
            name = person.full_name
            flash(_("%(name)s ya puede probar el curso en la vista previa.", name=name), "success")
            return _home(slug, _anchor="personas-que-prueban")
    return _course_page(ws, tester_form=form), 400


@bp.route("/<slug>/personas-que-prueban/<int:user_id>/quitar", methods=["POST"])
@roles_required(*STAFF)
def remove_tester(slug: str, user_id: int):
    _workspace_or_404(slug)
    person = testers.tester_of(slug, user_id)
    if ConfirmForm().validate_on_submit():
        testers.remove_tester(_me(), slug, person)
        flash(_("%(name)s ya no prueba el curso.", name=person.full_name), "success")
    return _home(slug, _anchor="personas-que-prueban")


# --- a course as a .zip (issue 21) ---------------------------------------------------------------
def _zip_response(slug: str, number: int | None):
    authoring.require_editor(_me(), slug)  # NotFound: the 404 page
    name, data = authoring.course_zip(slug, number)
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<slug>/descargar.zip")
@roles_required(*STAFF)
def download_zip(slug: str):
    return _zip_response(slug, None)


@bp.route("/<slug>/versiones/<int:number>/descargar.zip")
@roles_required(*STAFF)
def download_version_zip(slug: str, number: int):
    return _zip_response(slug, number)


# --- easy-read versions and orphan files (issue 21) ----------------------------------------------
@bp.route("/<slug>/lecciones/<stem>/lectura-facil", methods=["POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
def add_easy_read(slug: str, stem: str):
    ws = _workspace_or_404(slug)
    if not ConfirmForm().validate_on_submit():
        flash(_("El formulario caducó. Vuelve a intentarlo."), "error")
        return _home(slug, _anchor="lecciones")
    files, path = course_files.new_easy_read(ws.files, stem)
    authoring.change_files(_me(), slug, ws, files, _("Agregó %(path)s", path=path))
    flash(_("Agregaste %(path)s. Escribe cada parte con frases cortas.", path=path), "success")
    return redirect(url_for("authoring.edit", slug=slug, path=path))


@bp.route("/<slug>/sobrantes/<path:path>", methods=["GET", "POST"])
@refuse_to("authoring.course")
@roles_required(*STAFF)
def delete_orphan(slug: str, path: str):
    ws = _workspace_or_404(slug)
    if path not in course_files.orphans(ws.files):
        abort(404)

    def done():
        flash(_("Borraste %(path)s del borrador.", path=path), "success")
        return _home(slug, _anchor="sobrantes")

    return _confirm_then_change(
        ws,
        lambda files: course_files.delete_orphan(files, path),
        _("Borró %(path)s", path=path),
        done,
        "authoring/delete_orphan.html",
        path=path,
    )


# --- the media library (issue 21) ----------------------------------------------------------------
def _media_or_404(ws: authoring.Workspace, path: str) -> media_library.MediaFile:
    found = media_library.entry(ws.files, path) if path.startswith("media/") else None
    if found is None:
        abort(404)
    return found


@bp.route("/<slug>/biblioteca/")
@roles_required(*STAFF)
def media(slug: str):
    ws = _workspace_or_404(slug)
    return render_template("authoring/media.html", ws=ws, entries=media_library.library(ws.files))


@bp.route("/<slug>/biblioteca/<path:path>/insertar")
@roles_required(*STAFF)
def media_snippet(slug: str, path: str):
    """The Markdown of one file to copy (the edit page inserts it at the cursor with its
    script); an image without a description on any page asks for one first."""
    ws = _workspace_or_404(slug)
    item = _media_or_404(ws, path)
    back = request.args.get("volver", "")
    back = back if course_files.EDITABLE.match(back) and back in ws.files else ""
    description = request.args.get("descripcion")
    snippet, error = item.snippet, ""
    if item.kind == "image" and description is not None:
        snippet = media_library.image_snippet(path, description)
        if not snippet:
            error = _("Escribe qué muestra la imagen, para quien no la ve (no su nombre).")
    return render_template(
        "authoring/media_snippet.html",
        ws=ws,
        item=item,
        snippet=snippet,
        back=back,
        description=description or "",
        error=error,
    ), 400 if error else 200


@bp.route("/<slug>/biblioteca/<path:path>/reemplazar", methods=["GET", "POST"])
@roles_required(*STAFF)
@large_upload
def replace_media(slug: str, path: str):
    ws = _workspace_or_404(slug)
    item = _media_or_404(ws, path)
    if request.method == "POST":
        check_upload_csrf()  # an editor of this course: the body is read only from here
    form = ReplaceMediaForm()
    if form.validate_on_submit():
        upload = form.file.data
        with form_errors(form) as sent:
            data = upload.read()
            check_media_replacement(path, upload.filename or "", data)
            note = _("Reemplazó %(path)s", path=path)
            authoring.change_files(_me(), slug, ws, {**ws.files, path: data}, note)
        if sent.ok:
            done = _("Reemplazaste %(path)s: las páginas que lo usan ya lo muestran.", path=path)
            flash(done, "success")
            return redirect(url_for("authoring.media", slug=slug, _anchor=item.anchor))
    return render_template(
        "authoring/media_replace.html", ws=ws, item=item, form=form
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/<slug>/biblioteca/<path:path>/borrar", methods=["GET", "POST"])
@refuse_to("authoring.media")
@roles_required(*STAFF)
def delete_media(slug: str, path: str):
    ws = _workspace_or_404(slug)
    item = _media_or_404(ws, path)

    def done():
        if item.uses:
            flash(
                _(
                    "Borraste %(path)s del borrador. La revisión automática muestra las líneas "
                    "que todavía lo usan: corrígelas.",
                    path=path,
                ),
                "info",
            )
            return _home(slug, _anchor="revision")
        flash(_("Borraste %(path)s del borrador.", path=path), "success")
        return redirect(url_for("authoring.media", slug=slug))

    return _confirm_then_change(
        ws,
        lambda files: {rel: data for rel, data in files.items() if rel != path},
        _("Borró %(path)s", path=path),
        done,
        "authoring/media_delete.html",
        item=item,
    )
