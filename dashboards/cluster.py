"""The cluster page's charts: quarters against last year, annual output against the stage targets with
the projection, the projection with each project under way stacked on it, needed against achieved growth, and the
enterprises' shares.

Approved numbers are the roll-up rows (`progress.Progress`, the rows of /api/v1/progress/?scope=cluster):
quarters, years to date and their growth are read, not recomputed; with "including unapproved" the output
charts add submitted figures, summed by `progress.selectors.cluster_values` with the roll-up's definitions.
Goals, growth rates and the projection always come from `progress.goals` on approved numbers, the same
evaluation /api/v1/goals/ serves. Queries: a fixed number, whatever the data size.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clusters.choices import GoalKind
from clusters.models import Cluster, Enterprise, StageGoal
from core.formats import goal_status, percent_value
from core.periods import Quarter
from core.sheets import Table
from investment.choices import ProjectStage
from investment.models import Project
from progress.goals import CENT, GoalEvaluation, evaluate_goals, projection
from progress.pipeline import PipelineProject, produced_in
from progress.selectors import Value, Values, cluster_values, enterprise_outputs, share, year_so_far

from .charts import Chart, Series, Threshold, axis_chart, demo_title, fit_value_axis, pie_chart
from .city import yi_label
from .period import Period

TENTH = Decimal("0.1")
QUARTERS = (1, 2, 3, 4)
# The enterprises the page's pie and table name; the rest are one part (the download lists them all).
ENTERPRISES_SHOWN = 20


@dataclass(frozen=True)
class GoalLine:
    """A target the cluster is measured against: its own stage goal, or, for a cluster without one, a
    city-wide count goal's threshold (evaluated as if it were the cluster's own)."""

    evaluation: GoalEvaluation
    own: bool

    @property
    def label(self) -> str:
        goal = self.evaluation.goal
        text = _("%(stage)s: %(threshold)s 亿元 by %(year)s") % {
            "stage": goal.get_stage_display(), "threshold": f"{goal.threshold:,.0f}", "year": goal.deadline_year}
        return text if self.own else _("%(goal)s (city-wide scale threshold)") % {"goal": text}


def cluster_for_page(*, user, pk: int) -> Cluster | None:
    """One cluster `user` may see, with its department, regions, goals and platforms. Four queries."""
    return (Cluster.objects.visible_to(user).select_related("responsible_department")
            .prefetch_related("regions", "supporting_departments", "platforms").filter(pk=pk).first())


def _goal_lines(cluster: Cluster, year: int) -> list[GoalLine]:
    own = list(StageGoal.objects.filter(cluster=cluster, kind=GoalKind.CLUSTER_VALUE).order_by("deadline_year"))
    if own:
        return [GoalLine(e, True) for e in evaluate_goals(year=year, goals=own)]
    # No goal of its own: the city-wide scale thresholds (100 / 200 / 1000 亿元) it counts towards.
    counts = StageGoal.objects.filter(kind=GoalKind.CLUSTER_COUNT).order_by("deadline_year", "threshold")
    stand_ins = [StageGoal(code=g.code, stage=g.stage, deadline_year=g.deadline_year, kind=GoalKind.CLUSTER_VALUE,
                           cluster=cluster, threshold=g.threshold, description_zh=g.description_zh,
                           description_en=g.description_en)
                 for g in counts]
    seen, lines = set(), []
    for evaluation in evaluate_goals(year=year, goals=stand_ins):
        key = (evaluation.goal.threshold, evaluation.goal.deadline_year)
        if key not in seen:
            seen.add(key)
            lines.append(GoalLine(evaluation, False))
    return lines


def _quarter_chart(cluster: Cluster, period: Period, values: Values) -> Chart:
    this, last = period.year, period.year - 1

    def shown(year: int, q: int) -> Value | None:
        return None if year == this and q > period.quarter else values.get((cluster.pk, year, q))

    def column(year: int, field: str) -> list[Decimal | None]:
        return [getattr(shown(year, q), field, None) for q in QUARTERS]  # no figure for the quarter: no point

    now, before = column(this, "value"), column(last, "value")
    ytd_now, ytd_before = column(this, "ytd_value"), column(last, "ytd_value")
    labels = [_("Q%(quarter)s") % {"quarter": q} for q in QUARTERS]
    demo = any(values[k].demo for k in values if k[0] == cluster.pk and k[1] in (this, last) and k[2])
    rows = []
    for i, q in enumerate(QUARTERS):
        growth = shown(this, q).ytd_growth if shown(this, q) else None
        rows.append([Quarter(this, q).label, now[i], before[i], ytd_now[i], ytd_before[i],
                     percent_value(growth, TENTH)])
    if all(v is None for v in now + before):
        rows = []
    title = _("Quarterly output %(year)s against %(last)s") % {"year": this, "last": last}
    return Chart(
        key="quarters", title=demo_title(title, demo), demo=demo,
        note=_("Bars: each quarter's output; lines: year to date."),
        option=axis_chart(categories=labels, unit=_("100M yuan"), series=[
            Series(str(last), before), Series(str(this), now),
            Series(_("%(year)s year to date") % {"year": last}, ytd_before, kind="line"),
            Series(_("%(year)s year to date") % {"year": this}, ytd_now, kind="line"),
        ]),
        table=Table(title=title, filename=f"cluster-{cluster.code}-quarters-{this}Q{period.quarter}",
                    headers=[_("Quarter"), _("Output %(year)s (100M yuan)") % {"year": this},
                             _("Output %(year)s (100M yuan)") % {"year": last},
                             _("Year to date %(year)s") % {"year": this}, _("Year to date %(year)s") % {"year": last},
                             _("Year-to-date growth (%)")],
                    rows=rows),
    )


def _thresholds(lines: list[GoalLine]) -> list[Threshold]:
    """One line per target value, labelled short (第2、3阶段：1,000亿元) so that it fits a phone's chart: goals of
    several stages at the same value share it; the goals' full wording is in the table and the goal cards."""
    stages: dict[Decimal, list[int]] = {}
    for line in lines:
        stages.setdefault(line.evaluation.goal.threshold, []).append(line.evaluation.goal.stage)
    return [Threshold(_("stage %(stage)s: %(target)s") % {"stage": "、".join(map(str, sorted(set(numbers)))),
                                                           "target": yi_label(value)}, value)
            for value, numbers in stages.items()]


