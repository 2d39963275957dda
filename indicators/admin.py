from django.contrib import admin

from core.admin import ChildInline, ScopedAdmin

from .models import CityIndicator, IndicatorActual


class ActualInline(ChildInline):
    model = IndicatorActual
    fields = ("quarter", "value_percent", "is_demo")


@admin.register(CityIndicator)
class CityIndicatorAdmin(ScopedAdmin):
    list_display = ("name_zh", "year", "comparison", "target_percent")
    inlines = [ActualInline]
