"""Goal evaluation and projection on the plan's own goals, against values computed by hand.

Method (progress/goals.py): current = the cluster's annual output; attained = current / target;
needed CAGR = (target / latest full year) ^ (1 / years to the deadline) − 1; achieved CAGR from the
first to the latest full year; at risk when achieved falls short by at most GOAL_AT_RISK_MARGIN.
"""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from clusters.models import Cluster, StageGoal
from investment.choices import ProjectStage
from investment.models import Project
from progress.goals import RATIO, Status, cagr, evaluate_goals
from progress.services import marks_bump, rollup_full, rollup_sweep
from tests.progress.figures import approved_year

pytestmark = pytest.mark.django_db

FIBRE_PROJECT = "年产240万吨差别化纤维项目"
# (1000 / 180) ^ (1/3) − 1 = 1.7710976… − 1, to four places.
NEEDED_PV_1000_FROM_180_OVER_3_YEARS = Decimal("0.7711")
# (1000 / 300) ^ (1/3) − 1 = 1.4938015… − 1, to four places.
NEEDED_PV_1000_FROM_300_OVER_3_YEARS = Decimal("0.4938")


def _evaluate(code: str, year: int):
    (evaluation,) = evaluate_goals(year=year, goals=StageGoal.objects.filter(code=code))
    return evaluation


def _annual(values: dict[str, dict[int, str]]) -> None:
    """{cluster code: {year: annual output}}, four approved quarters each, then a full roll-up."""
    for code, years in values.items():
        for year, total in years.items():
            approved_year(code, year, total)
    rollup_full()


def _pv_150_then_180() -> None:
    _annual({"pv": {2011: "150", 2012: "180"}})


def test_count_goal_with_seven_clusters_at_100_in_2011_is_seven_eighths_and_not_met():
    # given: seven clusters at or above 100亿 in 2011 (one exactly at it), two just below
    _annual({"pv": {2011: "150"}, "auto": {2011: "100"}, "finechem": {2011: "120"}, "titanium": {2011: "110"},
             "agri": {2011: "105"}, "heishan-main": {2011: "101"}, "beizhen-main": {2011: "130"},
             "linghai-main": {2011: "99.99"}, "petrochem": {2011: "99"}})

    evaluation = _evaluate("s1-count-100", 2011)

    assert (evaluation.current, evaluation.target) == (Decimal(7), Decimal(8))
    assert evaluation.attained == Decimal("0.875")
    assert evaluation.met is False
    assert evaluation.status == Status.MISSED  # 2011 is the deadline


def test_pv_at_150_in_2011_attains_three_quarters_of_200_and_misses_its_deadline():
    _pv_150_then_180()

    evaluation = _evaluate("s1-pv-200", 2011)

    assert (evaluation.current, evaluation.target, evaluation.attained) == (Decimal(150), Decimal(200),
                                                                            Decimal("0.75"))
    assert (evaluation.met, evaluation.status) == (False, Status.MISSED)


def test_pv_2015_goal_from_180_in_2012_needs_more_growth_than_achieved_and_is_off_track():
    _pv_150_then_180()

    evaluation = _evaluate("s3-pv-1000", 2012)

    assert evaluation.current == Decimal(180)
    assert evaluation.attained == Decimal("0.18")
    assert evaluation.base_year == 2012
    assert evaluation.needed_cagr == NEEDED_PV_1000_FROM_180_OVER_3_YEARS
    assert evaluation.achieved_cagr == Decimal("0.2")  # 180 / 150 − 1
    assert (evaluation.met, evaluation.status) == (False, Status.OFF_TRACK)


@pytest.mark.parametrize(("margin", "status"), [
    # needed 0.7711 − achieved 0.2000 = 0.5711: a shortfall exactly at the margin is at risk
    (Decimal("0.5711"), Status.AT_RISK),
    (Decimal("0.5712"), Status.AT_RISK),
    (Decimal("0.5710"), Status.OFF_TRACK),
])
def test_shortfall_within_the_at_risk_margin_is_at_risk(settings, margin, status):
    settings.GOAL_AT_RISK_MARGIN = margin
    _pv_150_then_180()

    assert _evaluate("s3-pv-1000", 2012).status == status


