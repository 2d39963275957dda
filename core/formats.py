"""Numbers and periods as people read them here, in one place: 亿元 with two decimals, plain amounts,
percentages, 2011年第3季度, 待定, goal statuses. The template filters (core/templatetags/jinzhou.py) and the
Python that writes messages and chart tables both call these, so a number looks the same everywhere.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def yi(value: Decimal | None) -> str:
    """An output value in 亿元, two decimals, thousands separated; 待定 when empty."""
    if value is None or value == "":
        return _("TBD")
    return _("%(value)s 100M yuan") % {"value": f"{Decimal(value):,.2f}"}


def wan(value: Decimal | None) -> str:
    """A money amount in 万元 (10,000 yuan), as `amount` writes it, with its unit; — when empty."""
    if value is None or value == "":
        return "—"
    return _("%(value)s 10,000 yuan") % {"value": amount(value)}


def amount(value: Decimal | None) -> str:
    """A stored amount without trailing zeros and with thousands separators; — when empty."""
    if value is None or value == "":
        return "—"
    value = Decimal(value).normalize()
    places = max(0, -value.as_tuple().exponent)
    return f"{value:,.{places}f}"


def percent(ratio: Decimal | None, signed: bool = False) -> str:
    """A ratio as a percentage with one decimal: 0.8751 → "87.5 %" (signed: "+87.5 %"); "" when empty."""
    if ratio is None or ratio == "":
        return ""
    return f"{Decimal(ratio) * HUNDRED:{'+' if signed else ''}.1f} %"


def whole_percent(ratio: Decimal) -> str:
    """A limit such as ENTRY_OUTLIER_THRESHOLD as whole percent: 0.5 → "50"."""
    return f"{ratio * HUNDRED:.0f}"


def percent_value(ratio: Decimal | None, places: Decimal = CENT) -> Decimal | None:
    """A ratio as a number of percent for a chart or a table column: 0.12345 → 12.35 (to `places`)."""
    return (ratio * HUNDRED).quantize(places) if ratio is not None else None


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)s %(year)s") % {"year": year, "quarter": quarter}


def or_tbd(value: object) -> object:
    return value if value not in (None, "") else _("TBD")


GOAL_STATUS_LABELS = {
    # "met" alone is also a column header (是否达标); as a goal's status it needs its own translation.
    "met": pgettext_lazy("goal status", "met"),
    "on_track": gettext_lazy("on track"), "at_risk": gettext_lazy("at risk"),
    "off_track": gettext_lazy("off track"), "missed": gettext_lazy("missed"), "no_data": gettext_lazy("no data"),
    "manual": gettext_lazy("judged by a planner"),
}


def goal_status(status: str) -> str:
    return str(GOAL_STATUS_LABELS.get(status, status))


def cell(value: object) -> str:
    """A table cell as the page shows it: amounts with two decimals and separators, — when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)
