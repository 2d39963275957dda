"""The optional values entered beside the output (main business revenue, taxes, employees, fixed-asset
investment): on the entry screen, in the row check, in the xlsx template and import, and in the grid
export. Each is validated per field, saved with the output in one write (or nothing is saved), and
locked with it."""
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clusters.choices import FigureSource, FigureStatus
from clusters.models import QuarterlyFigure
from tests.reporting.support import ENTRY, english, entry_post, figure, key, load_xlsx, workbook_upload

pytestmark = pytest.mark.django_db
CHECK = reverse("figure-entry-check")
TEMPLATE = reverse("figure-template")
IMPORT = reverse("figure-import")
CONFIRM = reverse("figure-import-confirm")
FIRST_ROW = 4
EXTRAS = {"revenue": "30.5", "tax": "1.25", "employees": "1200", "fixed_asset_investment": "4"}


@pytest.fixture
def editor(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return agri_editor


def _values(f: QuarterlyFigure) -> tuple:
    return f.revenue, f.tax, f.employees, f.fixed_asset_investment


# --- the entry screen -------------------------------------------------------------------------------

def test_every_optional_value_is_saved_with_the_output_in_one_write(client, editor):
    response = entry_post(client, {key("heishan-main"): {"value": "12", **EXTRAS}})
    assert response.status_code == 302
    saved = QuarterlyFigure.objects.get()
    assert (saved.output_value, *_values(saved)) == (12, Decimal("30.5"), Decimal("1.25"), 1200, 4)
    assert saved.version == 1
    assert saved.history.count() == 1


def test_changing_only_an_optional_value_updates_the_figure_with_its_version_and_history(client, editor):
    draft = figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT, revenue=Decimal("30"))
    entry_post(client, {key("heishan-main"): {"value": "12", "version": 1, "revenue": "31", "employees": "900"}})
    draft.refresh_from_db()
    assert (draft.revenue, draft.employees, draft.version) == (31, 900, 2)
    assert draft.history.first().history_change_reason == "updated"


def test_an_emptied_optional_value_is_cleared_and_one_not_posted_is_kept(client, editor):
    draft = figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT, revenue=Decimal("30"), tax=Decimal("2"))
    entry_post(client, {key("heishan-main"): {"value": "12", "version": 1, "revenue": ""}})
    draft.refresh_from_db()
    assert (draft.revenue, draft.tax) == (None, 2)


def test_the_screen_shows_the_saved_optional_values_in_their_inputs(client, editor):
    figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT, revenue=Decimal("30.5"), employees=1200)
    response = client.get(ENTRY, {"year": 2011, "quarter": 3})
    unit = key("heishan-main")
    assertContains(response, f'name="revenue-{unit}" id="revenue-{unit}" value="30.5"')
    assertContains(response, f'name="employees-{unit}" id="employees-{unit}" value="1200"')
    assertContains(response, f'name="tax-{unit}" id="tax-{unit}" value=""')
    assertNotContains(response, " style=")


@pytest.mark.parametrize(("field", "typed", "reason"), [
    ("revenue", "abc", "Main business revenue: “abc” is not a number."),
    ("revenue", "-1", "Main business revenue: cannot be negative."),
    ("tax", "1.23456", "Taxes paid: at most 4 decimal places."),
    ("tax", "Infinity", "Taxes paid: “Infinity” is not a number."),
    ("fixed_asset_investment", "99999", "Fixed-asset investment: 99999 100M yuan is implausibly large"),
    ("employees", "12.5", "Employees: a whole number of people, without decimals."),
    ("employees", "-3", "Employees: cannot be negative."),
    ("employees", "3000000000", "Employees: 3000000000 is implausibly large."),
])
def test_a_bad_optional_value_names_its_field_and_saves_no_row(client, editor, field, typed, reason):
    response = entry_post(client, {key("heishan-main"): {"value": "12", "revenue": "5"},
                                   key("yixian-main"): {"value": "10", field: typed}})
    assertContains(response, reason, status_code=400)
    assertContains(response, "Nothing was saved.", status_code=400)
    assert not QuarterlyFigure.objects.exists()
    row = next(r for r in response.context["grid"].rows if r.key == key("yixian-main"))
    assert next(c.text for c in row.extra_cells if c.name == field) == typed  # shown again as typed


def test_every_bad_field_of_a_row_is_named_at_once(client, editor):
    response = entry_post(client, {key("heishan-main"): {"value": "x", "tax": "-1", "employees": "1.5"}})
    assertContains(response, "Output value: “x” is not a number.", status_code=400)
    assertContains(response, "Taxes paid: cannot be negative.", status_code=400)
    assertContains(response, "Employees: a whole number of people", status_code=400)


def test_a_bad_optional_value_is_in_chinese_by_default(client, agri_editor):
    client.force_login(agri_editor)
    response = entry_post(client, {key("heishan-main"): {"value": "12", "employees": "-3"}})
    assertContains(response, "从业人员：不能为负数。", status_code=400)


