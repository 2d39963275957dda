"""`{{ remarks|remark_of:goal.pk }}`: a page's commentary looked up by id, read from what the view selected."""
from django import template

register = template.Library()


@register.filter
def remark_of(found: dict, key: int) -> object:
    return found.get(key) if found else None
