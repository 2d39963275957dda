"""The assessment page's charts: regions and departments ranked for a quarter, each bar split into what each
criterion contributed to the score (weight × completion ÷ Σ weights of the criteria that apply, computed with
the score by `progress.ranking`), so the parts add up to the score. The ranking is
`progress.ranking.assessment_ranking`, the same as /api/v1/ranking/; it reads approved figures only.
Queries: a fixed number, whatever the data size.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from core.formats import percent_value
from core.sheets import Table
from progress.models import AssessmentWeight, Criterion
from progress.ranking import RankedUnit, assessment_ranking

from .charts import Chart, Series, axis_chart
from .period import Period


def _ranking_chart(kind: str, units: list[RankedUnit], period: Period) -> Chart:
    title = (_("Regions ranked, %(quarter)s") if kind == "region" else _("Departments ranked, %(quarter)s")) % {
        "quarter": period.as_quarter.label}
    ranked = [u for u in units if u.score is not None]
    parts = [[percent_value(p) for p in u.ordered_parts] for u in ranked]
    # Horizontal bars read top-down: ECharts draws the first category at the bottom, so the best goes last.
    categories = [str(u.unit) for u in reversed(ranked)]
    series = [Series(Criterion(c).label, [p[i] for p in reversed(parts)], stack="score")
              for i, c in enumerate(Criterion.values)]
    headers = [_("Rank"), _("Region") if kind == "region" else _("Department"), _("Score (%)")]
    headers += [_("%(criterion)s: completion (%%)") % {"criterion": Criterion(c).label} for c in Criterion.values]
    headers += [_("%(criterion)s: points") % {"criterion": Criterion(c).label} for c in Criterion.values]
    rows = [[u.rank, str(u.unit), percent_value(u.score)] + [percent_value(v) for v in u.ordered_components] + p
            for u, p in zip(ranked, parts, strict=True)]
    chart = Chart(
        key=f"{kind}s", title=title,
        note=_("Each bar is the score (of 100); its parts are what each criterion adds."),
        option=axis_chart(categories=categories, unit=_("points"), series=series, horizontal=True),
        table=Table(title=title, filename=f"ranking-{kind}s-{period.year}Q{period.quarter}", headers=headers,
                    rows=rows),
    )
    chart.option["legend"]["bottom"] = 0
    chart.option["legend"].pop("top", None)
    chart.option["grid"]["bottom"] = 32
    chart.option["grid"]["top"] = 24
    return chart


def assessment_charts(*, period: Period) -> tuple[list[Chart], dict]:
    weights = dict(AssessmentWeight.objects.values_list("criterion", "weight"))
    ranked = assessment_ranking(year=period.year, quarter=period.quarter, weights=weights)
    charts = [_ranking_chart(kind, ranked[kind], period) for kind in ("region", "department")]
    return charts, {"ranked": ranked, "weights": [(Criterion(c).label, weights.get(c)) for c in Criterion.values]}
