from django.contrib import admin

from core.admin import ChildInline, ScopedAdmin

from .models import InvestmentInflow, InvestmentTarget, Project, ProjectStageMove


class StageMoveInline(ChildInline):
    model = ProjectStageMove
    fields = ("from_stage", "to_stage", "moved_on", "note", "moved_by")


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = ("name", "cluster", "stage", "stage_since", "is_key", "origin", "planned_amount", "currency",
                    "capacity", "capacity_unit", "is_demo")
    list_filter = ("stage", "is_key", "origin", "channel", "is_demo")
    search_fields = ("name", "investor")
    inlines = [StageMoveInline]


@admin.register(ProjectStageMove)
class ProjectStageMoveAdmin(ScopedAdmin):
    list_display = ("project", "from_stage", "to_stage", "moved_on")


@admin.register(InvestmentTarget)
class InvestmentTargetAdmin(ScopedAdmin):
    list_display = ("year", "origin", "amount", "currency")


@admin.register(InvestmentInflow)
class InvestmentInflowAdmin(ScopedAdmin):
    list_display = ("year", "quarter", "region", "origin", "amount", "currency", "is_demo")
    list_filter = ("year", "quarter", "origin", "region")
