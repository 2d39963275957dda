"""The quarterly entry screen: one row per reporting unit, comparisons, quarter or year-to-date input,
drafts and submission, hard errors that save nothing, the outlier rule, and who may do what."""
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clusters.choices import FigureSource, FigureStatus
from clusters.models import QuarterlyFigure
from core.periods import Quarter
from org.models import User
from plan.demo import demo_load
from tests.factories import EnterpriseFactory
from tests.reporting.support import COUNTY_CODES, ENTRY, cluster, english, entry_post, figure, key

pytestmark = pytest.mark.django_db
CHECK = reverse("figure-entry-check")


@pytest.fixture
def editor(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return agri_editor


def _grid(client, **params):
    return client.get(ENTRY, {"year": 2011, "quarter": 3} | params).context["grid"]


def _row(grid, code):
    return next(r for r in grid.rows if r.unit.cluster.code == code and r.unit.enterprise is None)


# --- rows and comparisons -------------------------------------------------------------------------

def test_editor_sees_one_row_per_reporting_unit_of_its_department(client, editor):
    grid = _grid(client)
    assert [r.unit.cluster.code for r in grid.rows] == sorted(COUNTY_CODES)
    assert all(r.editable for r in grid.rows)


def test_a_cluster_reporting_by_enterprise_gets_a_row_per_enterprise(client, editor):
    heishan = cluster("heishan-main")
    first, second = EnterpriseFactory(cluster=heishan, name="甲企业"), EnterpriseFactory(cluster=heishan, name="乙企业")
    QuarterlyFigure.objects.create(cluster=heishan, enterprise=first, year=2011, quarter=2, output_value=5)
    keys = [r.key for r in _grid(client).rows if r.unit.cluster == heishan]
    assert sorted(keys) == sorted([f"e{first.pk}", f"e{second.pk}"])


def test_each_row_shows_previous_quarter_same_quarter_last_year_and_change(client, editor):
    figure("heishan-main", 2011, 2, "10")
    figure("heishan-main", 2010, 3, "8")
    figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT)
    row = _row(_grid(client), "heishan-main")
    assert (row.shown, row.previous.value, row.last_year.value, row.change) == (12, 10, 8, Decimal("0.5"))
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), "+50.0 %")


def test_year_to_date_mode_shows_cumulative_values(client, editor):
    for q, value in ((1, "10"), (2, "20"), (3, "30")):
        figure("heishan-main", 2011, q, value)
        figure("heishan-main", 2010, q, "5")
    row = _row(_grid(client, mode="ytd"), "heishan-main")
    assert (row.shown, row.previous.value, row.last_year.value, row.change) == (60, 30, 15, 3)


# --- saving ---------------------------------------------------------------------------------------

def test_save_as_draft_stores_the_quarters_values_as_drafts(client, editor):
    response = entry_post(client, {key("heishan-main"): {"value": "12.5"}, key("yixian-main"): {"value": "3"},
                                   key("beizhen-main"): {"value": ""}})
    assertRedirects(response, f"{ENTRY}?year=2011&quarter=3&mode=quarter")
    saved = {f.cluster.code: f for f in QuarterlyFigure.objects.select_related("cluster")}
    assert set(saved) == {"heishan-main", "yixian-main"}
    assert saved["heishan-main"].output_value == Decimal("12.5")
    assert {(f.status, f.source, f.entered_by) for f in saved.values()} == {
        (FigureStatus.DRAFT, FigureSource.ENTERED, editor)}


def test_year_to_date_input_is_stored_as_the_quarters_own_value(client, editor):
    figure("heishan-main", 2011, 1, "10")
    figure("heishan-main", 2011, 2, "20")
    entry_post(client, {key("heishan-main"): {"value": "45"}}, mode="ytd")
    assert QuarterlyFigure.objects.get(cluster__code="heishan-main", quarter=3).output_value == 15


def test_year_to_date_input_without_the_earlier_quarters_is_refused(client, editor):
    figure("heishan-main", 2011, 1, "10")
    response = entry_post(client, {key("heishan-main"): {"value": "45"}}, mode="ytd")
    assertContains(response, "needs the earlier quarters of the year first", status_code=400)
    assertContains(response, "Q2 2011", status_code=400)
    assert not QuarterlyFigure.objects.filter(quarter=3).exists()


def test_year_to_date_below_the_earlier_quarters_is_refused(client, editor):
    figure("heishan-main", 2011, 1, "10")
    figure("heishan-main", 2011, 2, "20")
    response = entry_post(client, {key("heishan-main"): {"value": "25"}}, mode="ytd")
    assertContains(response, "is below the sum of the earlier quarters (30)", status_code=400)


def test_submit_the_quarter_submits_every_row(client, editor):
    rows = {key(code): {"value": "10"} for code in COUNTY_CODES}
    entry_post(client, rows, action="submit")
    assert set(QuarterlyFigure.objects.values_list("status", flat=True)) == {FigureStatus.SUBMITTED}
    assert QuarterlyFigure.objects.count() == 4


