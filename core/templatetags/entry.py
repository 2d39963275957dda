"""Template helpers of the entry screens: plain amounts, signed percentages, the outlier limit."""
from decimal import Decimal

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """A stored amount without trailing zeros and with thousands separators; — when empty."""
    if value is None or value == "":
        return "—"
    value = Decimal(value).normalize()
    places = max(0, -value.as_tuple().exponent)
    return f"{value:,.{places}f}"


@register.filter
def percent(ratio: Decimal | None) -> str:
    """0.125 → +12.5 %; — when there is nothing to compare with."""
    if ratio is None:
        return "—"
    return f"{Decimal(ratio) * 100:+.1f} %"


@register.simple_tag
def outlier_limit() -> str:
    return f"{settings.ENTRY_OUTLIER_THRESHOLD * 100:.0f}"