def _highest(*columns) -> Decimal | None:
    values = [v for column in columns for v in column if v is not None]
    return max(values) if values else None


@dataclass(frozen=True)
class Trend:
    """Where the achieved growth leads, for each of `years`, from the latest full approved year (`base_year`), and
    the projects under way the goal evaluations counted (a project adding nothing by the last deadline adds nothing
    earlier either). The latest deadline's evaluation is the one made as of the chosen year (earlier goals are
    judged on their own deadline years): its base year and achieved growth drive the projection."""

    years: list[int]
    base_year: int | None
    base: Value | None
    values: list[Decimal | None]
    projects: list[PipelineProject]

    def added(self, project: PipelineProject, year: int) -> Decimal | None:
        """What `project` adds in `year`: nothing up to the base year, a measured year."""
        return produced_in(project, year=year) if self.base_year is not None and year > self.base_year else None

    def with_projects(self) -> list[Decimal | None]:
        """The projection plus every project's output, year by year, to the cent: the annual chart's line with the
        projects and the top of the stacked chart."""
        return [(value + sum((self.added(p, year) or 0 for p in self.projects), Decimal(0))).quantize(CENT)
                if value is not None else None for value, year in zip(self.values, self.years, strict=True)]


def _trend(cluster: Cluster, period: Period, lines: list[GoalLine], approved: Values) -> Trend:
    last_deadline = max([line.evaluation.goal.deadline_year for line in lines] + [period.year])
    years = list(range(period.years.start, last_deadline + 1))
    first = lines[-1].evaluation if lines else None
    base_year = first.base_year if first else None
    base = approved.get((cluster.pk, base_year, 0)) if base_year else None
    values: list[Decimal | None] = [None] * len(years)
    if base is not None and first.achieved_cagr is not None:
        values = [projection(base.value, first.achieved_cagr, y - base_year) if y >= base_year else None
                  for y in years]
    projects = list({c.id: c.project for line in lines for c in line.evaluation.contributions}.values())
    return Trend(years, base_year, base, values, projects)