def test_submitting_with_an_empty_row_is_refused_and_saves_nothing(client, editor):
    rows = {key(code): {"value": "10"} for code in COUNTY_CODES} | {key("yixian-main"): {"value": ""}}
    response = entry_post(client, rows, action="submit")
    assertContains(response, "Output value: required before the quarter can be submitted.", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_emptying_a_saved_figure_is_refused(client, editor):
    saved = figure("heishan-main", 2011, 3, "10", status=FigureStatus.DRAFT)
    response = entry_post(client, {key("heishan-main"): {"value": "", "version": saved.version}})
    assertContains(response, "a saved figure cannot be emptied", status_code=400)


# --- hard errors: named field, reason, nothing saved -------------------------------------------------

@pytest.mark.parametrize(("typed", "reason"), [
    ("abc", "Output value: “abc” is not a number."),
    ("NaN", "Output value: “NaN” is not a number."),
    ("-1", "Output value: cannot be negative."),
    ("99999", "Output value: 99999 100M yuan in one quarter is implausibly large"),
    ("1.23456", "Output value: at most 4 decimal places."),
])
def test_a_hard_error_names_field_and_reason_and_saves_no_row(client, editor, typed, reason):
    response = entry_post(client, {key("heishan-main"): {"value": "12"}, key("yixian-main"): {"value": typed}})
    assertContains(response, reason, status_code=400)
    assertContains(response, "Nothing was saved.", status_code=400)
    assert not QuarterlyFigure.objects.exists()
    # the screen comes back as typed, the bad row marked
    grid = response.context["grid"]
    assert _row(grid, "heishan-main").value_text == "12"
    assert _row(grid, "yixian-main").errors
    assert not _row(grid, "heishan-main").errors


def test_a_quarter_that_is_not_over_is_refused(client, editor):
    current = Quarter.last_ended().next
    response = entry_post(client, {key("heishan-main"): {"value": "12"}}, year=current.year, quarter=current.quarter)
    assertContains(response, "is not over yet", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_a_locked_figure_cannot_be_changed(client, editor):
    approved = figure("heishan-main", 2011, 3, "10", version=3)
    response = entry_post(client, {key("heishan-main"): {"value": "11", "version": 3}})
    assertContains(response, "this figure is approved and locked; ask a planner to reopen it", status_code=400)
    approved.refresh_from_db()
    assert (approved.output_value, approved.version) == (10, 3)


def test_a_locked_row_has_no_input(client, editor):
    figure("heishan-main", 2011, 3, "10", status=FigureStatus.SUBMITTED)
    response = client.get(ENTRY, {"year": 2011, "quarter": 3})
    assertNotContains(response, f'name="value-{key("heishan-main")}"')
    assertContains(response, f'name="value-{key("yixian-main")}"')


def test_errors_are_in_chinese_by_default(client, agri_editor):
    client.force_login(agri_editor)
    response = entry_post(client, {key("heishan-main"): {"value": "-1"}})
    assertContains(response, "产值：不能为负数。", status_code=400)
    assertContains(response, "未保存任何数据。", status_code=400)


def test_a_screen_shown_again_after_a_failed_save_compares_what_was_typed(client, editor):
    # given: stored 12 against 8 last year (+50 %), and 10 last year for another unit
    figure("heishan-main", 2010, 3, "8")
    figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT)
    figure("yixian-main", 2010, 3, "10")
    # when: the editor types 16 (+100 %) and 10 (0 %), and a wrong value elsewhere stops the save
    response = entry_post(client, {key("heishan-main"): {"value": "16", "version": 1},
                                   key("yixian-main"): {"value": "10"},
                                   key("linghai-main"): {"value": "-1"}})
    # then: the rows show the typed values' change and warning, not the stored value's
    assert response.status_code == 400
    grid = response.context["grid"]
    heishan, yixian, linghai = (_row(grid, code) for code in ("heishan-main", "yixian-main", "linghai-main"))
    assert (heishan.value_text, heishan.change, heishan.outlier) == ("16", Decimal(1), True)
    assert (yixian.change, yixian.outlier) == (Decimal(0), False)
    assert (linghai.change, linghai.outlier) == (None, False)
    assertContains(response, "+100.0 %", status_code=400)
    assert QuarterlyFigure.objects.get(year=2011).output_value == 12  # nothing was saved


def test_in_year_to_date_mode_the_typed_value_is_compared_as_typed(client, editor):
    figure("heishan-main", 2011, 1, "5")
    figure("heishan-main", 2011, 2, "5")
    figure("heishan-main", 2010, 1, "4")
    figure("heishan-main", 2010, 2, "4")
    figure("heishan-main", 2010, 3, "4")
    response = entry_post(client, {key("heishan-main"): {"value": "30"}, key("yixian-main"): {"value": "-1"}},
                          mode="ytd")
    heishan = _row(response.context["grid"], "heishan-main")
    # 30 year to date against 12 last year; the quarter's own 20 against 4 is far beyond ±50 %
    assert (heishan.change, heishan.outlier) == (Decimal("1.5"), True)


# --- soft warning: outliers need an explanation before submitting -------------------------------------

def test_an_outlier_cannot_be_submitted_without_an_explanation(client, editor):
    figure("heishan-main", 2010, 3, "10")
    response = entry_post(client, {key("heishan-main"): {"value": "16"}}, action="submit")
    assertContains(response, "+60.0 % against the same quarter last year (10 100M yuan), beyond ±50 %", status_code=400)
    assert not QuarterlyFigure.objects.filter(year=2011).exists()


def test_an_explained_outlier_is_submitted_and_the_explanation_kept(client, editor):
    figure("heishan-main", 2010, 3, "10")
    entry_post(client, {key("heishan-main"): {"value": "4", "note": "主要企业停产检修"}}, action="submit")
    saved = QuarterlyFigure.objects.get(year=2011)
    assert (saved.status, saved.note) == (FigureStatus.SUBMITTED, "主要企业停产检修")


def test_an_outlier_may_be_saved_as_a_draft_and_is_flagged(client, editor):
    figure("heishan-main", 2010, 3, "10")
    entry_post(client, {key("heishan-main"): {"value": "16"}})
    assert QuarterlyFigure.objects.get(year=2011).status == FigureStatus.DRAFT
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), "explain it before submitting")


