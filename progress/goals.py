"""Goal evaluation and projection, read from the roll-up tables (a fixed number of queries).

Method (shown on the pages that display it):
- current value: the cluster's annual output for the year (sum of its approved quarters; a year
  still under way counts what is approved so far). Count goals count the clusters whose annual
  output reaches the threshold. Capacity goals sum the capacity, in the goal's unit, of the
  cluster's projects that have reached 达产达效 (stage 4) or beyond.
- attained: current / target; met when current ≥ target.
- projection, for cluster goals: from the latest full year (four quarters approved) up to the
  evaluated year, the compound annual growth rate (CAGR) needed to reach the target by the
  deadline, (target / value) ^ (1 / years left) − 1, beside the CAGR achieved from the first
  full year to that latest one. On track when achieved ≥ needed; at risk when achieved falls short
  by at most `GOAL_AT_RISK_MARGIN` (default 5 percentage points); off track otherwise.
- a goal is judged on the chosen year or, once its deadline has passed, on its deadline year; it
  is missed only when its deadline year is complete (four quarters in), or a later year is asked
  for, and short of the target — while the deadline year is under way it is judged on its trend.
- projection, for count goals: each cluster's latest full year grown at its achieved CAGR to the
  deadline; the number of clusters projected at or above the threshold.
- trend + pipeline (progress.pipeline states the rule): the trend at the deadline plus the deadline year's
  output of the cluster's qualifying projects. A cluster goal is then judged on the growth its existing output
  still needs to reach the target less the projects' contribution; a count goal counts the clusters whose trend
  plus projects reaches the threshold. Met, missed and no-data goals keep their status.
"""
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Context, Decimal, localcontext

from django.conf import settings
from django.db.models import F, Q

from clusters.choices import GoalKind
from clusters.models import StageGoal
from investment.choices import ProjectStage
from investment.models import Project

from .models import VALUE_DIGITS, Progress, RollupMark, Scope
from .pipeline import Contribution, PipelineProject, contributions, total
from .selectors import share

RATIO = Decimal("0.0001")
RATE_CONTEXT = Context(prec=16)
CENT = Decimal("0.01")
# The largest annual value the roll-up stores (progress.models.VALUE_DIGITS: 16 digits, 4 of them decimals).
PROJECTION_CEILING = Decimal(10) ** (VALUE_DIGITS["max_digits"] - VALUE_DIGITS["decimal_places"])


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NO_DATA = "no_data"
    MANUAL = "manual"


