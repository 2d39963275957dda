"""What the quarterly briefing (季度简报) says, read from the selectors the dashboards and the API use; nothing summed
here. Approved numbers only: the roll-up rows (`progress.Progress` through `visible_progress`, the rows of
/api/v1/progress/), the goal evaluation (`progress.goals.evaluate_goals`, the rows of /api/v1/goals/), the inflow
roll-up (`progress.InflowProgress`), the parks' selector (`parks.selectors.park_rows`), the completeness of the
quarter (`clusters.completeness.completeness`) and the commentary (`briefing.commentary`).

Whose briefing: a planner (or a city-wide user) gets the city: the city's roll-up row and every cluster. A county or
district government gets its region's row and the clusters on its territory; any other department its own row and
the clusters it is responsible for (the department dashboard's idea of "its clusters"), each time only what the
permission layer lets it see. A fixed number of queries whatever the data size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from clusters.choices import GoalKind
from clusters.completeness import Completeness, Counts, completeness
from clusters.models import Cluster, StageGoal
from core import access
from core.periods import Quarter
from investment.choices import Origin
from investment.models import InvestmentTarget, ProjectStageMove
from org.models import Department, User
from parks.models import Park
from parks.selectors import park_rows
from progress.goals import GoalEvaluation, Status, evaluate_goals
from progress.models import InflowProgress, Progress, Scope
from progress.selectors import visible_progress

from .commentary import Commentary, quarter_commentary

SCALE_THRESHOLD = 100  # 亿元: a cluster "reaches scale"
REPORTED_STATUSES = (Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)
WORRYING_STATUSES = (Status.AT_RISK, Status.OFF_TRACK)


@dataclass
class ClusterLine:
    """One cluster's row of the briefing: its roll-up row for the quarter (None: no approved figure) and goals."""

    cluster: Cluster
    row: Progress | None
    evaluations: list[GoalEvaluation]
    standing: Counts  # its reporting units for the quarter, counted by standing (why a row is missing)
    year: int

    @property
    def judged(self) -> GoalEvaluation | None:
        """The goal its status is read from: the nearest one due this year or later, else the latest."""
        ahead = [e for e in self.evaluations if e.goal.deadline_year >= self.year]
        return (ahead or self.evaluations[-1:] or [None])[0]

    @property
    def missing(self) -> str | None:
        """Why there is no approved number: the least advanced standing of its reporting units."""
        if self.row is not None:
            return None
        return self.standing.least_advanced


@dataclass(frozen=True)
class Inflow:
    origin: str
    row: InflowProgress | None
    target: InvestmentTarget | None


@dataclass
class Briefing:
    year: int
    quarter: int
    department: Department | None  # None: the whole city
    total: Progress | None
    clusters: list[ClusterLine]
    goals: list[GoalEvaluation]
    scale_goal: GoalEvaluation | None  # the count goal of clusters ≥ 100亿元 the year is measured against
    parks: list[Park]
    inflows: list[Inflow]
    moves: list[ProjectStageMove]
    reporting: Completeness
    commentary: Commentary
    made_on: date = field(default_factory=timezone.localdate)

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def demo(self) -> bool:
        """Whether any number shown was fed by demo rows (演示数据)."""
        rows = [self.total, *(line.row for line in self.clusters), *(i.row for i in self.inflows)]
        return (any(row is not None and row.demo_units for row in rows)
                or any(p.is_demo for p in self.parks) or any(m.is_demo for m in self.moves))

    @property
    def missing_lines(self) -> list[ClusterLine]:
        return [line for line in self.clusters if line.row is None]

    @property
    def worrying(self) -> list[GoalEvaluation]:
        return [e for e in self.goals if e.status in WORRYING_STATUSES]

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(REPORTED_STATUSES, 0)
        for evaluation in self.goals:
            counts[evaluation.status] = counts.get(evaluation.status, 0) + 1
        return counts


