"""Reads of parks for pages and exports; each states its queries."""
from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from org.models import User

from .choices import ReadinessItemKind, ReadinessStatus
from .models import Park, ParkReadinessItem

_OPEN = ~Q(readiness_items__status=ReadinessStatus.DONE)
# 七通一平 in its conventional order (road, water, … levelling), not alphabetically by code.
_KIND_ORDER = Case(*(When(kind=kind, then=Value(i)) for i, kind in enumerate(ReadinessItemKind.values)),
                   output_field=IntegerField())


def park_rows(*, user: User, today: date | None = None) -> QuerySet[Park]:
    """The parks `user` may see with region, department and leading cluster, and counts of their 七通一平
    items: done, overdue against the first deadline, overdue against the final one. One query."""
    today = today or timezone.localdate()
    return (Park.objects.visible_to(user)
            .select_related("region", "responsible_department", "leading_cluster")
            .annotate(items=Count("readiness_items"),
                      items_done=Count("readiness_items", filter=Q(readiness_items__status=ReadinessStatus.DONE)),
                      items_overdue=Count("readiness_items", filter=_OPEN & Q(readiness_items__deadline__lt=today)),
                      items_finally_overdue=Count("readiness_items",
                                                  filter=_OPEN & Q(readiness_items__final_deadline__lt=today)))
            .order_by("code"))


def park_for_page(*, user: User, pk: int, today: date | None = None) -> Park | None:
    """One park `user` may see, with its items; each item gets `overdue` (first deadline passed and not
    done), `finally_overdue` and `late` (done after its deadline). Two queries."""
    today = today or timezone.localdate()
    park = (Park.objects.visible_to(user).select_related("region", "responsible_department", "leading_cluster")
            .prefetch_related(Prefetch("readiness_items", queryset=ParkReadinessItem.objects.order_by(_KIND_ORDER)))
            .filter(pk=pk).first())
    if park is not None:
        for item in park.readiness_items.all():
            mark_item(item, today)
    return park


def mark_item(item: ParkReadinessItem, today: date) -> ParkReadinessItem:
    done = item.status == ReadinessStatus.DONE
    item.overdue = not done and item.deadline < today
    item.finally_overdue = not done and item.final_deadline < today
    item.late = done and item.completed_on is not None and item.completed_on > item.deadline
    return item