@dataclass(frozen=True)
class ClusterSeries:
    """A cluster's annual outputs: {year: (value, quarters with data)}."""

    years: dict[int, tuple[Decimal, int]] = field(default_factory=dict)
    growth: Decimal | None = None  # a what-if's assumed growth, in place of the achieved one
    # full_years, achieved_cagr and projected by their arguments: a count goal asks them of every cluster, twice
    # (with and without the projects), for each goal; a fractional power of a Decimal is slow. Not copied by
    # `replace`.
    _full: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _cagr: dict[int, Decimal | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _projected: dict[tuple[int, int], Decimal | None] = field(default_factory=dict, init=False, repr=False,
                                                             compare=False)

    def value(self, year: int) -> Decimal | None:
        entry = self.years.get(year)
        return entry[0] if entry else None

    def full_years(self, up_to: int) -> list[int]:
        if up_to not in self._full:
            self._full[up_to] = sorted(y for y, (_, quarters) in self.years.items() if quarters == 4 and y <= up_to)
        return self._full[up_to]

    def closed(self, year: int, deadline: int) -> bool:
        """Is `year` the deadline year (or later) and are all four of its quarters in? Only then can a
        goal be missed; during the deadline year it is judged on its trend like any other year."""
        entry = self.years.get(year)
        return year > deadline or (year == deadline and entry is not None and entry[1] == 4)

    def achieved_cagr(self, up_to: int) -> Decimal | None:
        if self.growth is not None:
            return self.growth
        if up_to not in self._cagr:
            full = self.full_years(up_to)
            self._cagr[up_to] = (None if len(full) < 2 or self.value(full[0]) <= 0
                                 else cagr(self.value(full[0]), self.value(full[-1]), full[-1] - full[0]))
        return self._cagr[up_to]

    def projected(self, up_to: int, deadline: int) -> Decimal | None:
        if (up_to, deadline) not in self._projected:
            full = self.full_years(up_to)
            growth = self.achieved_cagr(up_to) or Decimal(0)
            self._projected[up_to, deadline] = (grown(self.value(full[-1]), growth, max(deadline - full[-1], 0))
                                                if full else None)
        return self._projected[up_to, deadline]


def grown(base: Decimal, rate: Decimal, years: int) -> Decimal:
    """`base` grown at `rate` a year (compound) for `years`."""
    # Not raised to the 0th power: a cluster that fell to nothing has growth −100 %, and 0 ** 0 is undefined.
    return base * (1 + rate) ** years if years else base


def projection(base: Decimal, rate: Decimal, years: int) -> Decimal | None:
    """`grown`, to the cent, as a chart draws it; None (not drawn) past what a roll-up value can hold: a cluster
    that grew from almost nothing, projected decades ahead, would otherwise overflow the decimal context."""
    value = grown(base, rate, years)
    return value.quantize(CENT) if value < PROJECTION_CEILING else None


def cagr(start: Decimal, end: Decimal, years: int) -> Decimal | None:
    """(end / start) ^ (1 / years) − 1 to four places, as exp(ln(end / start) / years) at 16 digits: a third of
    the cost of a fractional power at the default 28 (a count goal asks it of every cluster), the same to the
    four places kept."""
    if years <= 0 or start <= 0:
        return None
    with localcontext(RATE_CONTEXT):
        rate = ((end / start).ln() / years).exp() - 1
    return rate.quantize(RATIO)


@dataclass(frozen=True)
class GoalEvaluation:
    goal: StageGoal
    year: int
    current: Decimal | None
    target: Decimal | None
    attained: Decimal | None
    met: bool | None
    status: str
    base_year: int | None = None
    needed_cagr: Decimal | None = None
    achieved_cagr: Decimal | None = None
    projected_count: int | None = None
    pending: bool = False
    # Trend + pipeline: cluster goals in 亿元 at the deadline, count goals in clusters (projected_count beside it).
    projected: Decimal | None = None
    projected_with_pipeline: Decimal | None = None
    status_with_pipeline: str | None = None
    projected_count_with_pipeline: int | None = None
    contributions: tuple[Contribution, ...] = ()


def _series(cluster_ids: Collection[int] | None) -> dict[int, ClusterSeries]:
    series: dict[int, ClusterSeries] = defaultdict(ClusterSeries)
    rows = Progress.objects.filter(scope=Scope.CLUSTER, quarter=0)
    if cluster_ids is not None:
        rows = rows.filter(scope_id__in=cluster_ids)
    for cluster_id, year, value, quarters in rows.values_list("scope_id", "year", "value", "units"):
        series[cluster_id].years[year] = (value, quarters)
    return series


def goal_projects() -> Q:
    """The projects a goal evaluation reads: producing with a capacity (capacity goals), or in the pipeline
    stages with an expected start and output (trend + pipeline)."""
    producing = Q(stage__gte=ProjectStage.PRODUCING, capacity__isnull=False)
    pipeline = Q(stage__gte=settings.PIPELINE_FROM_STAGE, stage__lt=ProjectStage.PRODUCING,
                 expected_start_year__isnull=False, expected_output__isnull=False)
    return Q(cluster__isnull=False) & (producing | pipeline)


def _projects(cluster_ids: Collection[int] | None) -> tuple[dict[tuple[int, str], Decimal], list[PipelineProject]]:
    """The capacities of producing projects by (cluster, unit), and the pipeline projects: one query."""
    capacities: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    pipeline = []
    projects = Project.objects.filter(goal_projects())
    if cluster_ids is not None:
        projects = projects.filter(cluster_id__in=cluster_ids)
    rows = projects.order_by("name").values_list(
        "pk", "name", "cluster_id", "stage", "capacity", "capacity_unit", "expected_start_year",
        "expected_start_quarter", "expected_output", "ramp_up_quarters", "pipeline_is_demo")
    for pk, name, cluster_id, stage, capacity, unit, year, quarter, output, ramp, demo in rows:
        if stage >= ProjectStage.PRODUCING:
            capacities[(cluster_id, unit)] += capacity
        else:
            pipeline.append(PipelineProject(id=pk, name=name, cluster_id=cluster_id, stage=stage, start_year=year,
                                            start_quarter=quarter, output=output,
                                            ramp_up=ramp or settings.PIPELINE_RAMP_UP_QUARTERS, demo=demo))
    return dict(capacities), pipeline


def _pending_years(cluster_ids: Collection[int] | None) -> set[tuple[int, int]]:
    marks = RollupMark.objects.filter(version__gt=F("done_version"))
    if cluster_ids is not None:
        marks = marks.filter(cluster_id__in=cluster_ids)
    return set(marks.values_list("cluster_id", "year"))


def attainment(current: Decimal | None, target: Decimal | None) -> Decimal | None:
    """current ÷ target to four places (完成率); None without either."""
    ratio = share(current, target)
    return ratio.quantize(RATIO) if ratio is not None else None


def _trend_status(*, current: Decimal | None, target: Decimal, closed: bool,
                  needed: Decimal | None, achieved: Decimal | None, base: Decimal | None) -> str:
    if current is not None and current >= target:
        return Status.MET
    if closed:
        return Status.MISSED if current is not None else Status.NO_DATA
    if base is not None and base >= target:
        return Status.ON_TRACK
    if needed is None or achieved is None:
        return Status.NO_DATA
    if achieved >= needed:
        return Status.ON_TRACK
    return Status.AT_RISK if achieved >= needed - settings.GOAL_AT_RISK_MARGIN else Status.OFF_TRACK


def _cluster_goal(goal: StageGoal, year: int, series: ClusterSeries, pending: bool, *,
                  asked: int, projects: list[Contribution]) -> GoalEvaluation:
    """`year`: the year judged (the deadline year once it has passed); `asked`: the year the caller asked for, which
    closes the deadline year once it is later, even when that year never got all four quarters in."""
    current = series.value(year)
    full = series.full_years(year)
    base_year = full[-1] if full else None
    base = series.value(base_year) if base_year else None
    needed = cagr(base, goal.threshold, goal.deadline_year - base_year) if base else None
    achieved = series.achieved_cagr(year)
    closed = series.closed(asked, goal.deadline_year)
    status = _trend_status(current=current, target=goal.threshold, closed=closed, needed=needed, achieved=achieved,
                           base=base)
    added = tuple(projects)
    trend = series.projected(year, goal.deadline_year)
    return GoalEvaluation(
        goal=goal, year=year, current=current, target=goal.threshold, attained=attainment(current, goal.threshold),
        met=None if current is None else current >= goal.threshold, status=status,
        base_year=base_year, needed_cagr=needed, achieved_cagr=achieved, pending=pending,
        projected=_cents(trend), projected_with_pipeline=_cents(trend + total(added) if trend is not None else None),
        status_with_pipeline=_pipeline_status(status, goal=goal, current=current, closed=closed, base=base,
                                              base_year=base_year, achieved=achieved, added=total(added)),
        contributions=added,
    )


def _cents(value: Decimal | None) -> Decimal | None:
    return value.quantize(CENT) if value is not None and value < PROJECTION_CEILING else None


def _pipeline_status(trend_status: str, *, goal: StageGoal, current: Decimal | None, closed: bool,
                     base: Decimal | None, base_year: int | None, achieved: Decimal | None, added: Decimal) -> str:
    """The trend's status, judged against the target less what the projects add by the deadline: the growth the
    existing output still needs. Without projects, or once met, missed or closed, the trend's own status."""
    if not added or closed or trend_status in (Status.MET, Status.MISSED):
        return trend_status
    rest = goal.threshold - added
    if rest <= 0 or (base is not None and base >= rest):
        return Status.ON_TRACK
    needed = cagr(base, rest, goal.deadline_year - base_year) if base else None
    return _trend_status(current=current, target=goal.threshold, closed=False, needed=needed, achieved=achieved,
                         base=base)


def _count_goal(goal: StageGoal, year: int, series: dict[int, ClusterSeries], pending: bool, *,
                asked: int, projects: dict[int, list[Contribution]]) -> GoalEvaluation:
    current = sum(1 for s in series.values() if (s.value(year) or 0) >= goal.threshold)
    projected = sum(1 for s in series.values() if (s.projected(year, goal.deadline_year) or 0) >= goal.threshold)
    with_pipeline = sum(
        1 for cluster_id in set(series) | set(projects)
        if (series.get(cluster_id, ClusterSeries()).projected(year, goal.deadline_year) or 0)
        + total(projects.get(cluster_id, ())) >= goal.threshold)
    target = Decimal(goal.target_count)
    closed = asked > goal.deadline_year or (
        year >= goal.deadline_year and any(s.closed(year, goal.deadline_year) for s in series.values()))

    def status_of(count: int) -> str:
        if current >= target:
            return Status.MET
        if closed:
            return Status.MISSED
        return Status.ON_TRACK if count >= target else Status.OFF_TRACK

    added = tuple(c for cluster_id in sorted(projects) for c in projects[cluster_id])
    return GoalEvaluation(goal=goal, year=year, current=Decimal(current), target=target,
                          attained=attainment(Decimal(current), target), met=current >= target,
                          status=status_of(projected), projected_count=projected, pending=pending,
                          projected=Decimal(projected), projected_with_pipeline=Decimal(with_pipeline),
                          status_with_pipeline=status_of(with_pipeline), projected_count_with_pipeline=with_pipeline,
                          contributions=added)


def _capacity_goal(goal: StageGoal, year: int, capacities: dict) -> GoalEvaluation:
    current = capacities.get((goal.cluster_id, goal.unit)) or capacities.get((goal.cluster_id, f"{goal.unit}/年"))
    met = current is not None and current >= goal.threshold
    status = Status.MET if met else (Status.MISSED if year >= goal.deadline_year else Status.NO_DATA)
    return GoalEvaluation(goal=goal, year=year, current=current, target=goal.threshold,
                          attained=attainment(current, goal.threshold), met=met, status=status)


@dataclass(frozen=True)
class GoalInputs:
    """Everything a goal evaluation reads besides the goals: three queries (`goal_inputs`)."""

    series: dict[int, ClusterSeries]
    capacities: dict[tuple[int, str], Decimal]
    pipeline: list[PipelineProject]
    pending: set[tuple[int, int]]


def goal_inputs(cluster_ids: Collection[int] | None = None) -> GoalInputs:
    """What the goals read: of every cluster, or of `cluster_ids` only (enough for goals of those clusters, not
    for a count goal, which counts every cluster)."""
    capacities, pipeline = _projects(cluster_ids)
    return GoalInputs(series=_series(cluster_ids), capacities=capacities, pipeline=pipeline,
                      pending=_pending_years(cluster_ids))


@dataclass(frozen=True)
class WhatIf:
    """A planner's assumptions, computed and never saved: projects with another start or output (or a project
    without values given some), and clusters with an assumed growth rate in place of the achieved one."""

    projects: tuple[PipelineProject, ...] = ()
    growth: dict[int, Decimal] = field(default_factory=dict)

    def applied(self, inputs: GoalInputs) -> GoalInputs:
        changed = {p.id: p for p in self.projects}
        pipeline = [changed.pop(p.id, p) for p in inputs.pipeline] + list(changed.values())
        series = dict(inputs.series)
        for cluster_id, rate in self.growth.items():
            series[cluster_id] = replace(series.get(cluster_id, ClusterSeries()), growth=rate)
        return replace(inputs, series=series, pipeline=pipeline)


def evaluate_goals(*, year: int, goals=None, inputs: GoalInputs | None = None,
                   what_if: WhatIf | None = None) -> list[GoalEvaluation]:
    """Every goal in `goals` (default: all) evaluated for `year`. Four queries whatever the data size (three
    when the caller passes the `inputs` it read already); `what_if` changes the inputs, never the tables."""
    goals = list(goals if goals is not None else StageGoal.objects.select_related("cluster"))
    if inputs is None:  # a cluster's page asks of its own goals: its own figures do
        counts = any(goal.kind == GoalKind.CLUSTER_COUNT for goal in goals)
        inputs = goal_inputs(None if counts else {goal.cluster_id for goal in goals})
    if what_if is not None:
        inputs = what_if.applied(inputs)
    series, capacities, pipeline, pending = inputs.series, inputs.capacities, inputs.pipeline, inputs.pending
    evaluations = []
    by_deadline: dict[int, dict[int, list[Contribution]]] = {}
    for goal in goals:
        # A goal whose deadline has passed is judged on its deadline year, not on later years.
        at = min(year, goal.deadline_year)
        if goal.kind in (GoalKind.CLUSTER_VALUE, GoalKind.CLUSTER_COUNT) and goal.deadline_year not in by_deadline:
            by_deadline[goal.deadline_year] = contributions(pipeline, year=goal.deadline_year,
                                                            from_stage=settings.PIPELINE_FROM_STAGE)
        if goal.kind == GoalKind.CLUSTER_VALUE:
            evaluations.append(_cluster_goal(goal, at, series.get(goal.cluster_id, ClusterSeries()),
                                             (goal.cluster_id, at) in pending, asked=year,
                                             projects=by_deadline[goal.deadline_year].get(goal.cluster_id, [])))
        elif goal.kind == GoalKind.CLUSTER_COUNT:
            evaluations.append(_count_goal(goal, at, series, any(y == at for _, y in pending), asked=year,
                                           projects=by_deadline[goal.deadline_year]))
        elif goal.kind == GoalKind.CAPACITY:
            evaluations.append(_capacity_goal(goal, at, capacities))
        else:
            evaluations.append(GoalEvaluation(goal=goal, year=at, current=None, target=None, attained=None,
                                              met=None, status=Status.MANUAL))
    return evaluations
