"""Admin screens: municipalities, groups, users and roles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from app.accounts import services as accounts
from app.accounts.models import User
from app.admin import bp
from app.admin.forms import KIND_CHOICES, GroupForm, MunicipalityForm, UserForm
from app.errors import DomainError
from app.extensions import db
from app.learning.forms import ConfirmForm
from app.orgs import services as orgs
from app.orgs.models import Group, Membership, Municipality, StaffAssignment
from app.web.access import roles_required
from app.web.unit_of_work import form_error, refused


def _me():
    return current_user._get_current_object()


def _get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.route("/")
@roles_required("admin")
def index():
    counts = {
        "municipalities": db.session.scalar(select(func.count(Municipality.id))),
        "groups": db.session.scalar(select(func.count(Group.id))),
        "users": db.session.scalar(select(func.count(User.id))),
    }
    return render_template("admin/index.html", counts=counts)


# --- Municipalities -----------------------------------------------------------------------------


@bp.route("/comunas", methods=["GET", "POST"])
@roles_required("admin")
def municipalities():
    form = MunicipalityForm()
    if form.validate_on_submit():
        try:
            m = orgs.save_municipality(_me(), name=form.name.data, region=form.region.data or "")
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_("Se creó la comuna %(name)s.", name=m.name), "success")
            return redirect(url_for("admin.municipalities"))
    items = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    return render_template("admin/municipalities.html", form=form, items=items), (
        400 if form.errors else 200
    )


@bp.route("/comunas/<int:municipality_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_municipality(municipality_id: int):
    municipality = _get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        try:
            orgs.save_municipality(
                _me(),
                name=form.name.data,
                region=form.region.data or "",
                municipality=municipality,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_("Guardamos los cambios."), "success")
            return redirect(url_for("admin.municipalities"))
    return render_template("admin/municipality_form.html", form=form, municipality=municipality)


# --- Groups -------------------------------------------------------------------------------------


def _group_form(group: Group | None = None) -> GroupForm:
    form = GroupForm(obj=group)
    form.municipality.choices = [SelectChoice("", _("Elige una comuna"))] + [
        SelectChoice(str(m.id), m.name)
        for m in db.session.scalars(select(Municipality).order_by(Municipality.name))
    ]
    form.trainers.choices = [
        SelectChoice(str(u.id), u.full_name)
        for u in db.session.scalars(
            select(User)
            .where(User.role == "trainer", User.active.is_(True))
            .order_by(User.full_name)
        )
    ]
    if group is not None and not form.is_submitted():
        form.municipality.data = str(group.municipality_id)
        form.trainers.data = [u.id for u in orgs.trainers_of(group)]
    return form


def _save_group(form: GroupForm, group: Group | None):
    municipality = db.session.get(Municipality, int(form.municipality.data))
    if municipality is None:
        raise DomainError(_("Elige la comuna."), field="municipality")
    group = orgs.save_group(
        _me(), municipality=municipality, name=form.name.data, kind=form.kind.data, group=group
    )
    orgs.set_group_trainers(_me(), group, set(form.trainers.data or []))
    return group


@bp.route("/grupos", methods=["GET", "POST"])
@roles_required("admin")
def groups():
    form = _group_form()
    if form.validate_on_submit():
        try:
            group = _save_group(form, None)
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_("Se creó el grupo %(name)s.", name=group.name), "success")
            return redirect(url_for("admin.groups"))
    items = list(
        db.session.execute(
            select(Group, Municipality.name)
            .join(Municipality, Municipality.id == Group.municipality_id)
            .order_by(Municipality.name, Group.name)
        )
    )
    kind_names = {c.value: c.label for c in KIND_CHOICES}
    return render_template("admin/groups.html", form=form, items=items, kind_names=kind_names), (
        400 if form.errors else 200
    )


@bp.route("/grupos/<int:group_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_group(group_id: int):
    group = _get_or_404(Group, group_id)
    form = _group_form(group)
    if form.validate_on_submit():
        try:
            _save_group(form, group)
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_("Guardamos los cambios."), "success")
            return redirect(url_for("admin.groups"))
    return render_template("admin/group_form.html", form=form, group=group)


# --- Users and roles ----------------------------------------------------------------------------


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.municipalities.choices = [
        SelectChoice(str(m.id), m.name)
        for m in db.session.scalars(select(Municipality).order_by(Municipality.name))
    ]
    if user is not None and not form.is_submitted():
        form.municipalities.data = sorted(orgs.staff_municipality_ids(user))
    return form


@bp.route("/usuarios")
@roles_required("admin")
def users():
    items = list(db.session.scalars(select(User).order_by(User.role, User.full_name)))
    staff = {}
    for uid, name in db.session.execute(
        select(StaffAssignment.user_id, Municipality.name).join(
            Municipality, Municipality.id == StaffAssignment.municipality_id
        )
    ):
        staff.setdefault(uid, []).append(name)
    return render_template("admin/users.html", items=items, staff=staff)


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user, one_time = accounts.create_user(
                full_name=form.full_name.data,
                role=form.role.data,
                username=form.username.data or None,
                email=form.email.data,
                actor=_me(),
            )
            orgs.update_user(
                _me(), user, full_name=user.full_name, email=user.email, rut=form.rut.data
            )
            orgs.set_staff_municipalities(_me(), user, set(form.municipalities.data or []))
        except DomainError as exc:
            form_error(form, exc)
        else:
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
    person = _get_or_404(User, user_id)
    form = _user_form(person)
    del form.username
    if form.validate_on_submit():
        try:
            orgs.update_user(
                _me(),
                person,
                full_name=form.full_name.data,
                email=form.email.data,
                rut=form.rut.data,
            )
            orgs.change_role(_me(), person, form.role.data)
            orgs.set_staff_municipalities(_me(), person, set(form.municipalities.data or []))
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_("Guardamos los cambios de %(name)s.", name=person.full_name), "success")
            return redirect(url_for("admin.users"))
    groups = list(
        db.session.execute(
            select(Group.name, Membership.role)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == person.id)
        )
    )
    return render_template(
        "admin/user_form.html", form=form, person=person, groups=groups, action_form=ConfirmForm()
    )


@bp.route("/usuarios/<int:user_id>/activo", methods=["POST"])
@roles_required("admin")
def set_user_active(user_id: int):
    person = _get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        orgs.set_active(_me(), person, not person.active)
    except DomainError as exc:
        return refused(exc, url_for("admin.edit_user", user_id=person.id))
    else:
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
