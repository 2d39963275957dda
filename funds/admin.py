from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Disbursement, Fund, MatchingFund


@admin.register(Fund)
class FundAdmin(ScopedAdmin):
    list_display = ("name_zh", "amount_wan", "year", "managing_department", "requires_matching_fund")


@admin.register(MatchingFund)
class MatchingFundAdmin(ScopedAdmin):
    list_display = ("region", "year", "amount_wan", "established_on", "is_demo")


@admin.register(Disbursement)
class DisbursementAdmin(ScopedAdmin):
    list_display = ("fund", "region", "park", "cluster", "amount_wan", "paid_on", "is_demo")
    list_filter = ("fund", "region")
