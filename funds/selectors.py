"""Reads of funds for pages and exports; each states its queries.

Cancelled rows count nowhere (`in_force()` in every sum); the list pages and their exports show them,
labelled with their reason, so that a correction can be traced to its history."""
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from org.models import User

from .models import Disbursement, Fund, MatchingFund


def fund_rows(*, user: User) -> QuerySet[Fund]:
    """Every fund `user` may see, with `paid_visible`: what was paid out in the disbursements the user
    may see (all of them for a planner), cancelled ones left out. One query."""
    paid = (Disbursement.objects.visible_to(user).in_force().filter(fund=OuterRef("pk")).order_by()
            .values("fund").annotate(total=Sum("amount_wan")).values("total"))
    return (Fund.objects.visible_to(user).select_related("managing_department")
            .annotate(paid_visible=Coalesce(Subquery(paid), Value(Decimal(0)),
                                            output_field=DecimalField(max_digits=16, decimal_places=2)))
            .order_by("code"))


def matching_fund_rows(*, user: User, year: int | None = None) -> QuerySet[MatchingFund]:
    """The counties' matching funds (public: they decide the city's support), cancelled ones included and last
    in their year, each with `may_edit` (the permission layer, as a sub-select). One query."""
    editable = MatchingFund.objects.editable_by(user).filter(pk=OuterRef("pk"))
    rows = (MatchingFund.objects.visible_to(user).select_related("region").annotate(may_edit=Exists(editable))
            .order_by("-year", "cancelled_at", "region__code"))
    return rows.filter(year=year) if year else rows


def disbursement_rows(*, user: User, fund_id: int | None = None) -> QuerySet[Disbursement]:
    """The disbursements `user` may see, newest first, with fund, region, park and cluster, and `may_edit`
    (the permission layer, as a sub-select); cancelled ones included (callers label them). One query."""
    editable = Disbursement.objects.editable_by(user).filter(pk=OuterRef("pk"))
    rows = (Disbursement.objects.visible_to(user).select_related("fund", "region", "park", "cluster")
            .annotate(may_edit=Exists(editable)).order_by("-paid_on", "-pk"))
    return rows.filter(fund_id=fund_id) if fund_id else rows