def _scope(user: User) -> tuple[str, int, Department | None, Q]:
    """(roll-up scope, scope id, department or None, which clusters) for the user's briefing."""
    if access.may(user, "view-all") or not user.department_id:
        return Scope.CITY, 0, None, Q()
    department = Department.objects.select_related("region").get(pk=user.department_id)
    if department.kind == Department.Kind.GOVERNMENT and department.region_id:
        return Scope.REGION, department.region_id, department, Q(regions=department.region_id)
    return Scope.DEPARTMENT, department.pk, department, Q(responsible_department=department)


def _plan_order(cluster: Cluster) -> int:
    # load_plan creates the clusters in the order the plan lists them, so their ids keep that order (a cluster
    # added later in the administration pages comes after them); this layer does not read the plan's data itself.
    return cluster.pk


def _parks(user: User, department: Department | None, end: date) -> QuerySet[Park]:
    parks = park_rows(user=user, today=end)
    if department is None:
        return parks
    territory = Q(region=department.region_id) if department.region_id else Q(pk__in=[])
    return parks.filter(Q(responsible_department=department) | territory)


def briefing_for(*, user: User, year: int, quarter: int) -> Briefing:
    """The briefing of (year, quarter) as `user` may read it. Fourteen queries at most, whatever the data size."""
    period = Quarter(year, quarter)
    scope, scope_id, department, which = _scope(user)
    clusters = sorted(Cluster.objects.visible_to(user).filter(which).distinct(), key=_plan_order)
    ids = [c.pk for c in clusters]
    rows = {(r.scope, r.scope_id): r for r in visible_progress(user).filter(
        Q(scope=scope, scope_id=scope_id) | Q(scope=Scope.CLUSTER, scope_id__in=ids), year=year, quarter=quarter)}
    goals = StageGoal.objects.visible_to(user).select_related("cluster").order_by("stage", "deadline_year", "code")
    if department is not None:
        goals = goals.filter(Q(cluster__in=ids) | Q(kind=GoalKind.CLUSTER_COUNT, threshold=SCALE_THRESHOLD))
    evaluations = evaluate_goals(year=year, goals=goals)
    counts = [e for e in evaluations if e.goal.kind == GoalKind.CLUSTER_COUNT and e.goal.threshold == SCALE_THRESHOLD]
    ahead = sorted((e for e in counts if e.goal.deadline_year >= year), key=lambda e: e.goal.deadline_year)
    scale_goal = (ahead or sorted(counts, key=lambda e: -e.goal.deadline_year) or [None])[0]
    if department is not None:  # a department's briefing judges its own clusters' goals
        evaluations = [e for e in evaluations if e.goal.cluster_id in ids]
    reporting = completeness(user=user, quarter=period, clusters=Cluster.objects.filter(pk__in=ids), by_cluster=True)
    lines = [ClusterLine(c, rows.get((Scope.CLUSTER, c.pk)), [e for e in evaluations if e.goal.cluster_id == c.pk
                                                              and e.goal.kind == GoalKind.CLUSTER_VALUE],
                         reporting.by_cluster.get(c.pk, Counts()), year) for c in clusters]
    inflow_rows = {r.origin: r for r in InflowProgress.objects.filter(year=year, quarter=quarter)}
    targets = {t.origin: t for t in InvestmentTarget.objects.visible_to(user).filter(year=year)}
    moves = list(ProjectStageMove.objects.visible_to(user)
                 .filter(project__is_key=True, moved_on__gte=period.first_day, moved_on__lte=period.last_day)
                 .select_related("project").order_by("moved_on", "project__name"))
    return Briefing(
        year=year, quarter=quarter, department=department, total=rows.get((scope, scope_id)), clusters=lines,
        goals=evaluations, scale_goal=scale_goal, parks=list(_parks(user, department, period.last_day)),
        inflows=[Inflow(o, inflow_rows.get(o), targets.get(o)) for o in (Origin.FOREIGN, Origin.DOMESTIC)],
        moves=moves, reporting=reporting,
        commentary=quarter_commentary(user=user, clusters=clusters, goals=[e.goal for e in evaluations], year=year,
                                      quarter=quarter),
    )