def _annual_chart(cluster: Cluster, period: Period, values, lines: list[GoalLine], trend: Trend) -> Chart:
    """Annual output from the plan's base year, the stage targets as lines, and where the achieved growth
    rate leads by the last deadline (projection) beside the path the nearest open target needs. The bars follow
    the unapproved switch (`values`); projection and path start from the approved base year, as the goals do."""
    years, base_year, base, projected = trend.years, trend.base_year, trend.base, trend.values

    def actual(year: int) -> Decimal | None:
        if year > period.year:
            return None
        if year == period.year and period.quarter < 4:
            found = year_so_far(values, cluster.pk, year, period.quarter)
            return found.ytd_value if found else None
        found = values.get((cluster.pk, year, 0))
        return found.value if found else None

    actuals = [actual(y) for y in years]
    needed: list[Decimal | None] = [None] * len(years)
    open_line = next((line for line in lines if line.evaluation.needed_cagr is not None
                      and line.evaluation.goal.deadline_year > (base_year or 0)), None)
    if base is not None and open_line is not None:
        deadline = open_line.evaluation.goal.deadline_year
        needed = [projection(base.value, open_line.evaluation.needed_cagr, y - base_year)
                  if base_year <= y <= deadline else None for y in years]
    # Trend + pipeline: each year's ramped-up output of the projects on top of the projection. No further query.
    # The base year is a measured year: nothing is added to it, the line starts there with the projection.
    projects = trend.projects
    with_pipeline = trend.with_projects() if projects else [None] * len(years)
    demo = any(values[k].demo for k in values if k[0] == cluster.pk and k[2] == 0)
    title = _("Annual output against the stage targets, with the projection")
    series = [Series(_("Annual output"), actuals)]
    if any(v is not None for v in projected):
        series.append(Series(_("Projection at the growth achieved"), projected, kind="line"))
    if any(v is not None for v in with_pipeline):
        series.append(Series(_("Projection with the projects under way"), with_pipeline, kind="line"))
    if any(v is not None for v in needed):
        series.append(Series(_("Path the target needs"), needed, kind="line"))
    rows = [[y, a, p, n, w] for y, a, p, n, w in zip(years, actuals, projected, needed, with_pipeline, strict=True)
            if a is not None or p is not None or n is not None]
    note = _("%(year)s up to %(quarter)s. Projection and needed path start from the latest full year (%(base)s), "
             "from approved figures only.") % {"year": period.year, "quarter": period.as_quarter.label,
                                               "base": base_year or "—"}
    if projects:
        note += " " + _("With the projects under way: the projection plus, from each project's expected production "
                        "start, its output ramped up to full capacity (%(projects)s).") % {
            "projects": listed([p.name for p in projects])}
    return Chart(
        key="annual", title=demo_title(title, demo), demo=demo, note=note,
        option=fit_value_axis(axis_chart(categories=[str(y) for y in years], unit=_("100M yuan"), series=series,
                                         thresholds=_thresholds(lines)),
                              top=_highest(actuals, projected, needed,
                                           [line.evaluation.goal.threshold for line in lines])),
        table=Table(title=title, filename=f"cluster-{cluster.code}-annual-{period.year}Q{period.quarter}",
                    headers=[_("Year"), _("Annual output (100M yuan)"), _("Projection at the growth achieved"),
                             _("Path the target needs"), _("Projection with the projects under way")],
                    rows=rows if any(a is not None for a in actuals) else []),
    )


