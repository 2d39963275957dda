"""The reporting period: one rule for the quarter every reporting screen opens at (clusters.reporting_period)."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from clusters.reporting_period import reporting_period, reporting_state
from core.periods import Quarter
from org.models import User
from plan.demo import demo_load
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
TODAY = date(2012, 11, 20)  # the last quarter that has ended: 2012 Q3


def _approve_everything(quarter: Quarter) -> None:
    for cluster in Cluster.objects.all():
        figure(cluster.code, quarter.year, quarter.quarter, "1")


def test_with_no_figure_the_period_is_the_last_quarter_that_has_ended(planner):
    assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 3)


def test_a_demo_database_opens_at_its_last_quarter_still_in_review(planner):
    demo_load()  # 2011–2015, approved up to 2015 Q3; 2015 Q4 submitted or drafts
    assert reporting_period(user=planner) == Quarter(2015, 4)


def test_when_a_quarter_is_fully_approved_the_next_one_is_being_collected(planner):
    _approve_everything(Quarter(2012, 1))
    assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 2)


def test_the_period_never_passes_the_last_quarter_that_has_ended(planner):
    _approve_everything(Quarter(2012, 3))
    assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 3)


def test_the_latest_approved_quarter_with_a_unit_missing_is_not_done(planner):
    _approve_everything(Quarter(2012, 1))
    QuarterlyFigure.objects.filter(year=2012, quarter=1, cluster__code="pv").delete()
    assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 1)


def test_the_earliest_figure_not_approved_wins(planner):
    _approve_everything(Quarter(2012, 1))
    figure("pv", 2012, 2, "1", status=FigureStatus.SUBMITTED)
    figure("pv", 2011, 4, "1", status=FigureStatus.RETURNED)
    assert reporting_period(user=planner, today=TODAY) == Quarter(2011, 4)


def test_figures_of_quarters_not_over_yet_do_not_count(planner):
    _approve_everything(Quarter(2012, 3))
    figure("pv", 2012, 4, "1", status=FigureStatus.DRAFT)
    assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 3)


def test_an_editors_period_follows_its_own_units_only(planner, agri_editor, make_user):
    figure("pv", 2011, 4, "1", status=FigureStatus.DRAFT)  # 市经信委's cluster, not the editor's
    figure("heishan-main", 2012, 2, "1", status=FigureStatus.SUBMITTED)
    assert reporting_period(user=agri_editor, today=TODAY) == Quarter(2012, 2)
    assert reporting_period(user=planner, today=TODAY) == Quarter(2011, 4)
    viewer = make_user(User.Role.VIEWER, "nlb")
    assert reporting_period(user=viewer, today=TODAY) == Quarter(2012, 2)


def test_the_state_holds_the_standing_of_the_period_and_of_what_was_asked(planner):
    state = reporting_state(user=planner, today=TODAY, also=[Quarter(2011, 1)])
    assert {Quarter(2012, 3), Quarter(2011, 1)} <= set(state.standings)
    assert state.standings[state.period].quarter == state.period


def test_the_rule_costs_four_queries_with_no_data_and_with_demo_data(planner, django_assert_max_num_queries):
    with django_assert_max_num_queries(4) as empty:
        reporting_period(user=planner)
    demo_load()
    with django_assert_max_num_queries(4) as full:
        reporting_period(user=planner)
    assert len(full.captured_queries) == len(empty.captured_queries)


def test_while_a_quarter_is_open_the_rule_reads_the_tally_only(planner):
    """An open quarter decides the period by itself: the standing of the latest approved quarter (two more
    queries, a count of every unit) is asked for only when no quarter is open."""
    _approve_everything(Quarter(2012, 1))
    with CaptureQueriesContext(connection) as closed:
        assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 2)
    figure("pv", 2012, 2, "1", status=FigureStatus.SUBMITTED)
    with CaptureQueriesContext(connection) as still_open:
        assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 2)
    assert len(still_open.captured_queries) == len(closed.captured_queries) - 2
    assert not any("WITH" in query["sql"] for query in still_open.captured_queries)


def test_a_quarter_whose_figures_were_all_deleted_bounds_nothing(planner):
    figure("pv", 2011, 4, "1", status=FigureStatus.DRAFT)
    QuarterlyFigure.objects.filter(cluster__code="pv", year=2011, quarter=4).delete()  # its tally row stays, at 0
    assert reporting_period(user=planner, today=TODAY) == Quarter(2012, 3)


def test_a_user_who_sees_no_cluster_gets_the_last_quarter_that_has_ended(make_user):
    figure("pv", 2011, 4, "1", status=FigureStatus.DRAFT)
    nobody = make_user(User.Role.VIEWER, None)  # no department: sees no cluster
    assert reporting_period(user=nobody, today=TODAY) == Quarter(2012, 3)
    assert reporting_state(user=nobody, today=TODAY).period == Quarter(2012, 3)
