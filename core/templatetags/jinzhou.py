"""The site's one template library of formats (core.formats): {% load jinzhou %}.

`percent` is the only percentage filter: `{{ ratio|percent }}` → 87.5 %, `{{ change|percent:"signed" }}` →
+12.5 %; empty for a missing value, so `|default:"—"` shows a dash.
"""
from decimal import Decimal

from django import template
from django.conf import settings

from core import formats

register = template.Library()

register.filter("yi", formats.yi)
register.filter("amount", formats.amount)
register.filter("or_tbd", formats.or_tbd)
register.filter("goal_status", formats.goal_status)
register.filter("cell", formats.cell)
register.simple_tag(formats.quarter_label, name="quarter_label")


@register.filter
def percent(ratio: Decimal | None, style: str = "") -> str:
    return formats.percent(ratio, signed=style == "signed")


@register.simple_tag
def outlier_limit() -> str:
    """The entry screen's outlier threshold in percent (ENTRY_OUTLIER_THRESHOLD), for its warning."""
    return formats.whole_percent(settings.ENTRY_OUTLIER_THRESHOLD)
