from django.contrib import admin

from core.admin import ChildInline, ScopedAdmin

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
        # An existing project changes stage only through the service, which records the move.
        return ("stage", "stage_since") if obj else ()


@admin.register(ProjectStageMove)
class ProjectStageMoveAdmin(ScopedAdmin):
    list_display = ("project", "from_stage", "to_stage", "moved_on")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InvestmentTarget)
class InvestmentTargetAdmin(ScopedAdmin):
    list_display = ("year", "origin", "amount", "currency")


@admin.register(InvestmentInflow)
class InvestmentInflowAdmin(ScopedAdmin):
    list_display = ("year", "quarter", "region", "origin", "amount", "currency", "is_demo")
    list_filter = ("year", "quarter", "origin", "region")
