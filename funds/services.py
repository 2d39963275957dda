"""Writes to funds: disbursements and county matching funds, each in one transaction.

A disbursement is validated by `Disbursement.full_clean()`, which enforces the plan's rule (a fund
that requires a county matching fund pays nothing to a region without one for the year) and never
lets a fund pay out more than its amount. The fund's row is locked first, so two payouts cannot
both pass the total check.

Corrections (`disbursement_update`, `matching_fund_update`) and cancellations (`disbursement_cancel`,
`matching_fund_cancel`) lock the row and check `access.may(user, "edit", row)` (`core.writes`), refuse a
stale write (the caller passes the `version` it read; `VersionConflict` carries the current row and nothing
is saved), re-check the rule and write the change with its reason into the row's history. A cancelled row
is kept (with its history) and counts nowhere. A matching fund cannot be moved to another year or cancelled
while payments in force from a fund that requires one rely on it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from core import access
from core.exceptions import PermissionDenied, ValidationError
from core.writes import locked_for_change, save_change
from org.models import Region, User
from parks.models import Park

from .models import Disbursement, Fund, MatchingFund, matching_fund_rule_message


@transaction.atomic
def disbursement_create(*, user: User, fund: Fund, region: Region, amount_wan: Decimal, paid_on: date,
                        purpose: str, park: Park | None = None, cluster: Cluster | None = None) -> Disbursement:
    """Record a payment from a fund the user may manage (its managing department, or a planner)."""
    if not access.may(user, "manage-funds", fund):
        raise PermissionDenied(_("You may not record payments from this fund."))
    Fund.objects.select_for_update().filter(pk=fund.pk).first()
    _lock_region(region.pk)
    if park is not None and park.region_id != region.pk:
        raise ValidationError({"park": _("This park is not in the recipient region.")})
    disbursement = Disbursement(fund=fund, region=region, park=park, cluster=cluster, amount_wan=amount_wan,
                                paid_on=paid_on, purpose=purpose.strip())
    return save_change(disbursement, user=user, reason="disbursed")


@transaction.atomic
def matching_fund_record(*, user: User, region: Region, year: int, amount_wan: Decimal,
                         established_on: date) -> MatchingFund:
    """A county/district records its own matching fund for a year (its government, or a planner)."""
    matching = save_change(MatchingFund(region=region, year=year, amount_wan=amount_wan,
                                        established_on=established_on), user=user, reason="matching fund recorded")
    # Asked of the saved row, so the permission layer decides for a new row as for an existing one;
    # raising here rolls the insert back.
    if not access.may(user, "edit", matching):
        raise PermissionDenied(_("You may not record a matching fund for this region."))
    return matching


def _lock_region(*region_ids: int) -> None:
    # Payments to a region and changes to its matching funds take this lock, so a payment cannot pass the
    # matching-fund check while the matching fund it relies on is being moved or cancelled.
    list(Region.objects.select_for_update().filter(pk__in=region_ids).order_by("pk").values_list("pk", flat=True))


def _locked(model, *, user: User, pk: int, expected_version: int, refusal: str):
    """The row, locked; refused unless the user may edit it, it is still the version the user read and it
    is in force."""
    obj = locked_for_change(model, pk, user=user, action="edit", expected_version=expected_version, refusal=refusal)
    if obj.is_cancelled:
        raise ValidationError({NON_FIELD_ERRORS: _("This entry was cancelled; it can no longer be changed.")})
    return obj


def _save_change(obj, *, reason: str, user: User) -> None:
    """Save `obj` as a person's change: real data now, checked again, the next version, the reason in its
    history."""
    obj.is_demo = False
    save_change(obj, user=user, reason=reason)


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"cancel_reason": _("Give the reason for cancelling.")})
    return reason


def _correct(row, *, user: User, changes: dict) -> None:
    """Apply `changes` to a locked row, check every rule again (`full_clean`) and save it with a "corrected"
    history entry; nothing happens when nothing differs."""
    if all(getattr(row, name) == value for name, value in changes.items()):
        return
    for name, value in changes.items():
        setattr(row, name, value)
    _save_change(row, reason="corrected", user=user)


@transaction.atomic
def disbursement_update(*, user: User, disbursement_id: int, expected_version: int, region: Region,
                        amount_wan: Decimal, paid_on: date, purpose: str, park: Park | None = None,
                        cluster: Cluster | None = None) -> Disbursement:
    """Correct a payment (its fund stays): the same rules as when it was recorded, checked again."""
    fund_id = Disbursement.objects.filter(pk=disbursement_id).values_list("fund_id", flat=True).first()
    Fund.objects.select_for_update().filter(pk=fund_id).first()  # as in disbursement_create: totals serialised
    disbursement = _locked(Disbursement, user=user, pk=disbursement_id, expected_version=expected_version,
                           refusal=_("You may not change payments from this fund."))
    _lock_region(region.pk, disbursement.region_id)
    if park is not None and park.region_id != region.pk:
        raise ValidationError({"park": _("This park is not in the recipient region.")})
    _correct(disbursement, user=user, changes={"region": region, "park": park, "cluster": cluster,
                                               "amount_wan": amount_wan, "paid_on": paid_on,
                                               "purpose": purpose.strip()})
    return disbursement


@transaction.atomic
def disbursement_cancel(*, user: User, disbursement_id: int, expected_version: int, reason: str) -> Disbursement:
    """Cancel a payment entered by mistake; it is kept with its history but counts nowhere any more."""
    reason = _reason(reason)
    disbursement = _locked(Disbursement, user=user, pk=disbursement_id, expected_version=expected_version,
                           refusal=_("You may not change payments from this fund."))
    disbursement.cancelled_at = timezone.now()
    disbursement.cancel_reason = reason
    _save_change(disbursement, reason=f"cancelled: {reason}", user=user)
    return disbursement


def _check_no_payment_relies_on(matching: MatchingFund) -> None:
    """Refuse (the plan's rule) if payments in force need this matching fund for its current year."""
    relying = Disbursement.objects.in_force().filter(
        region_id=matching.region_id, paid_on__year=matching.year, fund__requires_matching_fund=True)
    if relying.exists():
        raise ValidationError({"year": _(
            "%(count)s payment(s) to %(region)s in %(year)s come from funds that require a county matching fund; "
            "cancel or correct them first.") % {"count": relying.count(), "region": matching.region,
                                                "year": matching.year}
            + " " + matching_fund_rule_message(matching.region, matching.year)})


@transaction.atomic
def matching_fund_update(*, user: User, matching_fund_id: int, expected_version: int, year: int,
                         amount_wan: Decimal, established_on: date) -> MatchingFund:
    """Correct a county's matching fund (its region stays). Moving it to another year is refused while
    payments of its old year rely on it."""
    matching = _locked(MatchingFund, user=user, pk=matching_fund_id, expected_version=expected_version,
                       refusal=_("You may not change this region's matching fund."))
    _lock_region(matching.region_id)
    if year != matching.year:
        _check_no_payment_relies_on(matching)
    _correct(matching, user=user, changes={"year": year, "amount_wan": amount_wan, "established_on": established_on})
    return matching


@transaction.atomic
def matching_fund_cancel(*, user: User, matching_fund_id: int, expected_version: int, reason: str) -> MatchingFund:
    """Withdraw a matching fund recorded by mistake, unless payments of its year rely on it."""
    reason = _reason(reason)
    matching = _locked(MatchingFund, user=user, pk=matching_fund_id, expected_version=expected_version,
                       refusal=_("You may not change this region's matching fund."))
    _lock_region(matching.region_id)
    _check_no_payment_relies_on(matching)
    matching.cancelled_at = timezone.now()
    matching.cancel_reason = reason
    _save_change(matching, reason=f"cancelled: {reason}", user=user)
    return matching
