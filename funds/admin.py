from django.contrib import admin
from django.http import HttpRequest

from core.admin import ScopedAdmin

from .models import Disbursement, Fund, MatchingFund


@admin.register(Fund)
class FundAdmin(ScopedAdmin):
    list_display = ("name_zh", "amount_wan", "year", "managing_department", "requires_matching_fund")


class EnteredOnThePages(ScopedAdmin):
    """Read-only here: matching funds and disbursements are entered, corrected and cancelled on the funds
    pages, whose services re-check the matching-fund rule under a lock, compare versions (no lost update)
    and record the reason."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MatchingFund)
class MatchingFundAdmin(EnteredOnThePages):
    list_display = ("region", "year", "amount_wan", "established_on", "cancelled_at", "is_demo")


@admin.register(Disbursement)
class DisbursementAdmin(EnteredOnThePages):
    list_display = ("fund", "region", "park", "cluster", "amount_wan", "paid_on", "cancelled_at", "is_demo")
    list_filter = ("fund", "region")