def test_optional_values_without_the_output_are_refused(client, editor):
    response = entry_post(client, {key("heishan-main"): {"value": "", "revenue": "3"}})
    assertContains(response, "Output value: required to save the other figures of this row.", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_a_locked_figure_refuses_a_changed_optional_value(client, editor):
    approved = figure("heishan-main", 2011, 3, "10", version=3, revenue=Decimal("20"))
    response = entry_post(client, {key("heishan-main"): {"value": "10", "version": 3, "revenue": "21"}})
    assertContains(response, "Main business revenue: this figure is approved and locked", status_code=400)
    approved.refresh_from_db()
    assert (approved.revenue, approved.version) == (20, 3)


def test_a_locked_row_shows_its_optional_values_read_only(client, editor):
    figure("heishan-main", 2011, 3, "10", status=FigureStatus.SUBMITTED, revenue=Decimal("20"), employees=800)
    response = client.get(ENTRY, {"year": 2011, "quarter": 3})
    assertNotContains(response, f'name="revenue-{key("heishan-main")}"')
    assertContains(response, f'id="extras-{key("heishan-main")}"')
    row = next(r for r in response.context["grid"].rows if r.key == key("heishan-main"))
    assert {c.name: c.shown for c in row.extra_cells}["employees"] == 800


def test_the_page_says_how_the_optional_values_are_typed_in_each_mode(client, editor):
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), "employees (the headcount at the quarter")
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3, "mode": "ytd"}), "never cumulative")


# --- year to date (累计): revenue, tax and investment follow the mode; the headcount never does ---------

def test_year_to_date_revenue_is_stored_as_the_quarters_own_and_employees_as_typed(client, editor):
    figure("heishan-main", 2011, 1, "5", revenue=Decimal("10"), employees=100)
    figure("heishan-main", 2011, 2, "5", revenue=Decimal("12"), employees=110)
    response = entry_post(client, {key("heishan-main"): {"value": "16", "revenue": "35", "employees": "120"}},
                          mode="ytd")
    assert response.status_code == 302
    saved = QuarterlyFigure.objects.get(year=2011, quarter=3)
    assert (saved.output_value, saved.revenue, saved.employees) == (6, 13, 120)


def test_the_year_to_date_screen_shows_cumulative_revenue_and_the_headcount_as_is(client, editor):
    figure("heishan-main", 2011, 1, "5", revenue=Decimal("10"), employees=100)
    figure("heishan-main", 2011, 2, "5", revenue=Decimal("12"), employees=110)
    figure("heishan-main", 2011, 3, "6", status=FigureStatus.DRAFT, revenue=Decimal("13"), employees=120)
    grid = client.get(ENTRY, {"year": 2011, "quarter": 3, "mode": "ytd"}).context["grid"]
    row = next(r for r in grid.rows if r.key == key("heishan-main"))
    assert row.extras["revenue"] == 35
    assert row.extras["employees"] == 120


def test_year_to_date_revenue_without_the_earlier_quarters_revenue_is_refused(client, editor):
    figure("heishan-main", 2011, 1, "5", revenue=Decimal("10"))
    figure("heishan-main", 2011, 2, "5")
    response = entry_post(client, {key("heishan-main"): {"value": "16", "revenue": "35"}}, mode="ytd")
    assertContains(response, "Main business revenue: a year-to-date value needs the earlier quarters",
                   status_code=400)
    assert not QuarterlyFigure.objects.filter(quarter=3).exists()


def test_year_to_date_revenue_below_the_earlier_quarters_is_refused(client, editor):
    figure("heishan-main", 2011, 1, "5", revenue=Decimal("10"))
    figure("heishan-main", 2011, 2, "5", revenue=Decimal("12"))
    response = entry_post(client, {key("heishan-main"): {"value": "16", "revenue": "20"}}, mode="ytd")
    assertContains(response, "the year-to-date value 20 is below the sum of the earlier quarters (22)",
                   status_code=400)


def test_an_empty_year_to_date_box_that_could_not_be_shown_keeps_the_saved_value(client, editor):
    figure("heishan-main", 2011, 1, "5")
    figure("heishan-main", 2011, 2, "5")
    draft = figure("heishan-main", 2011, 3, "6", status=FigureStatus.DRAFT, revenue=Decimal("13"))
    entry_post(client, {key("heishan-main"): {"value": "17", "version": 1, "revenue": ""}}, mode="ytd")
    draft.refresh_from_db()
    assert (draft.output_value, draft.revenue) == (7, 13)


# --- the row check and conflicts ---------------------------------------------------------------------

def test_the_row_check_names_a_bad_optional_value_and_saves_nothing(client, editor):
    unit = key("heishan-main")
    response = client.post(CHECK, {"year": 2011, "quarter": 3, "mode": "quarter", "unit": [unit], "check": unit,
                                   f"value-{unit}": "12", f"version-{unit}": "", f"tax-{unit}": "-2"},
                           HTTP_HX_REQUEST="true")
    assertContains(response, "Taxes paid: cannot be negative.")
    assert not QuarterlyFigure.objects.exists()


