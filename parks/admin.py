from django.contrib import admin

from core.admin import ChildInline, RealEditAdmin, ScopedAdmin

from .models import Park, ParkReadinessItem, StandardFactoryProgramme


class ReadinessInline(ChildInline):
    model = ParkReadinessItem
    fields = ("kind", "status", "deadline", "final_deadline", "completed_on", "note")


@admin.register(Park)
class ParkAdmin(RealEditAdmin):
    list_display = ("name", "region", "responsible_department", "area_km2", "factory_built_m2", "is_placeholder")
    list_filter = ("region", "is_placeholder")
    inlines = [ReadinessInline]


@admin.register(ParkReadinessItem)
class ParkReadinessItemAdmin(RealEditAdmin):
    list_display = ("park", "kind", "status", "deadline", "final_deadline", "completed_on")
    list_filter = ("kind", "status", "park")


@admin.register(StandardFactoryProgramme)
class StandardFactoryProgrammeAdmin(ScopedAdmin):
    list_display = ("year", "target_m2", "budget_wan")
