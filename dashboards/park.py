"""The park page's charts: 七通一平 checklist, area against 5 / 10 km², standard-factory floor space against
its targets and disbursements received, by quarter.

Area and factory space are shown now (the values /api/v1/parks/<id>/ serves) and as recorded at the end of
the chosen quarter (from the park's change history, as the assessment ranking reads them). Disbursements
are those the user may see (`Disbursement.objects.visible_to`) paid to this park, cancelled ones left out.
Queries: a fixed number, whatever the data size.
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from core.periods import Quarter
from core.sheets import Table
from funds.models import Disbursement
from parks.choices import ReadinessStatus
from parks.models import Park, StandardFactoryProgramme
from progress.ranking import quarter_end
from progress.selectors import quarter_sums, running_totals

from .charts import Chart, Series, Threshold, axis_chart, demo_title, fit_value_axis
from .period import Period


def _as_recorded(park: Park, end: date):
    """The park as its history recorded it at the end of `end` (None before the park was recorded). One query."""
    moment = datetime.combine(end, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return park.history.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()


def _value_chart(*, key: str, title: str, unit: str, park: Park, then, now_value, then_value, period: Period,
                 thresholds: list[Threshold], today: date) -> Chart:
    then_label = _("end of %(quarter)s") % {"quarter": period.as_quarter.label}
    now_label = _("now (%(date)s)") % {"date": today.isoformat()}
    values = [then_value, now_value]
    rows = [[then_label, then_value], [now_label, now_value]] if any(v is not None for v in values) else []
    return Chart(
        key=key, title=demo_title(title, park.is_demo), demo=park.is_demo,
        note="" if then is not None else _("No value was recorded by the end of that quarter."),
        option=fit_value_axis(axis_chart(categories=[then_label, now_label], unit=unit, thresholds=thresholds,
                                         series=[Series(title, values)]),
                              top=max([v for v in values if v is not None] + [t.value for t in thresholds])),
        table=Table(title=title, filename=f"park-{park.code}-{key}-{period.year}Q{period.quarter}",
                    headers=[_("When"), f"{title} ({unit})"] + [t.label for t in thresholds],
                    rows=[row + [t.value for t in thresholds] for row in rows]),
    )


def _readiness_chart(park: Park, items: list) -> Chart:
    """The 七通一平 checklist: items by status, split into on time and overdue (or done late)."""
    title = _("七通一平 checklist")
    statuses = list(ReadinessStatus)
    on_time = [sum(1 for i in items if i.status == s and not (i.overdue or i.late)) for s in statuses]
    behind = [sum(1 for i in items if i.status == s and (i.overdue or i.late)) for s in statuses]
    demo = any(i.is_demo for i in items)
    rows = [[i.get_kind_display(), i.get_status_display(), i.deadline, i.final_deadline, i.completed_on,
             _("final deadline passed") if i.finally_overdue else _("overdue") if i.overdue
             else _("done late") if i.late else "", i.is_demo] for i in items]
    return Chart(
        key="readiness", title=demo_title(title, demo), demo=demo,
        note=_("%(done)s of %(all)s items done; %(overdue)s overdue.") % {
            "done": sum(1 for i in items if i.status == ReadinessStatus.DONE), "all": len(items),
            "overdue": sum(1 for i in items if i.overdue)},
        option=axis_chart(categories=[s.label for s in statuses], unit=_("items"), horizontal=True, series=[
            Series(_("on time"), on_time, stack="items"), Series(_("overdue or done late"), behind, stack="items")]),
        table=Table(title=title, filename=f"park-{park.code}-readiness",
                    headers=[_("Item"), _("Status"), _("Deadline"), _("Final deadline"), _("Completed on"),
                             _("Timeliness"), _("Demo data")], rows=rows),
    )


def _disbursement_chart(park: Park, period: Period, disbursements: list[Disbursement]) -> Chart:
    """Money received per quarter, from the chosen year's first quarter (or the first payment, if earlier) to
    the chosen quarter, with the running total."""
    last = period.as_quarter
    paid = [(Quarter.containing(d.paid_on), d) for d in disbursements]
    paid = [(q, d) for q, d in paid if q <= last]
    first = min([q for q, _d in paid] + [Quarter(period.year, 1)])
    quarters = [Quarter.from_index(i) for i in range(first.index, last.index + 1)]
    amounts = quarter_sums([(q, d.amount_wan) for q, d in paid], quarters)
    cumulative = running_totals(amounts)
    demo = any(d.is_demo for _q, d in paid)
    title = _("Disbursements received up to %(quarter)s") % {"quarter": last.label}
    labels = [q.label for q in quarters]
    return Chart(
        key="disbursements", title=demo_title(title, demo), demo=demo,
        note=_("Paid to this park from the plan's funds, by quarter paid (the disbursements you may see)."),
        option=axis_chart(categories=labels, unit=_("10,000 yuan"),
                          series=[Series(_("Received in the quarter"), amounts),
                                  Series(_("Received in all"), cumulative, kind="line")]),
        table=Table(title=title, filename=f"park-{park.code}-disbursements-{period.year}Q{period.quarter}",
                    headers=[_("Quarter"), _("Received (10,000 yuan)"), _("Received in all (10,000 yuan)")],
                    rows=[list(row) for row in zip(labels, amounts, cumulative, strict=True)] if paid else []),
    )


def park_charts(*, user, park: Park, period: Period, today: date) -> tuple[list[Chart], dict]:
    """The park page's charts and the rest of its context. Park and items are already read (park_for_page)."""
    then = _as_recorded(park, quarter_end(period.year, period.quarter))
    items = list(park.readiness_items.all())
    disbursements = list(Disbursement.objects.visible_to(user).in_force().filter(park=park)
                         .select_related("fund", "region").order_by("-paid_on", "-pk"))
    programme = (StandardFactoryProgramme.objects.visible_to(user).filter(year__lte=period.year)
                 .order_by("-year").first())
    area = _value_chart(
        key="area", title=_("Park area"), unit="km²", park=park, then=then, period=period, today=today,
        now_value=park.area_km2, then_value=then.area_km2 if then else None,
        thresholds=[Threshold(_("target %(km2)s km²") % {"km2": f"{park.area_target_km2:g}"}, park.area_target_km2),
                    Threshold(_("striving for %(km2)s km²") % {"km2": f"{park.area_stretch_km2:g}"},
                              park.area_stretch_km2)])
    factories = _value_chart(
        key="factories", title=_("Standard factory floor space"), unit="m²", park=park, then=then, period=period,
        today=today, now_value=park.factory_built_m2, then_value=then.factory_built_m2 if then else None,
        thresholds=[Threshold(_("lower target"), park.factory_target_min_m2),
                    Threshold(_("upper target"), park.factory_target_max_m2)])
    charts = [_readiness_chart(park, items), area, factories, _disbursement_chart(park, period, disbursements)]
    return charts, {
        "disbursements": disbursements, "programme": programme,
        "programme_share": (park.factory_built_m2 / programme.target_m2) if programme else None,
    }