def test_keep_mine_on_the_conflict_page_carries_the_optional_values(client, editor):
    draft = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    QuarterlyFigure.objects.filter(pk=draft.pk).update(output_value=11, version=2)
    response = entry_post(client, {key("heishan-main"): {"value": "12", "version": 1, "revenue": "7"}})
    assert response.status_code == 409
    assertContains(response, f'name="revenue-{key("heishan-main")}" value="7"', status_code=409)


# --- the xlsx template, import and export --------------------------------------------------------------

def _template(client, **params):
    response = client.get(TEMPLATE, {"year": 2011, "quarter": 3} | params)
    assert response.status_code == 200
    return load_xlsx(response.content)


def _fill(workbook, rows: dict[str, list]):
    """Type values into columns E onwards (output, explanation, revenue, tax, employees, investment)."""
    for row in workbook.worksheets[0].iter_rows(min_row=FIRST_ROW):
        for offset, value in enumerate(rows.get(row[0].value, [])):
            row[4 + offset].value = value
    return workbook


def _upload(client, workbook):
    return client.post(IMPORT, {"file": workbook_upload(workbook)})


def test_the_template_has_the_optional_columns_with_the_saved_values(client, editor):
    figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT, revenue=Decimal("30.5"), employees=1200)
    sheet = _template(client).worksheets[0]
    assert [c.value for c in sheet[3]][6:10] == [
        "主营业务收入（本季度，亿元）", "税收（本季度，亿元）", "从业人员（季末，人）", "固定资产投资（本季度，亿元）"]
    row = next(r for r in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if r[0] == key("heishan-main"))
    assert row[6:10] == (30.5, None, 1200, None)


def test_the_year_to_date_template_says_which_columns_are_cumulative(client, editor):
    headers = [c.value for c in _template(client, mode="ytd").worksheets[0][3]]
    assert headers[6] == "主营业务收入（累计，亿元）"
    assert headers[8] == "从业人员（季末，人）"


def test_an_import_with_the_optional_columns_saves_them(client, editor):
    workbook = _fill(_template(client), {key("heishan-main"): [12, "", 30.5, 1.25, 1200, 4],
                                         key("yixian-main"): [10]})
    preview = _upload(client, workbook)
    assert preview.status_code == 200
    assert not QuarterlyFigure.objects.exists()
    changes = preview.content.decode()
    assert all(f'<td class="num">{shown}</td>' in changes for shown in ("30.5", "1.25", "1,200", "4"))  # previewed
    assert client.post(CONFIRM, {"token": preview.context["preview"].token}).status_code == 302
    saved = QuarterlyFigure.objects.get(cluster__code="heishan-main")
    assert (saved.source, *_values(saved)) == (FigureSource.IMPORTED, Decimal("30.5"), Decimal("1.25"), 1200, 4)
    assert _values(QuarterlyFigure.objects.get(cluster__code="yixian-main")) == (None, None, None, None)


def test_bad_optional_values_in_an_import_are_listed_per_row_and_nothing_is_saved(client, editor):
    workbook = _fill(_template(client), {key("heishan-main"): [12, "", "三十"],
                                         key("beizhen-main"): [10, "", None, None, 12.5],
                                         key("yixian-main"): [10, "", None, -1]})
    response = _upload(client, workbook)
    assert response.status_code == 400
    errors = sorted(e for row in response.context["preview"].bad_rows for e in row.errors)
    assert errors == ["Employees: a whole number of people, without decimals.",
                      "Main business revenue: “三十” is not a number.", "Taxes paid: cannot be negative."]
    assert not QuarterlyFigure.objects.exists()


def test_an_old_template_without_the_optional_columns_still_imports_and_keeps_them(client, editor):
    draft = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT, revenue=Decimal("20"), employees=90)
    workbook = _fill(_template(client), {key("heishan-main"): [11]})
    workbook.worksheets[0].delete_cols(7, 4)  # the layout before the optional values
    workbook["_meta"]["A1"] = "jinzhou-quarterly-figures/1"
    preview = _upload(client, workbook)
    assert preview.status_code == 200, preview.context["preview"].file_errors
    client.post(CONFIRM, {"token": preview.context["preview"].token})
    draft.refresh_from_db()
    assert (draft.output_value, draft.revenue, draft.employees) == (11, 20, 90)


def test_the_grid_export_has_the_optional_columns(client, editor):
    figure("heishan-main", 2011, 3, "12.5", status=FigureStatus.SUBMITTED, revenue=Decimal("30"), employees=1200)
    response = client.get(ENTRY, {"year": 2011, "quarter": 3, "export": "xlsx"})
    rows = list(load_xlsx(response.content).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Unit code")
    assert header[-4:] == ("Main business revenue (100 million yuan)", "Taxes paid (100 million yuan)",
                           "Employees (persons)", "Fixed-asset investment (100 million yuan)")
    heishan = next(r for r in rows if r[0] == key("heishan-main"))
    assert heishan[-4:] == (30, None, 1200, None)
