"""The city overview (the planner's home): the three stages, every cluster's output, the city's
indicators and what is still to be submitted, for one period. A fixed number of queries.

Everything is read through the permission layer: a department user opening this page sees the
city-wide goals and indicators, but only its own clusters in the chart and the completeness table.
Goals are evaluated from approved figures only (progress.goals); the output chart follows the
"including unapproved" switch.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _

from clusters.choices import GoalKind, Stage
from clusters.completeness import Completeness, completeness
from clusters.models import Cluster, StageGoal
from core.sheets import Table
from indicators.models import CityIndicator
from org.models import User
from progress.goals import GoalEvaluation, attainment, evaluate_goals
from progress.models import IndicatorProgress
from progress.selectors import cluster_values, pending_clusters

from .charts import (
    Chart,
    Series,
    Threshold,
    axis_chart,
    bar_rows_height,
    demo_title,
    fit_value_axis,
    largest_first,
)
from .period import Period

# The scale lines of the plan: 100亿 and 200亿 always; 1000亿 once a cluster reaches half of it.
ALWAYS_SHOWN = (Decimal(100), Decimal(200))
LARGE = Decimal(1000)
# The output chart draws the largest clusters: Jinzhou's plan names 16, and a bar for each of a province's 200 makes a
# chart no one reads that costs every overview (and its HTML) in proportion. The download holds them all.
DRAWN_CLUSTERS = 30


def yi_label(value: Decimal) -> str:
    return _("%(value)s 100M yuan") % {"value": f"{value:,.0f}"}


@dataclass(frozen=True)
class StageColumn:
    stage: int
    label: str
    evaluations: list[GoalEvaluation]


@dataclass(frozen=True)
class IndicatorRow:
    indicator: CityIndicator
    quarter: int
    actual: Decimal | None
    met: bool | None
    demo: bool

    @property
    def attained(self) -> Decimal | None:
        """Actual ÷ target, for the percentage bar."""
        return attainment(self.actual, self.indicator.target_percent)


@dataclass
class CityOverview:
    stages: list[StageColumn]
    indicators: list[IndicatorRow]
    indicator_year: int | None
    completeness: Completeness
    charts: list[Chart]
    cluster_count: int
    pending: set[int]  # clusters whose approved figures changed since the last roll-up


def stage_columns(*, user: User, year: int) -> list[StageColumn]:
    """The goals `user` may see, evaluated for `year`, one column per stage. Five queries."""
    goals = StageGoal.objects.visible_to(user).select_related("cluster").order_by("stage", "kind", "code")
    by_stage: dict[int, list[GoalEvaluation]] = {stage: [] for stage in Stage.values}
    for evaluation in evaluate_goals(year=year, goals=goals):
        by_stage[evaluation.goal.stage].append(evaluation)
    # Count goals first: they are the stage's headline ("8 / 15 clusters ≥ 100亿元").
    return [StageColumn(stage, label, sorted(by_stage[stage], key=lambda e: e.goal.kind != GoalKind.CLUSTER_COUNT))
            for stage, label in Stage.choices]


def output_chart(*, clusters: list[Cluster], period: Period, every_cluster: bool = False) -> Chart:
    """The clusters' output for the year as bars, largest first, with the plan's scale lines: the `DRAWN_CLUSTERS`
    largest, or every cluster for the download (`every_cluster`). One query."""
    values = cluster_values(cluster_ids=[c.pk for c in clusters], years=[period.year],
                            include_unapproved=period.include_unapproved)
    rows, left_out = largest_first([(c, values.get((c.pk, period.year, 0))) for c in clusters],
                                   None if every_cluster else DRAWN_CLUSTERS)
    highest = max((v.value for _c, v in rows if v is not None), default=Decimal(0))
    lines = [*ALWAYS_SHOWN, *([LARGE] if highest * 2 >= LARGE else [])]
    demo = any(v.demo for _c, v in rows if v is not None)
    title = _("Output of each cluster in %(year)s") % {"year": period.year}
    unit = _("100M yuan")
    # Horizontal bars, largest at the top (the category axis runs downwards), so that every name is drawn.
    option = axis_chart(
        categories=[c.name for c, _v in rows],
        series=[Series(_("output %(year)s") % {"year": period.year}, [v.value if v else None for _c, v in rows])],
        unit=unit, thresholds=[Threshold(yi_label(line), line) for line in lines], horizontal=True,
    )
    option["yAxis"]["inverse"] = True
    fit_value_axis(option, top=max(highest, *lines), horizontal=True)
    table = Table(title=demo_title(title, demo), filename=f"cluster-output-{period.year}",
                  headers=[_("Cluster"), _("Output (100M yuan)"), _("demo data")],
                  rows=[[c.name, v.value if v else None, bool(v and v.demo)] for c, v in rows])
    note = (_("The whole year; a year under way counts its quarters so far. Dashed lines: 100亿元, 200亿元%(more)s.")
            % {"more": _(" and 1000亿元") if LARGE in lines else ""})
    if left_out:
        note += " " + _("The %(shown)s largest clusters; the download and the cluster list hold all %(count)s.") % {
            "shown": len(rows), "count": len(rows) + left_out}
    return Chart("output", title, option, table, demo=demo, note=note, height=bar_rows_height(len(rows)))


def indicator_rows(*, user: User, period: Period) -> tuple[int | None, list[IndicatorRow]]:
    """The city indicators whose targets apply to the period (the latest target year up to it) and their
    actuals for the period's quarter (the year's last quarter for an earlier target year). Two queries."""
    indicators = CityIndicator.objects.visible_to(user)
    year = indicators.filter(year__lte=period.year).aggregate(year=Max("year"))["year"]
    if year is None:
        return None, []
    quarter = period.quarter if year == period.year else 4
    rows = (IndicatorProgress.objects.filter(indicator__in=indicators, indicator__year=year, quarter=quarter)
            .select_related("indicator"))
    by_indicator = {row.indicator_id: row for row in rows}
    listed = indicators.filter(year=year).order_by("code")
    return year, [
        IndicatorRow(indicator, quarter, getattr(by_indicator.get(indicator.pk), "value_percent", None),
                     getattr(by_indicator.get(indicator.pk), "met", None),
                     bool(getattr(by_indicator.get(indicator.pk), "demo_units", 0)))
        for indicator in listed
    ]


def indicator_chart(*, year: int | None, rows: list[IndicatorRow]) -> Chart:
    """The three indicators' actuals beside their targets, in percent."""
    demo = any(row.demo for row in rows)
    quarter = rows[0].quarter if rows else 4
    title = _("City indicators, %(period)s") % {
        "period": _("Q%(quarter)s %(year)s") % {"year": year, "quarter": quarter}} if year else _("City indicators")
    option = axis_chart(
        categories=[row.indicator.name for row in rows],
        series=[Series(_("actual"), [row.actual for row in rows]),
                Series(_("target"), [row.indicator.target_percent for row in rows])],
        unit="%",
    )
    table = Table(title=demo_title(title, demo), filename=f"city-indicators-{year}-{quarter}",
                  headers=[_("Indicator"), _("Actual (%)"), _("Comparison"), _("Target (%)"), _("met"), _("demo data")],
                  rows=[[row.indicator.name, row.actual, row.indicator.get_comparison_display(),
                         row.indicator.target_percent, row.met, row.demo] for row in rows if row.actual is not None])
    return Chart("indicators", title, option, table, demo=demo)


def city_charts(*, user: User, period: Period, every_cluster: bool = False) -> list[Chart]:
    """The overview's charts alone (/api/v1/dashboards/city/, the page's downloads), read as the page reads them;
    `every_cluster` for the output chart's download."""
    clusters = list(Cluster.objects.visible_to(user).order_by("code"))
    year, indicators = indicator_rows(user=user, period=period)
    return [output_chart(clusters=clusters, period=period, every_cluster=every_cluster),
            indicator_chart(year=year, rows=indicators)]


def city_overview(*, user: User, period: Period) -> CityOverview:
    """Everything the city overview shows for `user` and `period`, in a fixed number of queries."""
    clusters = list(Cluster.objects.visible_to(user).order_by("code"))
    year, indicators = indicator_rows(user=user, period=period)
    return CityOverview(
        stages=stage_columns(user=user, year=period.year),
        indicators=indicators,
        indicator_year=year,
        completeness=completeness(user=user, quarter=period.as_quarter),
        charts=[output_chart(clusters=clusters, period=period), indicator_chart(year=year, rows=indicators)],
        cluster_count=len(clusters),
        pending=pending_clusters([c.pk for c in clusters]),
    )
