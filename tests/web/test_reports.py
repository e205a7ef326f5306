"""Coordinator workspace: records, filters, exports read back, charts, suppression, queries."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app.accounts.models import User
from app.extensions import db
from app.reports.exports import neutralise
from app.reports.services import suppress
from tests.worlds import COURSE, OTHER_COURSE, add_person, build_every_status_world, build_world


def test_records_show_only_the_coordinators_municipality(world, client, login_as):
    login_as(client, world.users["coord-a"])
    html = client.get("/coordinacion/registros").get_data(as_text=True)
    assert "Participante A" in html and "Participante B" not in html
    assert "<caption>" in html and 'scope="col"' in html
    assert "En curso" in html  # part-a finished a lesson


@pytest.mark.parametrize(
    ("query", "status"),
    [("estado=zzz", 200), ("desde=2024-13-40", 200), ("desde=2025-02-01&hasta=2025-01-01", 200)],
)
def test_invalid_filters_show_errors_not_data(world, client, query, status, login_as):
    login_as(client, world.users["coord-a"])
    r = client.get(f"/coordinacion/registros?{query}")
    html = r.get_data(as_text=True)
    assert r.status_code == status
    assert "error-summary" in html and "Participante A" not in html


def test_impossible_date_is_quoted_in_the_error_not_echoed_into_the_date_input(
    world, client, login_as
):
    login_as(client, world.users["coord-a"])
    html = client.get("/coordinacion/registros?desde=2025-13-01&hasta=2025-02-03").get_data(
        as_text=True
    )
    assert "«2025-13-01» no es una fecha válida" in html
    assert 'value="2025-13-01"' not in html  # <input type=date> accepts only real dates
    assert 'value="2025-02-03"' in html  # the valid one is kept


def test_filters_by_status_course_group_and_dates(world, client, login_as):
    login_as(client, world.users["coord-a"])
    gid = world.ids["group-a"]
    assert "Participante A" in client.get(f"/coordinacion/registros?grupo={gid}").get_data(
        as_text=True
    )
    assert "Participante A" in client.get("/coordinacion/registros?estado=in_progress").get_data(
        as_text=True
    )
    assert "Participante A" not in client.get("/coordinacion/registros?estado=completed").get_data(
        as_text=True
    )
    assert "Participante A" in client.get("/coordinacion/registros?curso=curso-prueba").get_data(
        as_text=True
    )
    assert "Participante A" not in client.get(
        "/coordinacion/registros?desde=2000-01-01&hasta=2000-01-02"
    ).get_data(as_text=True)


def test_csv_export_opens_in_spanish_excel_and_neutralises_formulas(world, client, ctx, login_as):
    user = db.session.get(User, world.ids["part-a"])
    user.full_name = '=HYPERLINK("http://x")'
    db.session.commit()
    login_as(client, world.users["coord-a"])
    r = client.get("/coordinacion/registros.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Comuna", "Grupo", "Participante"]
    assert len(rows) == 2
    assert rows[1][0] == "Monte Patria"
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert "Participante B" not in raw.decode("utf-8-sig")


def test_xlsx_export_reads_back_with_openpyxl(world, client, ctx, login_as):
    user = db.session.get(User, world.ids["part-a"])
    user.full_name = "@SUM(A1)"
    db.session.commit()
    login_as(client, world.users["coord-a"])
    r = client.get("/coordinacion/registros.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.get_data()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Comuna" and len(rows) == 2
    assert rows[1][2] == "'@SUM(A1)"
    assert rows[1][4] == "Curso de prueba" or rows[1][4]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_neutralise_prefixes_formula_starts(value):
    assert neutralise(value) == "'" + value


def test_neutralise_leaves_plain_values():
    assert neutralise("Ana") == "Ana" and neutralise(3) == 3 and neutralise("") == ""


def test_suppression_hides_small_counts_and_the_next_smallest():
    cells = suppress({"a": 3, "b": 7, "c": 12})
    assert cells["a"].suppressed and cells["b"].suppressed and not cells["c"].suppressed
    cells = suppress({"a": 5, "b": 0})
    assert cells["b"].suppressed and cells["a"].suppressed
    cells = suppress({"a": 5, "b": 6})
    assert not any(c.suppressed for c in cells.values())


def test_summary_has_accessible_charts_and_tables(world, client, login_as):
    login_as(client, world.users["coord-a"])
    html = client.get("/coordinacion/").get_data(as_text=True)
    assert html.count('role="img"') == 3
    assert "<title id=" in html and "<desc id=" in html
    assert "style=" not in html
    assert "Estado de los registros por curso" in html and "Grupo A" in html
    assert "Grupo B" not in html


def test_inclusion_counts_are_suppressed_below_five(app, client, login_as):
    w = build_world(app, extra_declared=4)
    login_as(client, w.users["coord-a"])
    html = client.get("/coordinacion/").get_data(as_text=True)
    section = html.split('id="inclusion"')[1]
    assert "menos de 5" in section
    assert "declared-0" not in html and "Persona declared" not in html


def test_inclusion_counts_shown_from_five(app, client, login_as):
    w = build_world(app, extra_declared=5)
    login_as(client, w.users["coord-a"])
    section = client.get("/coordinacion/").get_data(as_text=True).split('id="inclusion"')[1]
    assert "<td>5</td>" in section
    assert "Persona declared" not in section


def _statements(app):
    counter = {"n": 0}

    def before(*args, **kwargs):
        counter["n"] += 1

    return counter, before


@pytest.mark.parametrize("path", ["/coordinacion/", "/coordinacion/registros"])
def test_query_count_does_not_grow_per_row(app, client, path, login_as):
    from app.course_store import get_store
    from app.learning import services as learning
    from app.orgs.models import Group

    w = build_world(app)
    login_as(client, w.users["coord-a"])

    def measure():
        counter = {"n": 0}

        def count_it(*args, **kwargs):
            counter["n"] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count_it)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count_it)
        return counter["n"]

    small = measure()
    with app.app_context():
        course = get_store().get("curso-prueba")
        group = db.session.get(Group, w.ids["group-a"])
        from app.orgs.services import add_member

        for i in range(15):
            u = add_person(f"extra{i}", full_name=f"Extra {i}", password="x" * 12)
            add_member(group, u)
            learning.enroll(u, course, group_id=group.id)
            if i % 2:
                learning.complete_lesson(u, course, course.lessons[0])
        db.session.commit()
    assert measure() == small


# (enrolled, in_progress, completed, certified)
EXPECTED_BY_COURSE = {COURSE: (2, 1, 1, 1), OTHER_COURSE: (0, 2, 1, 1)}
EXPECTED_BY_GROUP = {"group-a": (1, 2, 1, 1), "group-a2": (1, 1, 1, 1)}


def _as_tuple(counts):
    return (counts.enrolled, counts.in_progress, counts.completed, counts.certified)


def test_summary_counts_every_status_per_course_and_per_group(app, reader_app):
    from app.reports import services as reports

    w = build_every_status_world(app)
    with reader_app.app_context():
        scope = {w.ids["group-a"], w.ids["group-a2"]}
        by_course, by_group = reports.summary_counts(scope)
        assert {k: _as_tuple(v) for k, v in by_course.items()} == EXPECTED_BY_COURSE
        assert {k: _as_tuple(v) for k, v in by_group.items()} == {
            w.ids[k]: v for k, v in EXPECTED_BY_GROUP.items()
        }
        # The records (page, filters and exports) give every record the same state.
        rows = reports.records(scope)
        assert len(rows) == 9
        per_course: dict = {}
        for row in rows:
            per_course.setdefault(row.course_slug, []).append(row.state)
        for slug, expected in EXPECTED_BY_COURSE.items():
            got = tuple(per_course[slug].count(s) for s in reports.STATUSES)
            assert got == expected, slug
        for status in reports.STATUSES:
            filtered = reports.records(scope, reports.Filters(status=status))
            assert {r.state for r in filtered} <= {status}
            assert len(filtered) == reports.count_records(scope, reports.Filters(status=status))
            assert len(filtered) == sum(c.__dict__[status] for c in by_course.values())
        lessons = {(r.username, r.course_slug): r.lessons_done for r in rows}
        assert lessons[("p3", COURSE)] == 3 and lessons[("p1", COURSE)] == 0


def test_summary_page_tables_show_the_counts(app, client, login_as):
    w = build_every_status_world(app)
    login_as(client, w.users["coord-a"])
    html = client.get("/coordinacion/").get_data(as_text=True)
    by_course, by_group = html.split('id="por-grupo"')[0], html.split('id="por-grupo"')[1]
    by_group = by_group.split('id="por-mes"')[0]
    # total, enrolled, in progress, completed, certified, finished (percent)
    assert (
        '<tr><th scope="row">Grupo A</th><td>5</td><td>1</td><td>2</td><td>1</td><td>1</td>'
        "<td>2 (40 %)</td></tr>"
    ) in by_group
    assert (
        '<tr><th scope="row">Grupo A2</th><td>4</td><td>1</td><td>1</td><td>1</td><td>1</td>'
        "<td>2 (50 %)</td></tr>"
    ) in by_group
    assert "Grupo B" not in html
    assert (
        '<tr><th scope="row">otro-curso</th><td>4</td><td>0</td><td>2</td><td>1</td><td>1</td>'
        "<td>2 (50 %)</td></tr>"
    ) in by_course
    assert "<td>5</td><td>2</td><td>1</td><td>1</td><td>1</td><td>2 (40 %)</td></tr>" in by_course
