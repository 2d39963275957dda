from django.contrib import admin

from core.admin import ChildInline, ScopedAdmin

from . import services
from .models import CityIndicator, IndicatorActual


class ActualInline(ChildInline):
    """Actuals feed the indicator roll-up: saved through `services.indicator_actual_save`, which marks it
    (and makes a person's entry real data, so the demo flag is shown, not edited)."""

    model = IndicatorActual
    fields = ("quarter", "value_percent", "is_demo")
    readonly_fields = ("is_demo",)

    def save_row(self, request, row, expected_version) -> None:
        services.indicator_actual_save(user=request.user, actual=row, expected_version=expected_version)

    def delete_row(self, request, row, expected_version=None) -> None:
        services.indicator_actual_delete(user=request.user, actual=row, expected_version=expected_version)


@admin.register(CityIndicator)
class CityIndicatorAdmin(ScopedAdmin):
    """Targets feed the indicator roll-up: saved through `services.indicator_save`, which marks it."""

    list_display = ("name_zh", "year", "comparison", "target_percent")
    inlines = [ActualInline]

    def save_row(self, request, row, expected_version) -> None:
        services.indicator_save(user=request.user, indicator=row, expected_version=expected_version)

    def delete_row(self, request, row, expected_version=None) -> None:
        services.indicator_delete(user=request.user, indicator=row, expected_version=expected_version)