def _unentered(cluster: Cluster, user) -> list[Project]:
    """The cluster's projects under way (the pipeline's stages) that cannot be plotted: no expected output or no
    expected production start entered. One query."""
    return list(Project.objects.visible_to(user).filter(
        Q(expected_output__isnull=True) | Q(expected_start_year__isnull=True), cluster=cluster,
        stage__gte=settings.PIPELINE_FROM_STAGE, stage__lt=ProjectStage.PRODUCING).order_by("name"))


def listed(names: list[str]) -> str:
    """Names in a sentence, separated as the language does (、 in Chinese)."""
    return pgettext("list separator", ", ").join(names)


def _pipeline_chart(cluster: Cluster, period: Period, trend: Trend, unentered: list[Project]) -> Chart:
    """The projection on the trend with each project under way stacked on it, one named series per project, from
    the latest full year to the last deadline: the top of each stack is the annual chart's "with the projects"
    line. Projects without an output or a start entered are named in the note, not drawn."""
    at = [i for i, y in enumerate(trend.years) if trend.base_year is not None and y >= trend.base_year]
    years, projected = [trend.years[i] for i in at], [trend.values[i] for i in at]
    tops = [trend.with_projects()[i] for i in at]
    added = [[trend.added(p, y) for y in years] for p in trend.projects]
    stack = "pipeline"
    series = [Series(_("Projection at the growth achieved"), projected, stack=stack),
              *(Series(p.name, values, stack=stack) for p, values in zip(trend.projects, added, strict=True))]
    title = _("Projection with each project under way")
    note = _("From the latest full year (%(base)s), approved figures only: the projection at the growth achieved, "
             "and on it each project's output from its expected production start, ramped up to full capacity.") % {
        "base": trend.base_year or "—"}
    missing_output = [p.name for p in unentered if p.expected_output is None]
    missing_start = [p.name for p in unentered if p.expected_output is not None]
    if missing_output:
        note += " " + _("Output not entered, not plotted: %(projects)s.") % {"projects": listed(missing_output)}
    if missing_start:
        note += " " + _("Production start not entered, not plotted: %(projects)s.") % {
            "projects": listed(missing_start)}
    rows = [[y, t, *(column[i] for column in added), top]
            for i, (y, t, top) in enumerate(zip(years, projected, tops, strict=True)) if t is not None]
    demo = any(p.demo for p in trend.projects)
    return Chart(
        key="pipeline", title=demo_title(title, demo), demo=demo, note=note,
        option=fit_value_axis(axis_chart(categories=[str(y) for y in years], unit=_("100M yuan"), series=series),
                              top=_highest(tops)),
        table=Table(title=title, filename=f"cluster-{cluster.code}-pipeline-{period.year}Q{period.quarter}",
                    headers=[_("Year"), _("Projection at the growth achieved"),
                             *(_("%(project)s (100M yuan)") % {"project": p.name} for p in trend.projects),
                             _("Projection with the projects under way")],
                    rows=rows),
    )


