from django.contrib import admin

from core.admin import ChildInline, ScopedAdmin

from . import services
from .models import InvestmentInflow, InvestmentTarget, Project, ProjectStageMove


class StageMoveInline(ChildInline):
    """Stage moves are made on the project page through `project_advance_stage`; here they are history."""

    model = ProjectStageMove
    fields = readonly_fields = ("from_stage", "to_stage", "moved_on", "note", "moved_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = ("name", "cluster", "stage", "stage_since", "is_key", "origin", "planned_amount", "currency",
                    "capacity", "capacity_unit", "is_demo")
    list_filter = ("stage", "is_key", "origin", "channel", "is_demo")
    search_fields = ("name", "investor")
    inlines = [StageMoveInline]

    def get_readonly_fields(self, request, obj=None):
        # An existing project changes stage only through the service, which records the move; the demo flag of
        # its expected output is the loader's (a person's entry on the project page clears it).
        return ("stage", "stage_since", "pipeline_is_demo") if obj else ("pipeline_is_demo",)


@admin.register(ProjectStageMove)
class ProjectStageMoveAdmin(ScopedAdmin):
    list_display = ("project", "from_stage", "to_stage", "moved_on")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InvestmentTarget)
class InvestmentTargetAdmin(ScopedAdmin):
    """Targets feed the inflow roll-up: saved through `services.target_save`, which marks it."""

    list_display = ("year", "origin", "amount", "currency")

    def save_row(self, request, row, expected_version) -> None:
        services.target_save(user=request.user, target=row, expected_version=expected_version)

    def delete_row(self, request, row, expected_version=None) -> None:
        services.target_delete(user=request.user, target=row, expected_version=expected_version)


@admin.register(InvestmentInflow)
class InvestmentInflowAdmin(ScopedAdmin):
    """Inflows feed the inflow roll-up: saved through `services.inflow_save`, which marks it (and makes a
    person's entry real data, so the demo flag is shown, not edited)."""

    list_display = ("year", "quarter", "region", "origin", "amount", "currency", "is_demo")
    list_filter = ("year", "quarter", "origin", "region")
    readonly_fields = ("is_demo",)

    def save_row(self, request, row, expected_version) -> None:
        services.inflow_save(user=request.user, inflow=row, expected_version=expected_version)

    def delete_row(self, request, row, expected_version=None) -> None:
        services.inflow_delete(user=request.user, inflow=row, expected_version=expected_version)
