"""The investment page's charts: the project pipeline by the five stages, and investment actually received
(foreign in USD, domestic in CNY) by quarter against the year's targets.

Projects are those the user may see (`Project.objects.visible_to`, the rows of /api/v1/projects/), at their
current stage. Inflows: the city's totals per quarter from the roll-up (`progress.InflowProgress`, city-wide
figures every signed-in user may read, like the city's output), with the year's target
(`InvestmentTarget`); a user who does not see every region also gets the sum over the regions it may see
(the rows of /api/v1/inflows/). Queries: a fixed number, whatever the data size.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formats import percent_value
from core.periods import Quarter
from core.sheets import Table
from investment.choices import Currency, Origin, ProjectStage
from investment.models import InvestmentInflow, InvestmentTarget, Project
from progress.models import InflowProgress
from progress.selectors import inflows_year_to_date, share

from .charts import Chart, Series, Threshold, axis_chart, demo_title, fit_value_axis, funnel_chart
from .period import Period

QUARTERS = (1, 2, 3, 4)
TENTH = Decimal("0.1")
UNITS = {Origin.FOREIGN: gettext_lazy("100M USD"), Origin.DOMESTIC: gettext_lazy("100M yuan")}


def _pipeline_chart(user) -> Chart:
    counts = dict(Project.objects.visible_to(user).order_by().values_list("stage").annotate(n=Count("pk")))
    demo = Project.objects.visible_to(user).filter(is_demo=True).exists()
    stages = list(ProjectStage)
    reached = [sum(counts.get(later, 0) for later in ProjectStage.values if later >= stage) for stage in stages]
    title = _("Project pipeline by stage")
    return Chart(
        key="pipeline", title=demo_title(title, demo), demo=demo, kind="funnel",
        note=_("Each block: the projects that have reached the stage or gone beyond it (current stages)."),
        option=funnel_chart(stages=[(s.label, n) for s, n in zip(stages, reached, strict=True)], unit=_("projects")),
        table=Table(title=title, filename="investment-pipeline",
                    headers=[_("Stage"), _("Projects in this stage"), _("Projects that reached it")],
                    rows=[[s.label, counts.get(s.value, 0), n] for s, n in zip(stages, reached, strict=True)]
                    if counts else []),
    )


def _inflow_chart(origin: str, period: Period, city: dict, mine: dict | None, target: Decimal | None) -> Chart:
    unit = str(UNITS[origin])
    name = Origin(origin).label
    this_year = {q: row for (o, q), row in city.items() if o == origin}
    received = [this_year[q].value if q in this_year and q <= period.quarter else None for q in QUARTERS]
    cumulative = [this_year[q].ytd_value if q in this_year and q <= period.quarter else None for q in QUARTERS]
    demo = any(row.demo_units for q, row in this_year.items() if q <= period.quarter)
    series = [Series(_("Received in the quarter"), received),
              Series(_("Received in the year so far"), cumulative, kind="line")]
    headers = [_("Quarter"), _("Received (%(unit)s)") % {"unit": unit}, _("Year so far (%(unit)s)") % {"unit": unit},
               _("Share of the year's target (%)")]
    mine_cumulative = None
    if mine is not None:
        mine_cumulative = [mine[(origin, q)][1] if (origin, q) in mine and q <= period.quarter else None
                           for q in QUARTERS]
        series.append(Series(_("Regions you may see, year so far"), mine_cumulative, kind="line"))
        headers.append(_("Regions you may see, year so far (%(unit)s)") % {"unit": unit})
    rows = []
    for i, q in enumerate(QUARTERS):
        if received[i] is None:
            continue
        row = [Quarter(period.year, q).label, received[i], cumulative[i],
               percent_value(share(cumulative[i], target), TENTH)]
        if mine_cumulative is not None:
            row.append(mine_cumulative[i])
        rows.append(row)
    title = _("%(origin)s received in %(year)s against the target") % {"origin": name, "year": period.year}
    thresholds = [Threshold(_("target %(amount)s") % {"amount": f"{target:,.2f}"}, target)] if target else []
    return Chart(
        key=origin, title=demo_title(title, demo), demo=demo,
        note=_("Year's target: %(target)s %(unit)s.") % {"target": f"{target:,.2f}", "unit": unit} if target
        else _("No target is recorded for %(year)s.") % {"year": period.year},
        option=fit_value_axis(axis_chart(categories=[_("Q%(quarter)s") % {"quarter": q} for q in QUARTERS],
                                         unit=unit, series=series, thresholds=thresholds),
                              top=max([v for s in series for v in s.values if v is not None] + [target or 0])),
        table=Table(title=title, filename=f"investment-{origin}-{period.year}Q{period.quarter}", headers=headers,
                    rows=rows),
    )


def key_projects(user) -> list[Project]:
    """The key projects `user` may see, with cluster, park and region. One query."""
    return list(Project.objects.visible_to(user).filter(is_key=True)
                .select_related("cluster", "park", "region", "responsible_department").order_by("stage", "name"))


def investment_charts(*, user, period: Period) -> tuple[list[Chart], dict]:
    city = {(row.origin, row.quarter): row for row in InflowProgress.objects.filter(year=period.year)}
    targets = dict(InvestmentTarget.objects.visible_to(user).filter(year=period.year).values_list("origin", "amount"))
    mine = None
    if not user.sees_everything:
        mine = inflows_year_to_date(InvestmentInflow.objects.visible_to(user), year=period.year)
    charts = [_pipeline_chart(user)] + [_inflow_chart(origin, period, city, mine, targets.get(origin))
                                        for origin in (Origin.FOREIGN, Origin.DOMESTIC)]
    return charts, {"key_projects": key_projects(user), "currencies": Currency}
