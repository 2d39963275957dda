"""Roll-up tables are read-only in the admin (only the roll-up writes them); planners set the weights."""
from django.contrib import admin

from core import access
from core.admin import ScopedAdmin

from .models import AssessmentWeight, IndicatorProgress, InflowProgress, Progress, RollupMark


class PlannerOnly:
    def has_module_permission(self, request) -> bool:
        return access.may(request.user, "administer") and access.may(request.user, "manage-plan")

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


class ReadOnlyAdmin(PlannerOnly, admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AssessmentWeight)
class AssessmentWeightAdmin(PlannerOnly, ScopedAdmin):
    """Planners change the weights (through the kernel's write service, like every admin save)."""

    list_display = ("criterion", "weight")

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdmin):
    list_display = ("scope", "scope_id", "year", "quarter", "value", "ytd_value", "yoy_growth", "computed_at")
    list_filter = ("scope", "year", "quarter")


@admin.register(InflowProgress)
class InflowProgressAdmin(ReadOnlyAdmin):
    list_display = ("year", "quarter", "origin", "value", "ytd_value", "target", "computed_at")


@admin.register(IndicatorProgress)
class IndicatorProgressAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "year", "quarter", "value_percent", "target_percent", "met")


@admin.register(RollupMark)
class RollupMarkAdmin(ReadOnlyAdmin):
    list_display = ("cluster", "year", "version", "done_version", "changed_at")
    list_filter = ("year",)
