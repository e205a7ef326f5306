"""Coordinator workspace: completion records of one municipality, exports and a summary."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.course_store import get_store
from app.orgs import services as orgs
from app.reports import bp, charts, exports
from app.reports import services as reports
from app.reports.forms import RecordFilterForm
from app.timeutil import utcnow
from app.web.access import roles_required

PAGE_SIZE = 100
STATUS_NAMES = reports.STATUS_NAMES


def _scope():
    """The coordinator's municipality and its groups (admin: every group), from the server."""
    user = current_user._get_current_object()
    municipality = orgs.coordinator_municipality(user) if user.role == "coordinator" else None
    groups = orgs.visible_groups(user)
    return municipality, groups


def _course_titles() -> dict[str, str]:
    return {c.slug: c.title for c in get_store().all()}


def _filters(groups) -> tuple[RecordFilterForm, reports.Filters]:
    """Validate the GET filters; a group outside the scope is a 404, never data."""
    raw_group = request.args.get("grupo", "")
    group_ids = {g.id for g in groups}
    if raw_group and (not raw_group.isdigit() or int(raw_group) not in group_ids):
        abort(404)
    form = RecordFilterForm(request.args)
    titles = _course_titles()
    form.curso.choices = [SelectChoice("", _("Todos los cursos"))] + [
        SelectChoice(slug, title) for slug, title in sorted(titles.items(), key=lambda kv: kv[1])
    ]
    form.grupo.choices = [SelectChoice("", _("Todos los grupos"))] + [
        SelectChoice(str(g.id), g.name) for g in groups
    ]
    form.estado.choices = [SelectChoice("", _("Todos los estados"))] + [
        SelectChoice(k, str(v)) for k, v in STATUS_NAMES.items()
    ]
    if request.args and not form.validate():
        return form, None
    return form, reports.Filters(
        course=form.curso.data or None,
        group_id=int(form.grupo.data) if form.grupo.data else None,
        date_from=form.desde.data,
        date_to=form.hasta.data,
        status=form.estado.data or None,
    )


@bp.route("/")
@roles_required("coordinator", "admin")
def summary():
    municipality, groups = _scope()
    group_ids = {g.id for g in groups}
    titles = _course_titles()
    by_course, by_group = reports.summary_counts(group_ids)
    months = reports.completions_by_month(group_ids, utcnow().date())
    inclusion = reports.inclusion_counts(group_ids)
    group_names = {g.id: g.name for g in groups}
    course_rows = sorted(
        ((slug, titles.get(slug, slug), c) for slug, c in by_course.items()), key=lambda r: r[1]
    )
    group_rows = [(g.id, g.name, by_group[g.id]) for g in groups if g.id in by_group]
    month_labels = [format_date(m, "MMM yyyy") for m in months["months"]]
    return render_template(
        "reports/summary.html",
        municipality=municipality,
        course_rows=course_rows,
        group_rows=group_rows,
        course_chart=charts.horizontal_bars([(t, c.finished, c.total) for _s, t, c in course_rows]),
        group_chart=charts.horizontal_bars([(n, c.finished, c.total) for _i, n, c in group_rows]),
        months=months,
        month_labels=month_labels,
        month_chart=charts.column_chart(
            [
                (label, months["total"][m])
                for label, m in zip(month_labels, months["months"], strict=True)
            ]
        ),
        inclusion=inclusion,
        titles=titles,
        group_names=group_names,
    )


@bp.route("/registros")
@roles_required("coordinator", "admin")
def records():
    municipality, groups = _scope()
    form, filters = _filters(groups)
    rows, total, page = [], 0, 1
    if filters is not None:
        page = request.args.get("pagina", "1")
        page = int(page) if page.isdigit() and int(page) > 0 else 1
        group_ids = {g.id for g in groups}
        total = reports.count_records(group_ids, filters)
        rows = reports.records(group_ids, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    args = filters.as_args() if filters else {}
    return render_template(
        "reports/records.html",
        municipality=municipality,
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        args=args,
        titles=_course_titles(),
        status_names=STATUS_NAMES,
    )


def _export_name(municipality, ext: str) -> str:
    slug = municipality.slug if municipality else "red"
    return f"registros-{slug}-{utcnow():%Y%m%d}.{ext}"


@bp.route("/registros.csv")
@roles_required("coordinator", "admin")
def export_csv():
    municipality, groups = _scope()
    _form, filters = _filters(groups)
    if filters is None:
        abort(400)
    titles = _course_titles()
    status_names = {k: str(v) for k, v in STATUS_NAMES.items()}

    def generate():
        yield from exports.csv_chunks(reports.export_rows(groups, filters), titles, status_names)

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_export_name(municipality, "csv")}"'
        },
    )


@bp.route("/registros.xlsx")
@roles_required("coordinator", "admin")
def export_xlsx():
    municipality, groups = _scope()
    _form, filters = _filters(groups)
    if filters is None:
        abort(400)
    status_names = {k: str(v) for k, v in STATUS_NAMES.items()}
    spool = exports.xlsx_file(reports.export_rows(groups, filters), _course_titles(), status_names)
    return Response(
        exports.file_chunks(spool),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f'attachment; filename="{_export_name(municipality, "xlsx")}"'
        },
    )


@bp.route("/participantes/<int:user_id>")
@roles_required("coordinator", "admin")
def participant(user_id: int):
    user = current_user._get_current_object()
    person = orgs.participant_for(user, user_id)
    return render_template(
        "reports/participant.html",
        person=person,
        record=reports.participant_record(user, person),
        status_names=STATUS_NAMES,
        back=url_for("reports.records"),
    )
