"""The site's one template library of formats (core.formats) and of permissions (core.access):
{% load jinzhou %}.

`{% may "review" figure as can_review %}` asks the permission layer whether the signed-in user may do an
action to an object (or a model by its label, `{% may "edit" "clusters.quarterlyfigure" as ok %}`, or
nothing: `{% may "administer" as ok %}`); templates never compare roles.

`percent` is the only percentage filter: `{{ ratio|percent }}` → 87.5 %, `{{ change|percent:"signed" }}` →
+12.5 %; empty for a missing value, so `|default:"—"` shows a dash.
"""
from decimal import Decimal

from django import template
from django.apps import apps
from django.conf import settings

from core import access, formats

register = template.Library()

register.filter("yi", formats.yi)
register.filter("amount", formats.amount)
register.filter("wan", formats.wan)
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


@register.simple_tag(takes_context=True)
def may(context: template.Context, action: str, target: object = None) -> bool:
    """Whether the page's user may do `action` to `target` (core.access.may): an object, a model named by
    its label ("clusters.quarterlyfigure"), or nothing."""
    if isinstance(target, str):
        target = apps.get_model(target)
    return access.may(context.get("user"), action, target)
