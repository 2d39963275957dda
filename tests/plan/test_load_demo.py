"""load_demo: deterministic, labelled demo data (演示数据) that demo_clear removes and nothing else."""
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from clusters import services
from clusters.choices import FigureSource
from clusters.models import Cluster, Enterprise, PublicServicePlatform, QuarterlyFigure, StageGoal
from funds.models import Disbursement, Fund, MatchingFund
from indicators.models import CityIndicator, IndicatorActual
from investment.models import InvestmentInflow, InvestmentTarget, Project, ProjectStageMove
from org.models import Department, Region
from parks.models import Park, ParkReadinessItem
from plan.demo import demo_clear, demo_load

pytestmark = pytest.mark.django_db

DEMO_PERIODS = {(year, quarter) for year in range(2011, 2016) for quarter in range(1, 5)}
DEMO_FLAGGED = (Enterprise, PublicServicePlatform, Project, ProjectStageMove, InvestmentInflow, IndicatorActual,
                MatchingFund, Disbursement, Park, ParkReadinessItem)
# Rows the plan loads. Park and readiness items are compared without `updated_at`: demo progress is
# written onto those plan rows and reset by demo_clear, which does not restore the timestamp.
PLAN_MODELS = (Region, Department, Cluster, Cluster.regions.through, Cluster.supporting_departments.through,
               StageGoal, Park, ParkReadinessItem, Fund, Project, InvestmentTarget, CityIndicator)


def _figure_values() -> dict[tuple, tuple]:
    """Every figure's values keyed by its reporting unit and quarter (database ids differ between loads)."""
    return {
        (f.cluster.code, f.enterprise.name if f.enterprise else "", f.year, f.quarter): (
            f.output_value, f.revenue, f.tax, f.employees, f.fixed_asset_investment, f.status, f.source,
        )
        for f in QuarterlyFigure.objects.select_related("cluster", "enterprise")
    }


def _plan_rows() -> set[tuple]:
    rows = set()
    for model in PLAN_MODELS:
        # Demo progress is written on park rows and reset one save at a time: their bookkeeping moves on.
        skip = {"updated_at", "version"} if model in (Park, ParkReadinessItem) else set()
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows |= {(model._meta.label, *values) for values in model._base_manager.values_list(*columns)}
    return rows


def _entered_figure(user, *, code: str = "heishan-main", year: int = 2016) -> QuarterlyFigure:
    return services.figure_create(user=user, cluster=Cluster.objects.get(code=code), year=year, quarter=1,
                                  output_value=Decimal("12.50"), revenue=Decimal("11.00"))


# --- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_figures():
    demo_load(seed=7)
    first = _figure_values()

    demo_load(seed=7)

    assert _figure_values() == first


def test_same_seed_gives_identical_park_progress_inflows_and_indicator_actuals():
    def snapshot():
        return (
            sorted(Park.objects.values_list("code", "area_km2", "factory_built_m2")),
            sorted(ParkReadinessItem.objects.values_list("park__code", "kind", "status", "completed_on")),
            sorted(InvestmentInflow.objects.values_list("region__code", "year", "quarter", "origin", "amount")),
            sorted(IndicatorActual.objects.values_list("indicator__code", "quarter", "value_percent")),
            sorted(Project.objects.filter(is_demo=True).values_list("name", "cluster__code", "stage",
                                                                    "planned_amount")),
        )

    demo_load(seed=7)
    first = snapshot()

    demo_load(seed=7)

    assert snapshot() == first


def test_different_seeds_give_different_figures():
    demo_load(seed=7)
    first = _figure_values()

    demo_load(seed=8)
    second = _figure_values()

    assert first.keys() == second.keys(), "the same units and quarters, with other values"
    assert first != second


def test_reloading_replaces_the_demo_data_instead_of_adding_to_it():
    first = demo_load(seed=7)

    second = demo_load(seed=7)

    assert second == first
    assert QuarterlyFigure.objects.count() == first["clusters.QuarterlyFigure"]
    assert Enterprise.objects.count() == first["clusters.Enterprise"]


# --- what demo figures look like -----------------------------------------------------------------


def test_every_demo_figure_is_labelled_demo():
    demo_load(seed=7)
    assert QuarterlyFigure.objects.exists()
    assert set(QuarterlyFigure.objects.values_list("source", flat=True)) == {FigureSource.DEMO}


def test_demo_enterprises_are_flagged_demo():
    demo_load(seed=7)
    assert Enterprise.objects.exists()
    assert not Enterprise.objects.filter(is_demo=False).exists()


def test_every_cluster_has_figures_for_each_quarter_2011q1_to_2015q4():
    demo_load(seed=7)
    periods = defaultdict(set)
    for code, year, quarter in QuarterlyFigure.objects.values_list("cluster__code", "year", "quarter"):
        periods[code].add((year, quarter))
    assert set(periods) == set(Cluster.objects.values_list("code", flat=True))
    assert all(found == DEMO_PERIODS for found in periods.values())


