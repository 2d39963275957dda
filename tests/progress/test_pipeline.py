"""Trend + pipeline: each qualifying project's output from its expected start, ramped up linearly, added to its
cluster's trend (progress/pipeline.py states the rule). Hand-computed cases, then properties."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusters.models import Cluster, StageGoal
from investment.choices import ProjectStage
from investment.models import Project
from progress.goals import Status, evaluate_goals
from progress.pipeline import PipelineProject, annual_contribution, contributions, qualifies, total
from progress.services import rollup_full
from tests.progress.figures import approved_year

CONSTRUCTION = ProjectStage.CONSTRUCTION


def _project(pk=1, *, cluster=1, stage=CONSTRUCTION, year=2012, quarter=3, output="40", ramp=4) -> PipelineProject:
    return PipelineProject(id=pk, name=f"p{pk}", cluster_id=cluster, stage=stage, start_year=year,
                           start_quarter=quarter, output=Decimal(output), ramp_up=ramp)


# --- the ramp, by hand -----------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "expected"), [
    (2011, "0"),
    # Q3: 10 × 1/4 = 2.5; Q4: 10 × 2/4 = 5
    (2012, "7.5"),
    # Q1: 10 × 3/4 = 7.5, then three full quarters of 10
    (2013, "37.5"),
    (2014, "40"),
])
def test_a_project_starting_mid_year_with_a_four_quarter_ramp(year, expected):
    assert annual_contribution(output=Decimal(40), start_year=2012, start_quarter=3, ramp_up=4,
                               year=year) == Decimal(expected)


def test_a_three_quarter_ramp_rounds_once_to_four_places():
    # 10 × (1 + 2 + 3 + 3) / 12 = 7.5; 1 × (1 + 2 + 3 + 3) / 12 = 0.75
    assert annual_contribution(output=Decimal(10), start_year=2012, start_quarter=1, ramp_up=3,
                               year=2012) == Decimal("7.5")
    # 1 × 1 / 12 = 0.08333… (one quarter, Q4)
    assert annual_contribution(output=Decimal(1), start_year=2012, start_quarter=4, ramp_up=3,
                               year=2012) == Decimal("0.0833")


def test_a_one_quarter_ramp_is_full_output_from_the_start_quarter():
    assert annual_contribution(output=Decimal(40), start_year=2012, start_quarter=2, ramp_up=1,
                               year=2012) == Decimal(30)


@pytest.mark.parametrize(("stage", "counted"), [
    (ProjectStage.NEGOTIATION, False), (ProjectStage.SIGNED, False), (ProjectStage.CONSTRUCTION, True),
    # 达产达效 and beyond: the enterprise's own figures carry its output, so adding it would count it twice.
    (ProjectStage.PRODUCING, False), (ProjectStage.EXPANDING, False),
])
def test_only_projects_from_the_chosen_stage_and_not_yet_producing_count(stage, counted):
    assert qualifies(stage, ProjectStage.CONSTRUCTION) is counted
    assert bool(contributions([_project(stage=stage)], year=2014, from_stage=CONSTRUCTION)) is counted


def test_the_chosen_stage_can_include_signed_projects():
    assert qualifies(ProjectStage.SIGNED, ProjectStage.SIGNED)


def test_contributions_are_grouped_by_cluster_and_leave_out_projects_not_yet_started():
    found = contributions([_project(1, cluster=1), _project(2, cluster=2, year=2020), _project(3, cluster=1)],
                          year=2014, from_stage=CONSTRUCTION)
    assert {c: [(x.id, x.value) for x in found[c]] for c in found} == {1: [(1, Decimal(40)), (3, Decimal(40))]}
    assert total(found[1]) == Decimal(80)


# --- properties ----------------------------------------------------------------------------------

outputs = st.decimals(min_value=0, max_value=100000, places=4, allow_nan=False, allow_infinity=False)
projects = st.builds(_project, pk=st.integers(1, 10**6), cluster=st.integers(1, 4),
                     stage=st.sampled_from(list(ProjectStage.values)), year=st.integers(2005, 2020),
                     quarter=st.integers(1, 4), output=outputs, ramp=st.integers(1, 40))


@given(project=projects, year=st.integers(2000, 2030))
def test_a_years_contribution_is_between_nothing_and_full_output_and_never_falls(project, year):
    def of(y):
        return annual_contribution(output=project.output, start_year=project.start_year,
                                   start_quarter=project.start_quarter, ramp_up=project.ramp_up, year=y)

    assert Decimal(0) <= of(year) <= project.output
    assert of(year) <= of(year + 1)
    assert of(project.start_year + project.ramp_up // 4 + 1) == project.output.quantize(Decimal("0.0001"))


@given(found=st.lists(projects, max_size=8), trend=outputs, year=st.integers(2010, 2020))
def test_trend_plus_pipeline_is_at_least_the_trend_and_equals_it_without_a_qualifying_project(found, trend, year):
    added = contributions(found, year=year, from_stage=CONSTRUCTION)
    with_pipeline = trend + sum((total(c) for c in added.values()), Decimal(0))
    assert with_pipeline >= trend
    if not any(qualifies(p.stage, CONSTRUCTION) for p in found):
        assert with_pipeline == trend


# --- goal evaluation -----------------------------------------------------------------------------

@pytest.fixture
def pv_150_then_180(db):
    for year, value in ((2011, "150"), (2012, "180")):
        approved_year("pv", year, value)
    rollup_full()


def _evaluate(code: str, year: int = 2012):
    (evaluation,) = evaluate_goals(year=year, goals=StageGoal.objects.filter(code=code))
    return evaluation


def _pipeline(name: str, **values) -> Project:
    project = Project.objects.get(name=name)
    for field, value in ({"expected_start_year": 2012, "expected_start_quarter": 1, "ramp_up_quarters": 1}
                         | values).items():
        setattr(project, field, value)
    project.save()
    return project


CELLS, MODULES, WAFERS = "300兆瓦太阳能电池项目", "500兆瓦太阳能组件项目", "200兆瓦多晶硅锭及硅片生产线项目"


@pytest.mark.django_db
def test_without_project_values_trend_and_pipeline_agree(pv_150_then_180):
    evaluation = _evaluate("s2-pv-1000")
    # 180 grown at the achieved 20 % for one year
    assert (evaluation.projected, evaluation.projected_with_pipeline) == (Decimal("216.00"), Decimal("216.00"))
    assert evaluation.status == evaluation.status_with_pipeline == Status.OFF_TRACK
    assert evaluation.contributions == ()


@pytest.mark.django_db
def test_three_projects_under_construction_put_pv_on_track(pv_150_then_180):
    # given: the three PV projects under construction, at full output from 2012Q1: 300 + 300 + 200 in 2013
    _pipeline(CELLS, expected_output=Decimal(300))
    _pipeline(MODULES, expected_output=Decimal(300))
    _pipeline(WAFERS, expected_output=Decimal(200))

    evaluation = _evaluate("s2-pv-1000")

    assert evaluation.status == Status.OFF_TRACK  # on the trend: 216
    assert evaluation.projected_with_pipeline == Decimal("1016.00")
    # the existing output needs to reach 1000 − 800 = 200 from 180 in one year: 11.1 % ≤ 20 % achieved
    assert evaluation.status_with_pipeline == Status.ON_TRACK
    assert sorted(c.name for c in evaluation.contributions) == sorted([CELLS, MODULES, WAFERS])


@pytest.mark.django_db
def test_a_project_whose_enterprise_reports_is_not_counted_twice(pv_150_then_180):
    _pipeline(CELLS, expected_output=Decimal(300), stage=ProjectStage.PRODUCING)
    evaluation = _evaluate("s2-pv-1000")
    assert evaluation.projected_with_pipeline == evaluation.projected
    assert evaluation.contributions == ()


@pytest.mark.django_db
def test_a_stage_move_backwards_removes_the_contribution(pv_150_then_180):
    project = _pipeline(CELLS, expected_output=Decimal(300))
    assert _evaluate("s2-pv-1000").projected_with_pipeline == Decimal("516.00")
    project.stage = ProjectStage.SIGNED
    project.save()
    assert _evaluate("s2-pv-1000").projected_with_pipeline == Decimal("216.00")


@pytest.mark.django_db
def test_the_chosen_stage_is_a_setting(pv_150_then_180, settings):
    _pipeline(CELLS, expected_output=Decimal(300), stage=ProjectStage.SIGNED)
    assert _evaluate("s2-pv-1000").contributions == ()
    settings.PIPELINE_FROM_STAGE = ProjectStage.SIGNED
    assert _evaluate("s2-pv-1000").projected_with_pipeline == Decimal("516.00")


@pytest.mark.django_db
def test_the_count_goal_is_projected_both_ways(pv_150_then_180):
    # given: petrochem projected flat at 60 (one full year), and its fibre project adding 50 by 2015
    approved_year("petrochem", 2012, "60")
    rollup_full()
    _pipeline("年产240万吨差别化纤维项目", expected_output=Decimal(50))

    evaluation = _evaluate("s3-count-100")

    # on the trend: pv only (180 × 1.2³); with the pipeline: petrochem 60 + 50 = 110 ≥ 100 as well
    assert (evaluation.projected_count, evaluation.projected_count_with_pipeline) == (1, 2)
    assert (evaluation.projected, evaluation.projected_with_pipeline) == (Decimal(1), Decimal(2))
    assert [c.name for c in evaluation.contributions] == ["年产240万吨差别化纤维项目"]
    assert evaluation.status == evaluation.status_with_pipeline == Status.OFF_TRACK  # 2 of 15


@pytest.mark.django_db
def test_a_missed_goal_stays_missed_with_the_pipeline(pv_150_then_180):
    # s1-pv-200 is due in 2011, judged on 2011's four quarters (150): missed, whatever the projects add
    _pipeline(CELLS, expected_output=Decimal(300), expected_start_year=2011)
    evaluation = _evaluate("s1-pv-200")
    assert evaluation.status == evaluation.status_with_pipeline == Status.MISSED


@pytest.mark.django_db
def test_evaluate_goals_reads_the_projects_in_one_query_whatever_their_number(
        pv_150_then_180, django_assert_max_num_queries):
    for name in (CELLS, MODULES, WAFERS):
        _pipeline(name, expected_output=Decimal(100))
    Project.objects.bulk_create([Project(name=f"项目{i}", cluster=Cluster.objects.get(code="pv"), stage=3,
                                         expected_start_year=2012, expected_start_quarter=2,
                                         expected_output=Decimal(1)) for i in range(30)])
    with django_assert_max_num_queries(4):
        evaluations = evaluate_goals(year=2012)
    assert len(next(e for e in evaluations if e.goal.code == "s2-pv-1000").contributions) == 33
