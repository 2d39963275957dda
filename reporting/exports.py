"""The clusters app's list screens as tables for .xlsx / .csv: the same rows the page shows the user."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from clusters.choices import NOT_YET_APPROVED
from clusters.completeness import Completeness, UnitList
from clusters.models import QuarterlyFigure
from clusters.selectors import GridRow
from clusters.services import EXTRA_FIELDS
from core.cells import ratio
from core.periods import Quarter
from core.sheets import Table


def grid_table(quarter: Quarter, mode: str, grid_rows: Iterable[GridRow]) -> Table:
    """The entry grid's rows as shown (every page: `selectors.all_grid_rows`, written as they are read): output
    and its comparisons, then the optional values (in the screen's mode: revenue, tax and investment year to
    date in 累计 mode; the headcount always at quarter end)."""
    value = _("Year to date") if mode == "ytd" else _("Quarter's own value")
    extra_headers = [
        f"{spec.label} ({_('persons') if spec.integer else _('100 million yuan')})"
        if not (spec.cumulative and mode == "ytd") else f"{spec.label} ({value}, {_('100 million yuan')})"
        for spec in EXTRA_FIELDS]
    return Table(
        title=quarter.label, filename=f"figures-{quarter}",
        headers=[_("Unit code"), _("Cluster"), _("Enterprise"), _("Responsible department"), _("Status"),
                 f"{value} ({_('100 million yuan')})", _("Previous quarter"), _("Same quarter last year"),
                 _("Year-on-year change (ratio, 0.1 = 10 %)"), _("Needs explanation"), _("Note"), _("Version"),
                 _("Previous quarter not yet approved"), _("Same quarter last year not yet approved"), *extra_headers],
        rows=([
            row.key, row.unit.cluster.name_zh, row.unit.enterprise.name if row.unit.enterprise else "",
            str(row.unit.cluster.responsible_department),
            row.figure.get_status_display() if row.figure else _("not entered"), row.shown, row.previous.value,
            row.last_year.value, ratio(row.change), row.outlier, row.figure.note if row.figure else "",
            row.figure.version if row.figure else None, row.previous.unapproved, row.last_year.unapproved,
            *(row.extras.get(spec.name) for spec in EXTRA_FIELDS),
        ] for row in grid_rows),
    )


def figure_table(figures: QuerySet[QuarterlyFigure], *, title: str, filename: str) -> Table:
    """The review list (`clusters.review.figures_for_review`) as shown, with what each figure is compared with."""
    return Table(
        title=title, filename=filename,
        headers=[_("Quarter"), _("Cluster"), _("Enterprise"), _("Responsible department"),
                 _("Output value (100 million yuan)"), _("Same quarter last year"), _("Status"), _("Source"),
                 _("Entered by"), _("Note"), _("Version"), _("Previous quarter"),
                 _("Previous quarter not yet approved"), _("Same quarter last year not yet approved")],
        rows=[[
            _("Q%(quarter)s %(year)s") % {"year": f.year, "quarter": f.quarter}, f.cluster.name_zh,
            f.enterprise.name if f.enterprise else "", str(f.cluster.responsible_department), f.output_value,
            f.last_year_value, f.get_status_display(), f.get_source_display(),
            f.entered_by.get_username() if f.entered_by else "", f.note, f.version, f.previous_value,
            f.previous_status in NOT_YET_APPROVED, f.last_year_status in NOT_YET_APPROVED,
        ] for f in figures],
    )


def completeness_table(standing: Completeness, units: UnitList) -> Table:
    """The units of `standing` as listed (`units`, every standing unless filtered), streamed from the database
    into the file: one plain row each, the figure's status typed as the page shows it."""
    return Table(
        title=standing.quarter.label, filename=f"completeness-{standing.quarter}",
        headers=[_("Responsible department"), _("Cluster"), _("Enterprise"), _("Status"), _("Deadline"),
                 _("Overdue")],
        rows=([row.department, row.cluster, row.enterprise or "", row.status_label, standing.deadline, row.overdue]
              for row in units),
    )