def test_the_outlier_threshold_is_a_setting(client, editor, settings):
    settings.ENTRY_OUTLIER_THRESHOLD = Decimal("0.75")
    figure("heishan-main", 2010, 3, "10")
    entry_post(client, {key("heishan-main"): {"value": "16"}}, action="submit")
    assert QuarterlyFigure.objects.get(year=2011).status == FigureStatus.SUBMITTED


# --- in place (htmx): a row is checked as the user types ------------------------------------------------

def _check(client, unit, value, note="", **extra):
    data = {"year": 2011, "quarter": 3, "mode": "quarter", "unit": [unit], "check": unit,
            f"value-{unit}": value, f"note-{unit}": note, f"version-{unit}": ""} | extra
    return client.post(CHECK, data, HTTP_HX_REQUEST="true")


def test_the_row_check_shows_the_change_and_the_outlier_warning_and_saves_nothing(client, editor):
    figure("heishan-main", 2010, 3, "10")
    response = _check(client, key("heishan-main"), "20")
    assertContains(response, "+100.0 %")
    assertContains(response, "explain it before submitting")
    assert not QuarterlyFigure.objects.filter(year=2011).exists()


def test_the_row_check_names_a_hard_error(client, editor):
    assertContains(_check(client, key("heishan-main"), "12,3x"), "is not a number")


def test_the_row_check_refuses_another_departments_unit(client, editor):
    assert _check(client, key("linghe-main"), "1").status_code == 404


# --- the permission layer ------------------------------------------------------------------------------

def test_an_editor_cannot_write_another_departments_row_by_tampering(client, editor):
    response = entry_post(client, {key("heishan-main"): {"value": "12"}, key("linghe-main"): {"value": "99"}})
    assertContains(response, "Reporting unit: not one you may enter figures for.", status_code=400)
    assert not QuarterlyFigure.objects.exists()


def test_an_editor_does_not_see_another_departments_rows(client, editor):
    codes = {r.unit.cluster.code for r in _grid(client).rows}
    assert "linghe-main" not in codes
    assertNotContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), cluster("linghe-main").name_zh)


def test_a_viewer_sees_the_rows_read_only_and_may_not_post(client, make_user):
    viewer = make_user(User.Role.VIEWER, "nlb")
    client.force_login(viewer)
    response = client.get(ENTRY, {"year": 2011, "quarter": 3})
    assert len(response.context["grid"].rows) == 4
    assertNotContains(response, 'name="value-')
    assert entry_post(client, {key("heishan-main"): {"value": "1"}}).status_code == 403
    assert not QuarterlyFigure.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(ENTRY).status_code == 302
    assert entry_post(client, {key("heishan-main"): {"value": "1"}}).status_code == 302


# --- totals: only approved figures are official ------------------------------------------------------

def test_totals_separate_the_official_approved_figures_from_those_including_unapproved(client, editor):
    figure("heishan-main", 2011, 3, "10")
    figure("yixian-main", 2011, 3, "5", status=FigureStatus.SUBMITTED)
    grid = _grid(client)
    assert (grid.approved_total, grid.counted_total, grid.unapproved_count) == (10, 15, 1)
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), "including figures not yet approved")


# --- query count ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["quarter", "ytd"])
def test_the_screen_runs_the_same_bounded_queries_with_no_data_and_with_demo_data(
    client, planner, django_assert_max_num_queries, mode
):
    client.force_login(planner)
    params = {"year": 2015, "quarter": 3, "mode": mode}
    with django_assert_max_num_queries(13) as empty:
        client.get(ENTRY, params)
    demo_load()
    with django_assert_max_num_queries(14) as full:
        response = client.get(ENTRY, params)
    assert len(response.context["grid"].rows) > 16
    # One more with data: the page's enterprises are read only when the page shows some (none without data).
    assert len(full.captured_queries) == len(empty.captured_queries) + 1
