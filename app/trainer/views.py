"""Trainer workspace: their groups, members, enrolment, progress, import, the course list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts import services as accounts
from app.accounts.models import STAFF
from app.course_store import get_store
from app.orgs import imports
from app.orgs import services as orgs
from app.orgs.models import GROUP_KIND_LABELS
from app.reports import services as reports
from app.reports.services import quiz_summary
from app.trainer import bp
from app.trainer.forms import (
    AddMemberForm,
    ConfirmImportForm,
    EnrollGroupForm,
    ImportForm,
    ParticipantForm,
)
from app.web.access import roles_required
from app.web.errors import form_errors, refuse_to
from app.web.forms import ConfirmForm


def _me():
    return current_user._get_current_object()


def _group_or_404(group_id: int):
    return orgs.group_for(_me(), group_id)  # NotFound: the 404 page


def _participant_or_404(user_id: int):
    return orgs.participant_for(_me(), user_id)  # NotFound: the 404 page


def kind_names() -> dict:
    return GROUP_KIND_LABELS


def _published_choices():
    return [SelectChoice("", _("Elige un curso"))] + [
        SelectChoice(c.slug, c.title) for c in get_store().published()
    ]


@bp.route("/")
@roles_required(*STAFF)
def index():
    groups = orgs.visible_groups(_me())
    counts = reports.member_counts(groups)
    return render_template(
        "trainer/index.html", groups=groups, counts=counts, kind_names=kind_names()
    )


def _group_page(group, *, participant_form=None, member_form=None, enroll_form=None, status=200):
    members = orgs.members_of(group)
    enroll_form = enroll_form or EnrollGroupForm(prefix="enrol")
    enroll_form.course.choices = _published_choices()
    courses = reports.group_course_counts(group)
    store = get_store()
    return (
        render_template(
            "trainer/group.html",
            group=group,
            members=members,
            trainers=orgs.trainers_of(group),
            courses=[(store.get(slug), slug, n) for slug, n in courses],
            participant_form=participant_form or ParticipantForm(prefix="nuevo"),
            member_form=member_form or AddMemberForm(prefix="sumar"),
            enroll_form=enroll_form,
            action_form=ConfirmForm(),
            kind_names=kind_names(),
            form=None,
        ),
        status,
    )


@bp.route("/grupos/<int:group_id>")
@roles_required(*STAFF)
def group(group_id: int):
    return _group_page(_group_or_404(group_id))


@bp.route("/grupos/<int:group_id>/participantes", methods=["POST"])
@roles_required(*STAFF)
def create_participant(group_id: int):
    group = _group_or_404(group_id)
    form = ParticipantForm(prefix="nuevo")
    if form.validate_on_submit():
        with form_errors(form) as sent:
            user, one_time = orgs.create_participant(
                _me(),
                group,
                full_name=form.full_name.data,
                email=form.email.data,
                rut=form.rut.data,
            )
        if sent.ok:
            return render_template(
                "trainer/credentials.html",
                credentials=[(user.full_name, user.username, one_time, group.name)],
                back=url_for("trainer.group", group_id=group.id),
            )
    return _group_page(group, participant_form=form, status=400)


@bp.route("/grupos/<int:group_id>/miembros", methods=["POST"])
@roles_required(*STAFF)
def add_member(group_id: int):
    group = _group_or_404(group_id)
    form = AddMemberForm(prefix="sumar")
    if form.validate_on_submit():
        with form_errors(form) as sent:
            user = orgs.add_existing_member(_me(), group, form.username.data)
        if sent.ok:
            flash(_("%(name)s ahora es parte del grupo.", name=user.full_name), "success")
            return redirect(url_for("trainer.group", group_id=group.id))
    return _group_page(group, member_form=form, status=400)


@bp.route("/grupos/<int:group_id>/miembros/<int:user_id>/quitar", methods=["POST"])
@roles_required(*STAFF)
def remove_member(group_id: int, user_id: int):
    group = _group_or_404(group_id)
    person = _participant_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    orgs.remove_member(_me(), group, person)  # NotFound: the 404 page
    flash(_("%(name)s ya no es parte del grupo.", name=person.full_name), "success")
    return redirect(url_for("trainer.group", group_id=group.id))


@bp.route("/participantes/<int:user_id>/contrasena", methods=["POST"])
@roles_required(*STAFF)
def reset_password(user_id: int):
    person = _participant_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    one_time = accounts.reset_password(person, actor=_me())
    return render_template(
        "trainer/credentials.html",
        credentials=[(person.full_name, person.username, one_time, "")],
        back=url_for("trainer.participant", user_id=person.id),
    )


@bp.route("/grupos/<int:group_id>/inscribir", methods=["POST"])
@roles_required(*STAFF)
def enroll_group(group_id: int):
    group = _group_or_404(group_id)
    form = EnrollGroupForm(prefix="enrol")
    form.course.choices = _published_choices()
    if form.validate_on_submit():
        course = get_store().get(form.course.data)
        with form_errors(form) as sent:
            new, existing = orgs.enroll_group(_me(), group, course)
        if sent.ok:
            flash(
                _(
                    "Inscripción lista en «%(title)s»: %(new)s personas nuevas, %(old)s ya "
                    "estaban inscritas.",
                    title=course.title,
                    new=new,
                    old=existing,
                ),
                "success",
            )
            return redirect(url_for("trainer.group", group_id=group.id))
    return _group_page(group, enroll_form=form, status=400)


@bp.route("/grupos/<int:group_id>/cursos/<slug>")
@roles_required(*STAFF)
def group_progress(group_id: int, slug: str):
    group = _group_or_404(group_id)
    course = get_store().get(slug)
    if course is None:
        abort(404)
    members = orgs.members_of(group)
    rows = reports.group_progress_rows(members, course)
    quizzes = quiz_summary([m.id for m in members])
    return render_template(
        "trainer/group_progress.html",
        group=group,
        course=course,
        rows=rows,
        quizzes=quizzes,
        quiz_list=list(course.quizzes.values()),
    )


@bp.route("/participantes/<int:user_id>")
@roles_required(*STAFF)
def participant(user_id: int):
    person = _participant_or_404(user_id)
    return render_template(
        "reports/participant.html",
        person=person,
        record=reports.participant_record(_me(), person),
        status_names=reports.STATUS_NAMES,
        back=url_for("trainer.index"),
        can_reset_password=True,
    )


# --- Import -------------------------------------------------------------------------------------


@bp.route("/importar", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_upload():
    form = ImportForm()
    me = _me()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            rows = imports.parse_csv(form.file.data.read())
        if sent.ok:
            plan = imports.plan_import(me, rows, orgs.visible_groups(me), get_store().published())
            confirm = ConfirmImportForm(token=imports.sign_rows(me, rows))
            return render_template(
                "trainer/import_preview.html", plan=plan, confirm_form=confirm, form=None
            )
    return render_template("trainer/import.html", form=form, groups=orgs.visible_groups(me)), (
        400 if form.errors else 200
    )


@bp.route("/importar/confirmar", methods=["POST"])
@refuse_to("trainer.import_upload")
@roles_required(*STAFF)
def import_confirm():
    me = _me()
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    token, rows = imports.unsign(me, form.token.data)
    result = imports.run_import(
        me, rows, orgs.visible_groups(me), get_store().published(), token=token
    )
    flash(
        _(
            "Importación lista: %(new)s cuentas nuevas, %(old)s personas que ya tenían cuenta, "
            "%(m)s incorporaciones a grupos y %(e)s inscripciones.",
            new=len(result.created),
            old=result.existing,
            m=result.memberships,
            e=result.enrollments,
        ),
        "success",
    )
    return render_template(
        "trainer/credentials.html",
        credentials=[(u.full_name, u.username, p, g.name) for u, p, g in result.created],
        back=url_for("trainer.index"),
    )


# --- Course preview -----------------------------------------------------------------------------


@bp.route("/cursos")
@roles_required(*STAFF)
def courses():
    return render_template("trainer/courses.html", courses=get_store().all())


# The preview of a course is the workshop's (app.authoring.previews): these addresses, from
# before there was one preview, lead there for good (links and bookmarks keep working).
@bp.route("/cursos/<slug>/")
@roles_required(*STAFF)
def course_preview(slug: str):
    return redirect(url_for("authoring.preview", slug=slug), 301)


@bp.route("/cursos/<slug>/<lesson_slug>")
@roles_required(*STAFF)
def lesson_preview(slug: str, lesson_slug: str):
    return redirect(url_for("authoring.preview_lesson", slug=slug, lesson_slug=lesson_slug), 301)
