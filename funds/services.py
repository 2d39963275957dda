"""Writes to funds: disbursements and county matching funds, each in one transaction.

A disbursement is validated by `Disbursement.full_clean()`, which enforces the plan's rule (a fund
that requires a county matching fund pays nothing to a region without one for the year) and never
lets a fund pay out more than its amount. The fund's row is locked first, so two payouts cannot
both pass the total check.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clusters.models import Cluster
from core import access
from core.exceptions import PermissionDenied, ValidationError
from org.models import Region, User
from parks.models import Park

from .models import Disbursement, Fund, MatchingFund


@transaction.atomic
def disbursement_create(*, user: User, fund: Fund, region: Region, amount_wan: Decimal, paid_on: date,
                        purpose: str, park: Park | None = None, cluster: Cluster | None = None) -> Disbursement:
    """Record a payment from a fund the user may manage (its managing department, or a planner)."""
    if not access.can_edit(user, fund):
        raise PermissionDenied(_("You may not record payments from this fund."))
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    if park is not None and park.region_id != region.pk:
        raise ValidationError({"park": _("This park is not in the recipient region.")})
    disbursement = Disbursement(fund=fund, region=region, park=park, cluster=cluster, amount_wan=amount_wan,
                                paid_on=paid_on, purpose=purpose.strip())
    disbursement.full_clean()
    disbursement._change_reason = "disbursed"
    disbursement._history_user = user
    disbursement.save()
    return disbursement


@transaction.atomic
def matching_fund_record(*, user: User, region: Region, year: int, amount_wan: Decimal,
                         established_on: date) -> MatchingFund:
    """A county/district records its own matching fund for a year (its government, or a planner)."""
    matching = MatchingFund(region=region, year=year, amount_wan=amount_wan, established_on=established_on)
    matching.full_clean()
    matching._change_reason = "matching fund recorded"
    matching._history_user = user
    matching.save()
    # Asked of the saved row, so the permission layer decides for a new row as for an existing one;
    # raising here rolls the insert back.
    if not access.can_edit(user, matching):
        raise PermissionDenied(_("You may not record a matching fund for this region."))
    return matching
