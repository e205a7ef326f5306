"""Admin screens: municipalities, groups, users and roles, and the courses waiting for
approval."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accounts.models import User
from app.admin import bp
from app.admin import services as admin
from app.admin.forms import GroupForm, MunicipalityForm, SendBackForm, UserForm
from app.authoring import reviews
from app.authoring.diff import compare
from app.certificates.services import NETWORK_NAME
from app.extensions import db
from app.orgs import services as orgs
from app.orgs.models import GROUP_KIND_LABELS, Group, Municipality
from app.web.access import roles_required
from app.web.errors import form_errors, refuse_to
from app.web.forms import ConfirmForm


def _me():
    return current_user._get_current_object()


@bp.route("/")
@roles_required("admin")
def index():
    return render_template("admin/index.html", counts=admin.overview_counts())


# --- Municipalities -----------------------------------------------------------------------------


@bp.route("/comunas", methods=["GET", "POST"])
@roles_required("admin")
def municipalities():
    form = MunicipalityForm()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            m = orgs.save_municipality(_me(), name=form.name.data, region=form.region.data or "")
        if sent.ok:
            flash(_("Se creó la comuna %(name)s.", name=m.name), "success")
            return redirect(url_for("admin.municipalities"))
    items = admin.municipalities()
    return render_template("admin/municipalities.html", form=form, items=items), (
        400 if form.errors else 200
    )


@bp.route("/comunas/<int:municipality_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_municipality(municipality_id: int):
    municipality = db.get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        with form_errors(form) as sent:
            orgs.save_municipality(
                _me(),
                name=form.name.data,
                region=form.region.data or "",
                municipality=municipality,
            )
        if sent.ok:
            flash(_("Guardamos los cambios."), "success")
            return redirect(url_for("admin.municipalities"))
    return render_template("admin/municipality_form.html", form=form, municipality=municipality)


# --- Groups -------------------------------------------------------------------------------------


def _group_form(group: Group | None = None) -> GroupForm:
    form = GroupForm(obj=group)
    form.municipality.choices = [SelectChoice("", _("Elige una comuna"))] + [
        SelectChoice(str(m.id), m.name) for m in admin.municipalities()
    ]
    form.trainers.choices = [SelectChoice(str(u.id), u.full_name) for u in admin.active_trainers()]
    if group is not None and not form.is_submitted():
        form.municipality.data = str(group.municipality_id)
        form.trainers.data = [u.id for u in orgs.trainers_of(group)]
    return form


def _save_group(form: GroupForm, group: Group | None):
    return admin.save_group(
        _me(),
        municipality_id=int(form.municipality.data),
        name=form.name.data,
        kind=form.kind.data,
        trainer_ids=set(form.trainers.data or []),
        group=group,
    )


@bp.route("/grupos", methods=["GET", "POST"])
@roles_required("admin")
def groups():
    form = _group_form()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            group = _save_group(form, None)
        if sent.ok:
            flash(_("Se creó el grupo %(name)s.", name=group.name), "success")
            return redirect(url_for("admin.groups"))
    items = admin.groups_with_municipality()
    kind_names = GROUP_KIND_LABELS
    return render_template("admin/groups.html", form=form, items=items, kind_names=kind_names), (
        400 if form.errors else 200
    )


@bp.route("/grupos/<int:group_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_group(group_id: int):
    group = db.get_or_404(Group, group_id)
    form = _group_form(group)
    if form.validate_on_submit():
        with form_errors(form) as sent:
            _save_group(form, group)
        if sent.ok:
            flash(_("Guardamos los cambios."), "success")
            return redirect(url_for("admin.groups"))
    return render_template("admin/group_form.html", form=form, group=group)


# --- Users and roles ----------------------------------------------------------------------------


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.municipalities.choices = [SelectChoice(str(m.id), m.name) for m in admin.municipalities()]
    if user is not None and not form.is_submitted():
        form.municipalities.data = sorted(orgs.staff_municipality_ids(user))
    return form


@bp.route("/usuarios")
@roles_required("admin")
def users():
    items, staff = admin.users_with_municipalities()
    return render_template("admin/users.html", items=items, staff=staff)


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        with form_errors(form) as sent:
            user, one_time = admin.create_account(
                _me(),
                full_name=form.full_name.data,
                role=form.role.data,
                username=form.username.data or None,
                email=form.email.data,
                rut=form.rut.data,
                municipality_ids=set(form.municipalities.data or []),
            )
        if sent.ok:
            return render_template(
                "trainer/credentials.html",
                credentials=[(user.full_name, user.username, one_time, "")],
                back=url_for("admin.users"),
            )
    return render_template("admin/user_form.html", form=form, person=None), (
        400 if form.errors else 200
    )


@bp.route("/usuarios/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = _user_form(person)
    del form.username
    if form.validate_on_submit():
        with form_errors(form) as sent:
            admin.edit_account(
                _me(),
                person,
                full_name=form.full_name.data,
                email=form.email.data,
                rut=form.rut.data,
                role=form.role.data,
                municipality_ids=set(form.municipalities.data or []),
            )
        if sent.ok:
            flash(_("Guardamos los cambios de %(name)s.", name=person.full_name), "success")
            return redirect(url_for("admin.users"))
    groups = admin.groups_of(person)
    return render_template(
        "admin/user_form.html", form=form, person=person, groups=groups, action_form=ConfirmForm()
    )


@bp.route("/usuarios/<int:user_id>/activo", methods=["POST"])
@refuse_to("admin.edit_user")
@roles_required("admin")
def set_user_active(user_id: int):
    person = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    orgs.set_active(_me(), person, not person.active)
    flash(
        _("La cuenta de %(name)s quedó activa.", name=person.full_name)
        if person.active
        else _(
            "La cuenta de %(name)s quedó desactivada y sus sesiones se cerraron.",
            name=person.full_name,
        ),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=person.id))


# --- Course publication requests ----------------------------------------------------------------


@bp.route("/cursos/aprobaciones")
@roles_required("admin")
def course_reviews():
    return render_template("admin/course_reviews.html", items=reviews.pending())


def _review_page(review_id: int, form: SendBackForm | None = None, status: int = 200):
    page = reviews.review_page(review_id)  # NotFound: the 404 page
    return render_template(
        "admin/course_review.html",
        page=page,
        form=form or SendBackForm(formdata=None),
        approve_form=ConfirmForm(),
        diffs=compare(page.old_files, page.new_files),
        network_name=NETWORK_NAME,
    ), status


@bp.route("/cursos/aprobaciones/<int:review_id>")
@roles_required("admin")
def course_review(review_id: int):
    return _review_page(review_id)


@bp.route("/cursos/aprobaciones/<int:review_id>/aprobar", methods=["POST"])
@refuse_to("admin.course_review")
@roles_required("admin")
def approve_course(review_id: int):
    back = url_for("admin.course_review", review_id=review_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("El formulario caducó. Inténtalo otra vez."), "error")
        return redirect(back)
    review = reviews.approve(_me(), review_id)
    flash(
        _("Aprobaste y publicaste el curso %(slug)s.", slug=review.course_slug),
        "success",
    )
    return redirect(url_for("admin.course_reviews"))


@bp.route("/cursos/aprobaciones/<int:review_id>/devolver", methods=["POST"])
@roles_required("admin")
def send_back_course(review_id: int):
    form = SendBackForm()
    if form.validate_on_submit():
        with form_errors(form) as sent:  # a NotFound passes through: the 404 page
            review = reviews.send_back(_me(), review_id, form.note.data)
        if sent.ok:
            flash(
                _("Devolviste la solicitud de %(slug)s con tu nota.", slug=review.course_slug),
                "success",
            )
            return redirect(url_for("admin.course_reviews"))
    return _review_page(review_id, form, 400)
