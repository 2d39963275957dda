"""Formatting for Chinese officials: 亿元 with sensible precision, quarters as 2011年第3季度, 待定."""
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

register = template.Library()


@register.filter
def yi(value: Decimal | None) -> str:
    """An output value in 亿元, two decimals, thousands separated; 待定 when empty."""
    if value is None or value == "":
        return _("TBD")
    return _("%(value)s 100M yuan") % {"value": f"{Decimal(value):,.2f}"}


@register.simple_tag
def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"year": year, "quarter": quarter}


@register.filter
def or_tbd(value: object) -> object:
    return value if value not in (None, "") else _("TBD")


@register.filter
def percent(ratio: Decimal | None) -> str:
    """A ratio as a percentage with one decimal: 0.8751 → 87.5 %."""
    if ratio is None or ratio == "":
        return ""
    return f"{Decimal(ratio) * 100:.1f} %"


GOAL_STATUS_LABELS = {
    # "met" alone is also a column header (是否达标); as a goal's status it needs its own translation.
    "met": pgettext_lazy("goal status", "met"),
    "on_track": gettext_lazy("on track"), "at_risk": gettext_lazy("at risk"),
    "off_track": gettext_lazy("off track"), "missed": gettext_lazy("missed"), "no_data": gettext_lazy("no data"),
    "manual": gettext_lazy("judged by a planner"),
}


@register.filter
def goal_status(status: str) -> str:
    return str(GOAL_STATUS_LABELS.get(status, status))


@register.filter
def cell(value: object) -> str:
    """A table cell as the page shows it: amounts with two decimals and separators, — when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)
