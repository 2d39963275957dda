"""A department's dashboard: its clusters' quarterly trends against their stage targets, what it
still has to submit, its place in the assessment ranking, its parks and projects. A fixed number of
queries whatever the number of clusters, figures, parks or projects.

"Its" clusters are those the department is responsible for or, for a county/district government,
those on its territory (the clusters it edits, core.access), read through `visible_to(user)`: a
planner opening another department's page sees that department's clusters; a department user may
open only its own page (`department_for`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from clusters.choices import GoalKind
from clusters.completeness import Completeness, completeness
from clusters.models import Cluster, StageGoal
from commentary.models import QuarterCommentary
from commentary.selectors import commentaries_for
from core import access
from core.periods import Quarter
from core.sheets import Table
from investment.models import Project
from org.models import Department, User
from parks.models import Park
from progress.ranking import SCALE_GOAL, RankedUnit, assessment_ranking
from progress.selectors import Values, cluster_values, pending_clusters

from .charts import Chart, Series, Threshold, axis_chart, demo_title, fit_value_axis
from .city import yi_label
from .period import Period


def department_for(*, user: User, pk: int) -> Department:
    """The department whose dashboard `user` asks for: its own, or any for those who see the whole city."""
    department = (access.restrict(Department.objects.all(), user, "see-department")
                  .select_related("region").filter(pk=pk).first())
    if department is None:
        raise Http404
    return department


@dataclass(frozen=True)
class RankPlace:
    """Where the department (or the region it governs) stands in the assessment ranking."""

    kind: str
    unit: RankedUnit
    out_of: int


@dataclass
class DepartmentOverview:
    department: Department
    clusters: list[Cluster]
    charts: list[Chart]  # of `chart_page`'s clusters
    chart_page: Page
    completeness: Completeness
    ranking: list[RankPlace]
    parks: list[Park]
    projects: list[Project]
    pending: set[int]  # clusters whose approved figures changed since the last roll-up
    commentary: dict[int, QuarterCommentary]  # cluster id → its commentary for the period's quarter


def department_clusters(*, user: User, department: Department) -> list[Cluster]:
    """The clusters of `department` that `user` may see, each with its stage goals. Two queries."""
    own = Q(responsible_department=department)
    if department.region_id:
        own |= Q(regions=department.region_id)
    ids = Cluster.objects.filter(own).values("pk")
    goals = StageGoal.objects.filter(kind=GoalKind.CLUSTER_VALUE).order_by("stage", "deadline_year")
    return list(Cluster.objects.visible_to(user).filter(pk__in=ids).select_related("responsible_department")
                .prefetch_related(Prefetch("goals", queryset=goals)).order_by("code"))


# A trend chart draws at most the plan's five years of quarters, up to the period: what it costs stays the same
# however long the history grows. A department page draws CHARTS_PER_PAGE clusters' charts a page.
TREND_QUARTERS = 20
CHARTS_PER_PAGE = 12


def _quarters(period: Period) -> list[Quarter]:
    end = period.as_quarter.index
    start = max(Quarter(period.years.start, 1).index, end - TREND_QUARTERS + 1)
    return [Quarter.from_index(index) for index in range(start, end + 1)]


def _chart_key(cluster: Cluster) -> str:
    return f"cluster-{cluster.pk}"


def trend_chart(*, cluster: Cluster, values: Values, period: Period, scale: Decimal) -> Chart:
    """A cluster's quarters from the plan's start to the period (bars) and the year to date (line),
    against its stage targets (dashed lines; the 100亿 scale line for a cluster without goals)."""
    quarters = _quarters(period)
    own = [values.get((cluster.pk, q.year, q.quarter)) for q in quarters]
    ytd = [value.ytd_value if value else None for value in own]
    goals = list(cluster.goals.all())
    targets = [Threshold(_("stage %(stage)s: %(target)s") % {"stage": g.stage, "target": yi_label(g.threshold)},
                         g.threshold) for g in goals]
    if not targets:
        targets = [Threshold(yi_label(scale), scale)]
    seen: set[Decimal] = set()
    targets = [t for t in targets if not (t.value in seen or seen.add(t.value))]  # one line per value
    demo = any(v.demo for v in own if v)
    title = cluster.name
    option = axis_chart(
        categories=[q.label for q in quarters],
        series=[Series(_("quarter"), [v.value if v else None for v in own]),
                Series(_("year to date"), ytd, kind="line")],
        unit=_("100M yuan"), thresholds=targets,
    )
    highest = max([v for v in ytd if v is not None] + [t.value for t in targets], default=None)
    fit_value_axis(option, top=highest)
    table = Table(title=demo_title(_("%(cluster)s: quarterly output") % {"cluster": title}, demo),
                  filename=f"cluster-{cluster.code}-trend-{period.year}-{period.quarter}",
                  headers=[_("Quarter"), _("Output (100M yuan)"), _("Year to date (100M yuan)"), _("demo data")],
                  rows=[[q.label, v.value, total, v.demo] for q, v, total in zip(quarters, own, ytd, strict=True) if v])
    return Chart(_chart_key(cluster), title, option, table, demo=demo, kind="line",
                 note=_("Bars: each quarter; line: the year to date; dashed: the cluster's annual stage targets."))


def ranking_places(*, department: Department, period: Period) -> list[RankPlace]:
    """The department's place among departments, and its region's among regions for a government."""
    ranked = assessment_ranking(year=period.year, quarter=period.quarter)
    wanted = {"department": department.pk, "region": department.region_id}
    places = []
    for kind, units in ranked.items():
        scored = [u for u in units if u.rank is not None]
        places += [RankPlace(kind, u, len(scored)) for u in units if u.unit.pk == wanted.get(kind)]
    return places


def _trend_charts(clusters: list[Cluster], period: Period) -> list[Chart]:
    """One trend chart per cluster. Two queries."""
    years = sorted({quarter.year for quarter in _quarters(period)})
    values = cluster_values(cluster_ids=[c.pk for c in clusters], years=years,
                            include_unapproved=period.include_unapproved)
    scale = StageGoal.objects.filter(code=SCALE_GOAL).values_list("threshold", flat=True).first() or Decimal(100)
    return [trend_chart(cluster=c, values=values, period=period, scale=scale) for c in clusters]


def department_charts(*, user: User, department: Department, period: Period, page: int | str | None = None
                      ) -> list[Chart]:
    """The dashboard's charts alone (/api/v1/dashboards/department/<id>/): those of one `page` of the page's,
    or of every cluster without one."""
    clusters = department_clusters(user=user, department=department)
    if page is not None:
        clusters = list(Paginator(clusters, CHARTS_PER_PAGE).get_page(page).object_list)
    return _trend_charts(clusters, period)


def department_overview(*, user: User, department: Department, period: Period, page: int | str = 1,
                        chart: str = "") -> DepartmentOverview:
    """The page: its `page` of charts (`chart`, the key of a chart to download, charts that one cluster
    instead, wherever its page)."""
    clusters = department_clusters(user=user, department=department)
    ids = [c.pk for c in clusters]
    charted = Paginator(clusters, CHARTS_PER_PAGE).get_page(page)
    wanted = [c for c in clusters if _chart_key(c) == chart] or list(charted.object_list)
    territory = Q(region=department.region_id) if department.region_id else Q(pk__in=[])
    parks = (Park.objects.visible_to(user).filter(Q(responsible_department=department) | territory)
             .select_related("region").order_by("code"))
    project_ids = Project.objects.filter(Q(responsible_department=department) | Q(cluster__in=ids) | territory)
    projects = (Project.objects.visible_to(user).filter(pk__in=project_ids.values("pk"))
                .select_related("cluster", "park").order_by("-is_key", "stage", "name"))
    return DepartmentOverview(
        department=department,
        clusters=clusters,
        charts=_trend_charts(wanted, period),
        chart_page=charted,
        completeness=completeness(user=user, quarter=period.as_quarter,
                                  clusters=Cluster.objects.filter(pk__in=ids)),
        ranking=ranking_places(department=department, period=period),
        parks=list(parks),
        projects=list(projects),
        pending=pending_clusters(ids),
        commentary=commentaries_for(user=user, cluster_ids=ids, quarter=period.as_quarter, remarks=False),
    )