def test_every_enterprise_of_an_enterprise_reporting_cluster_has_each_quarter():
    demo_load(seed=7)
    periods = defaultdict(set)
    for enterprise, year, quarter in QuarterlyFigure.objects.filter(enterprise__isnull=False).values_list(
        "enterprise", "year", "quarter"
    ):
        periods[enterprise].add((year, quarter))
    assert set(periods) == set(Enterprise.objects.values_list("pk", flat=True))
    assert all(found == DEMO_PERIODS for found in periods.values())


def test_a_cluster_reports_as_a_whole_or_by_enterprise_never_both():
    demo_load(seed=7)
    modes = defaultdict(set)
    for code, enterprise in QuarterlyFigure.objects.values_list("cluster__code", "enterprise"):
        modes[code].add(enterprise is None)
    assert all(len(mode) == 1 for mode in modes.values()), {c: m for c, m in modes.items() if len(m) > 1}
    assert any(mode == {False} for mode in modes.values()), "some clusters report by enterprise"
    assert any(mode == {True} for mode in modes.values()), "some clusters report as a whole"


# --- demo_clear ----------------------------------------------------------------------------------


def test_demo_clear_removes_every_demo_row():
    demo_load(seed=7)

    demo_clear()

    assert not QuarterlyFigure.objects.filter(source=FigureSource.DEMO).exists()
    assert {model._meta.label: model.objects.filter(is_demo=True).count() for model in DEMO_FLAGGED} == {
        model._meta.label: 0 for model in DEMO_FLAGGED
    }


def test_demo_clear_resets_demo_park_progress():
    demo_load(seed=7)
    assert Park.objects.filter(area_km2__isnull=False).exists()

    demo_clear()

    assert set(Park.objects.values_list("area_km2", "factory_built_m2")) == {(None, Decimal(0))}
    assert set(ParkReadinessItem.objects.values_list("status", "completed_on")) == {("not_started", None)}


def test_demo_clear_leaves_plan_rows_as_loaded():
    before = _plan_rows()
    demo_load(seed=7)

    demo_clear()

    assert _plan_rows() == before


def test_demo_clear_leaves_a_figure_entered_through_the_service(agri_editor):
    entered = _entered_figure(agri_editor)
    demo_load(seed=7)

    demo_clear()

    assert list(QuarterlyFigure.objects.all()) == [entered]
    kept = QuarterlyFigure.objects.get()
    assert (kept.source, kept.output_value, kept.revenue, kept.version) == (
        FigureSource.ENTERED, Decimal("12.50"), Decimal("11.00"), 1,
    )


# --- management commands -------------------------------------------------------------------------


def test_load_plan_command_says_nothing_to_add_when_the_plan_is_loaded():
    out = StringIO()
    call_command("load_plan", stdout=out)
    assert "nothing to add" in out.getvalue()


def test_load_plan_command_restores_a_missing_plan_row():
    Fund.objects.get(name_zh="发展工业专项资金").delete()
    out = StringIO()

    call_command("load_plan", stdout=out)

    assert "created 1 × funds.Fund" in out.getvalue()
    assert Fund.objects.get(name_zh="发展工业专项资金").amount_wan is None


def test_load_demo_command_loads_the_seeded_demo_data():
    demo_load(seed=5)
    expected = _figure_values()
    demo_clear()
    out = StringIO()

    call_command("load_demo", "--seed", "5", stdout=out)

    assert _figure_values() == expected
    assert "created" in out.getvalue()


def test_load_demo_clear_command_removes_demo_data_and_keeps_entered_figures(agri_editor):
    entered = _entered_figure(agri_editor)
    call_command("load_demo", stdout=StringIO())
    out = StringIO()

    call_command("load_demo", "--clear", stdout=out)

    assert list(QuarterlyFigure.objects.all()) == [entered]
    assert not Enterprise.objects.exists()
    assert not Park.objects.filter(is_demo=True).exists()
    assert "removed" in out.getvalue()


def test_demo_load_keeps_a_figure_entered_in_the_demo_period(agri_editor):
    entered = _entered_figure(agri_editor, code="beizhen-main", year=2011)  # beizhen reports as a whole

    demo_load(seed=7)

    entered.refresh_from_db()
    assert (entered.source, entered.output_value) == (FigureSource.ENTERED, Decimal("12.50"))


def test_demo_load_and_clear_keep_entered_factory_space():
    park = Park.objects.get(code="heishan-park")
    park.factory_built_m2 = Decimal(50_000)
    park.save()

    demo_load(seed=7)
    demo_clear()

    park.refresh_from_db()
    assert park.factory_built_m2 == Decimal(50_000)


def test_demo_projects_carry_expected_output_labelled_as_demo_and_the_plans_own_stay_empty():
    demo_load(seed=7)
    demo = Project.objects.filter(name__startswith="演示项目")
    assert demo.exists()
    assert not demo.filter(expected_output__isnull=True).exists()
    assert not demo.filter(pipeline_is_demo=False).exists()
    assert not Project.objects.exclude(name__startswith="演示项目").filter(expected_output__isnull=False).exists()
