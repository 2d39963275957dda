"""One meaning of "not yet approved" everywhere: submitted and awaiting review. The entry screen's 上季度 and
上年同期 columns and its "including figures not yet approved" total count approved and submitted figures as
the dashboards' switch does, mark every submitted number, and leave drafts and returned figures out."""
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from clusters.choices import COUNTED_WITH_UNAPPROVED, NOT_YET_APPROVED, FigureStatus
from core.periods import Quarter
from progress.selectors import cluster_values
from tests.reporting.support import ENTRY, cluster, english, figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, agri_editor):
    english(client)
    client.force_login(agri_editor)
    return agri_editor


def _row(client, code, **params):
    grid = client.get(ENTRY, {"year": 2011, "quarter": 3} | params).context["grid"]
    return next(r for r in grid.rows if r.unit.cluster.code == code)


def test_not_yet_approved_means_submitted_only():
    assert NOT_YET_APPROVED == (FigureStatus.SUBMITTED,)
    assert COUNTED_WITH_UNAPPROVED == (FigureStatus.APPROVED, FigureStatus.SUBMITTED)


def test_a_submitted_previous_quarter_is_shown_and_marked(client, editor):
    figure("heishan-main", 2011, 2, "10", status=FigureStatus.SUBMITTED)
    row = _row(client, "heishan-main")
    assert (row.previous.value, row.previous.unapproved) == (10, True)
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), "not yet approved</span>")


@pytest.mark.parametrize("status", [FigureStatus.DRAFT, FigureStatus.RETURNED])
def test_a_draft_or_returned_figure_is_not_counted_as_previous_quarter_or_last_year(client, editor, status):
    figure("heishan-main", 2011, 2, "10", status=status)
    figure("heishan-main", 2010, 3, "8", status=status)
    figure("heishan-main", 2011, 3, "12", status=FigureStatus.DRAFT)
    row = _row(client, "heishan-main")
    assert (row.previous.value, row.previous.withheld) == (None, True)
    assert (row.last_year.value, row.change) == (None, None)
    assertContains(client.get(ENTRY, {"year": 2011, "quarter": 3}), "draft, not counted")


def test_a_year_to_date_comparison_is_marked_when_one_of_its_quarters_is_not_approved(client, editor):
    figure("heishan-main", 2011, 1, "10")
    figure("heishan-main", 2011, 2, "20", status=FigureStatus.SUBMITTED)
    row = _row(client, "heishan-main", mode="ytd")
    assert (row.previous.value, row.previous.unapproved) == (30, True)


def test_an_approved_comparison_is_not_marked(client, editor):
    figure("heishan-main", 2011, 2, "10")
    row = _row(client, "heishan-main")
    assert (row.previous.value, row.previous.unapproved) == (10, False)


def test_the_total_including_unapproved_leaves_drafts_and_returned_figures_out(client, editor):
    figure("heishan-main", 2011, 3, "10")
    figure("yixian-main", 2011, 3, "5", status=FigureStatus.SUBMITTED)
    figure("beizhen-main", 2011, 3, "100", status=FigureStatus.DRAFT)
    figure("linghai-main", 2011, 3, "1000", status=FigureStatus.RETURNED)
    grid = client.get(ENTRY, {"year": 2011, "quarter": 3}).context["grid"]
    assert (grid.approved_total, grid.counted_total, grid.unapproved_count, grid.withheld_count) == (10, 15, 1, 2)
    response = client.get(ENTRY, {"year": 2011, "quarter": 3})
    assertContains(response, "1 figure not yet approved")
    assertContains(response, "2 draft or returned figures are not counted")


def test_the_entry_total_and_the_dashboards_switch_agree(client, editor):
    statuses = {"heishan-main": FigureStatus.APPROVED, "yixian-main": FigureStatus.SUBMITTED,
                "beizhen-main": FigureStatus.DRAFT, "linghai-main": FigureStatus.RETURNED}
    for code, status in statuses.items():
        figure(code, 2011, 3, "7", status=status)
    grid = client.get(ENTRY, {"year": 2011, "quarter": 3}).context["grid"]
    values = cluster_values(cluster_ids=[cluster(code).pk for code in statuses], years=[2011], include_unapproved=True)
    assert sum(v.value for (_c, _y, q), v in values.items() if q == 3) == grid.counted_total == Decimal(14)


def test_the_grid_export_says_which_comparisons_are_not_yet_approved(client, editor):
    from tests.reporting.test_exports import _csv_rows

    figure("heishan-main", 2011, 2, "10", status=FigureStatus.SUBMITTED)
    rows = _csv_rows(client.get(ENTRY, {"year": 2011, "quarter": 3, "export": "csv"}))
    header, heishan = rows[0], next(r for r in rows if r[0] == f"c{cluster('heishan-main').pk}")
    assert heishan[header.index("Previous quarter not yet approved")] in ("True", "yes", "1")


def test_the_review_list_marks_a_comparison_not_yet_approved(client, planner):
    english(client)
    client.force_login(planner)
    figure("heishan-main", 2011, 2, "10", status=FigureStatus.SUBMITTED)
    figure("heishan-main", 2011, 3, "12", status=FigureStatus.SUBMITTED)
    response = client.get(reverse("figure-review-list"), {"year": 2011, "quarter": 3})
    [group] = response.context["groups"]
    [row] = group.rows
    assert (row.figure.quarter, row.previous.value, row.previous.unapproved) == (3, 10, True)
    assert response.context["period_bar"].shown == Quarter(2011, 3)