def test_achieved_growth_above_the_needed_growth_is_on_track():
    _annual({"pv": {2011: "100", 2012: "300"}})

    evaluation = _evaluate("s3-pv-1000", 2012)

    assert (evaluation.needed_cagr, evaluation.achieved_cagr) == (NEEDED_PV_1000_FROM_300_OVER_3_YEARS, Decimal(2))
    assert evaluation.status == Status.ON_TRACK


def test_year_under_way_counts_what_is_approved_but_projects_from_the_latest_full_year():
    _pv_150_then_180()
    approved_year("pv", 2013, "100", quarters=2)
    rollup_full()

    evaluation = _evaluate("s3-pv-1000", 2013)

    assert evaluation.current == Decimal(100)
    assert evaluation.base_year == 2012
    assert evaluation.needed_cagr == NEEDED_PV_1000_FROM_180_OVER_3_YEARS  # 2015 − 2012 = 3 years left
    assert evaluation.achieved_cagr == Decimal("0.2")


@pytest.mark.parametrize(("petrochem_2012", "projected_count", "status"), [
    # 500 = 400 × 1.25: 500 × 1.25³ = 976.5625 by 2015, short of 1000
    ("500", 1, Status.OFF_TRACK),
    # 512 = 400 × 1.28: 512 × 1.28³ = 1073.741824 by 2015
    ("512", 2, Status.ON_TRACK),
])
def test_count_goal_projection_counts_clusters_projected_past_the_threshold(petrochem_2012, projected_count,
                                                                            status):
    # given: pv doubles (150 → 300: 300 × 2³ = 2400 by 2015); petrochem grows from 400
    _annual({"pv": {2011: "150", 2012: "300"}, "petrochem": {2011: "400", 2012: petrochem_2012}})

    evaluation = _evaluate("s3-count-1000", 2012)

    assert (evaluation.current, evaluation.target) == (Decimal(0), Decimal(2))
    assert evaluation.projected_count == projected_count
    assert evaluation.status == status


def test_count_goal_projection_grows_a_single_full_year_at_zero():
    # given: one full year only (no achieved growth), and a year with only three quarters approved
    _annual({"auto": {2012: "120"}})
    approved_year("finechem", 2012, "150", quarters=3)
    rollup_full()

    evaluation = _evaluate("s3-count-100", 2012)

    assert evaluation.current == Decimal(2)  # the partial year counts what is approved so far
    assert evaluation.projected_count == 1  # but only a full year is projected: auto stays at 120


@pytest.mark.parametrize(("stage", "year", "met", "status"), [
    (ProjectStage.CONSTRUCTION, 2012, False, Status.NO_DATA),
    (ProjectStage.CONSTRUCTION, 2013, False, Status.MISSED),
    (ProjectStage.PRODUCING, 2012, True, Status.MET),
    (ProjectStage.EXPANDING, 2013, True, Status.MET),
])
def test_fibre_capacity_goal_is_met_once_the_240_project_produces(stage, year, met, status):
    project = Project.objects.get(name=FIBRE_PROJECT)
    assert (project.capacity, project.capacity_unit, project.stage) == (Decimal(240), "万吨/年", 3)
    Project.objects.filter(pk=project.pk).update(stage=stage)

    evaluation = _evaluate("s2-fibre-240", year)

    assert (evaluation.met, evaluation.status) == (met, status)
    if met:
        assert (evaluation.current, evaluation.target, evaluation.attained) == (Decimal(240), Decimal(240),
                                                                                Decimal(1))
    else:
        assert evaluation.current is None


@pytest.mark.parametrize("code", ["s2-petrochem-chain", "s3-pv-capital"])
def test_qualitative_goals_are_left_to_a_planner(code):
    _pv_150_then_180()

    evaluation = _evaluate(code, 2012)

    assert evaluation.status == Status.MANUAL
    assert (evaluation.current, evaluation.target, evaluation.attained, evaluation.met) == (None, None, None, None)


def test_goals_of_a_cluster_year_with_a_pending_mark_are_flagged_pending():
    _pv_150_then_180()
    marks_bump(cluster_ids=[Cluster.objects.get(code="pv").pk], years=[2012])

    def pending(code: str, year: int) -> bool:
        return _evaluate(code, year).pending

    assert pending("s3-pv-1000", 2012) is True
    assert pending("s3-count-100", 2012) is True  # a count goal is pending when any cluster of the year is
    assert pending("s3-pv-1000", 2011) is False
    assert pending("s3-auto-300", 2012) is False
    assert pending("s1-count-100", 2011) is False

    rollup_sweep()

    assert pending("s3-pv-1000", 2012) is False
    assert pending("s3-count-100", 2012) is False