def _rates_chart(cluster: Cluster, period: Period, lines: list[GoalLine]) -> Chart:
    title = _("Growth needed against growth achieved (per year)")
    evaluations = [line.evaluation for line in lines]
    rows = [[line.label, e.target, e.year, e.current, e.base_year, percent_value(e.needed_cagr),
             percent_value(e.achieved_cagr), e.status] for line, e in zip(lines, evaluations, strict=True)]
    for row in rows:
        row[-1] = goal_status(row[-1])
    has_rates = any(e.needed_cagr is not None or e.achieved_cagr is not None for e in evaluations)
    return Chart(
        key="rates", title=title,
        note=_("Compound annual growth: needed from the latest full year to each deadline; achieved from the first "
               "full year to the latest one (approved figures, evaluated for %(year)s; a goal past its deadline is "
               "judged on its deadline year).") % {"year": period.year},
        # Horizontal bars: ECharts draws the first category at the bottom, so the earliest deadline goes last.
        option=axis_chart(categories=[line.label for line in reversed(lines)], unit="%", series=[
            Series(_("Needed"), [percent_value(e.needed_cagr) for e in reversed(evaluations)]),
            Series(_("Achieved"), [percent_value(e.achieved_cagr) for e in reversed(evaluations)]),
        ], horizontal=True),
        table=Table(title=title, filename=f"cluster-{cluster.code}-growth-{period.year}",
                    headers=[_("Target"), _("Threshold (100M yuan)"), _("Year judged"),
                             _("Output in the year judged (100M yuan)"),
                             _("Latest full year"), _("Needed growth (%)"), _("Achieved growth (%)"), _("Status")],
                    rows=rows if has_rates or any(e.current is not None for e in evaluations) else []),
    )


def _enterprise_chart(cluster: Cluster, period: Period, user, *, every_enterprise: bool) -> Chart:
    """The largest enterprises' shares, the others as one part (a pie of a thousand slices shows nothing); the
    download (`every_enterprise`) lists them all."""
    shares = enterprise_outputs(
        Enterprise.objects.visible_to(user), cluster=cluster, year=period.year, quarter=period.quarter,
        include_unapproved=period.include_unapproved, limit=None if every_enterprise else ENTERPRISES_SHOWN)
    enterprises = shares.rows
    rows = [[e.name, e.is_leading, e.output, percent_value(e.share, TENTH), e.is_demo] for e in enterprises]
    note = "" if shares.count else _("This cluster reports as a whole, not by enterprise.")
    others = None
    if shares.left_out:
        label, rest = _("The other %(count)s enterprises") % {"count": shares.left_out}, shares.rest or None
        rows.append([label, None, rest, percent_value(share(rest, shares.total), TENTH), None])
        others = (label, rest) if rest else None
        note = _("The %(shown)s largest enterprises; the download lists all %(count)s.") % {
            "shown": len(enterprises), "count": shares.count}
    demo = shares.demo or any(e.is_demo for e in enterprises)
    title = _("Enterprises' share of output, %(year)s to %(quarter)s") % {
        "year": period.year, "quarter": period.as_quarter.label}
    return Chart(
        key="enterprises", title=demo_title(title, demo), demo=demo, kind="pie", note=note,
        option=pie_chart(parts=[(e.name, e.output) for e in enterprises if e.output], unit=_("100M yuan"),
                         rest=others),
        table=Table(title=title, filename=f"cluster-{cluster.code}-enterprises-{period.year}Q{period.quarter}",
                    headers=[_("Enterprise"), _("Leading enterprise"), _("Output (100M yuan)"), _("Share (%)"),
                             _("Demo data")], rows=rows if shares.total else []),
    )


def cluster_charts(*, user, cluster: Cluster, period: Period,
                   every_enterprise: bool = False) -> tuple[list[Chart], dict]:
    """Every chart of the cluster page and the rest of its context; `every_enterprise` for the enterprises
    chart's download."""
    years = range(min(period.year - 1, period.years.start), period.year + 1)
    values = cluster_values(cluster_ids=[cluster.pk], years=years, include_unapproved=period.include_unapproved)
    approved = (cluster_values(cluster_ids=[cluster.pk], years=years, include_unapproved=False)
                if period.include_unapproved else values)
    lines = _goal_lines(cluster, period.year)
    trend = _trend(cluster, period, lines, approved)
    charts = [_quarter_chart(cluster, period, values), _annual_chart(cluster, period, values, lines, trend),
              _pipeline_chart(cluster, period, trend, _unentered(cluster, user)),
              _rates_chart(cluster, period, lines),
              _enterprise_chart(cluster, period, user, every_enterprise=every_enterprise)]
    return charts, {"goal_lines": lines}