def test_evaluate_goals_runs_the_same_queries_for_one_cluster_year_and_sixteen_clusters_by_five_years(
        django_assert_max_num_queries):
    goal_count = StageGoal.objects.count()
    _annual({"pv": {2012: "180"}})
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as small:
        assert len(evaluate_goals(year=2012)) == goal_count

    _annual({cluster.code: dict.fromkeys(range(2011, 2016), "150") for cluster in Cluster.objects.exclude(code="pv")})
    _annual({"pv": dict.fromkeys((2011, 2013, 2014, 2015), "200")})
    marks_bump(cluster_ids=list(Cluster.objects.values_list("pk", flat=True)), years=list(range(2011, 2016)))
    with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as large:
        assert len(evaluate_goals(year=2012)) == goal_count

    assert len(large) == len(small)


def test_a_deadline_year_short_of_a_quarter_is_judged_on_its_trend_while_it_is_the_year_asked_for():
    # given: pv 300 (2011) → 500 (2012); only three quarters of 2013, the deadline of s2-pv-1000, approved
    _annual({"pv": {2011: "300", 2012: "500"}})
    approved_year("pv", 2013, "600", quarters=3)
    rollup_full()

    evaluation = _evaluate("s2-pv-1000", 2013)

    assert evaluation.status == Status.OFF_TRACK  # needs 100 % growth in the year, achieved 66.67 %


def test_a_deadline_year_short_of_a_quarter_is_missed_once_a_later_year_is_asked_for():
    # given: as above, and 2014 complete: the 2013 goal's fourth quarter never came in
    _annual({"pv": {2011: "300", 2012: "500", 2014: "900"}})
    approved_year("pv", 2013, "600", quarters=3)
    rollup_full()

    evaluation = _evaluate("s2-pv-1000", 2015)

    assert (evaluation.year, evaluation.current) == (2013, Decimal(600))
    assert evaluation.status == Status.MISSED


def test_a_count_goal_is_missed_once_a_later_year_is_asked_for_even_without_a_complete_deadline_year():
    # given: 2011, the deadline of s1-count-100, has only three quarters approved anywhere
    approved_year("pv", 2011, "150", quarters=3)
    rollup_full()

    assert _evaluate("s1-count-100", 2011).status == Status.OFF_TRACK
    assert _evaluate("s1-count-100", 2012).status == Status.MISSED


def test_a_cluster_that_fell_to_nothing_in_the_deadline_year_is_projected_at_nothing():
    # given: auto 100 (2014) → 0 (2015): achieved growth −100 %, and 2015 is s3-count-100's deadline
    _annual({"auto": {2014: "100", 2015: "0"}})

    evaluation = _evaluate("s3-count-100", 2015)

    assert evaluation.projected_count == 0
    assert evaluation.status == Status.MISSED


@hypothesis_settings(max_examples=300, deadline=None)
@given(start=st.decimals("0.0001", "1000000", places=4), end=st.decimals("0", "1000000", places=4),
       years=st.integers(1, 30))
def test_the_growth_rate_is_the_fractional_power_to_four_places(start, end, years):
    """exp(ln(end / start) / years) at 16 digits against the power at the default 28: the same rate, bar a last
    place where the exact rate lies on a half step (0.00005 …) and either rounding is right."""
    exact = (end / start) ** (Decimal(1) / years) - 1
    rate = cagr(start, end, years)
    assert abs(rate - exact) <= Decimal("0.00005") + Decimal("1e-12")
    if abs(abs(exact - exact.quantize(RATIO)) - Decimal("0.00005")) > Decimal("1e-12"):
        assert rate == exact.quantize(RATIO)


def test_the_growth_rate_of_whole_steps():
    assert cagr(Decimal(100), Decimal(121), 2) == Decimal("0.1000")
    assert cagr(Decimal(100), Decimal(0), 3) == Decimal("-1.0000")
    assert cagr(Decimal(100), Decimal(100), 5) == Decimal("0.0000")
    assert cagr(Decimal(0), Decimal(100), 5) is None
