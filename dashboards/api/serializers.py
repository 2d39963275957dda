"""A dashboard's charts as JSON: what /api/v1/dashboards/… answers and what the page embeds on first render.

One representation for both (`dashboard_data`): the page's `json_script` block and the endpoint static/js/charts.js
fetches when the period changes are the same serializer's output, so a number reaches the screen by one path.
Decimals travel as exact strings ("123.45"), in the ECharts option as in the table; dates as ISO dates.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.formats import cell

from ..charts import Chart
from ..period import Period


def plain(value: object) -> object:
    """`value` with every Decimal an exact string, every date an ISO date and every lazy text a string."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


@extend_schema_field({"type": "object", "additionalProperties": True,
                      "description": "The Apache ECharts option, ready for `setOption` (numbers as exact strings)."})
class OptionField(serializers.Field):
    def to_representation(self, value: dict) -> dict:
        return plain(value)


@extend_schema_field({"type": "array", "items": {"type": "array", "items": {}},
                      "description": "One list per row: decimals as exact strings, dates as ISO dates, "
                                     "null for an empty cell."})
class RowsField(serializers.Field):
    def to_representation(self, value: Sequence[Sequence]) -> list:
        return [plain(list(row)) for row in value]


@extend_schema_field({"type": "array", "items": {"type": "array", "items": {"type": "string"}},
                      "description": "The same rows as the page shows them (amounts with separators, — for empty)."})
class CellsField(serializers.Field):
    def to_representation(self, value: Sequence[Sequence]) -> list:
        return [[cell(item) for item in row] for row in value]


class DashboardTableSerializer(serializers.Serializer):
    """The table behind a chart: its text alternative and its download."""

    title = serializers.CharField(help_text="The table's title (its download's sheet title).")
    headers = serializers.ListField(child=serializers.CharField(),
                                    help_text="Column headings, in the request's language.")
    rows = RowsField()
    cells = CellsField(source="rows")


class DashboardChartSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Names the chart in the page (`?chart=<key>&export=csv`).")
    title = serializers.CharField(help_text="The chart's heading; it says so when demo rows fed it.")
    note = serializers.CharField(help_text="How to read the chart (may be empty).")
    demo = serializers.BooleanField(help_text="Demo rows fed the chart (演示数据).")
    kind = serializers.CharField(help_text="bar, line, pie or funnel.")
    height = serializers.IntegerField(allow_null=True, help_text="px, for charts whose size follows their rows.")
    empty = serializers.BooleanField(help_text="Nothing to draw for this period.")
    option = OptionField()
    table = DashboardTableSerializer(help_text="The table behind the chart.")


class DashboardPeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The year shown.")
    quarter = serializers.IntegerField(help_text="The quarter shown, 1–4.")
    unapproved = serializers.BooleanField(source="include_unapproved",
                                          help_text="Submitted figures awaiting review are included.")
    label = serializers.CharField(source="as_quarter.label",
                                  help_text="The quarter as the page names it (2015年第3季度).")


class DashboardSerializer(serializers.Serializer):
    """A dashboard for one period: the period actually shown (the latest rolled-up quarter where the query is
    silent) and its charts, in page order."""

    period = DashboardPeriodSerializer(help_text="The period the charts show.")
    charts = DashboardChartSerializer(many=True, help_text="The page's charts, in page order.")


class MapDashboardSerializer(DashboardSerializer):
    map = OptionField(help_text="What static/js/map.js draws: choropleth layers, point overlays, own districts.")


def dashboard_data(period: Period, charts: Sequence[Chart], **extra: object) -> dict:
    """The JSON of a dashboard (`DashboardSerializer`, or `MapDashboardSerializer` with `map=`)."""
    serializer = MapDashboardSerializer if "map" in extra else DashboardSerializer
    return serializer({"period": period, "charts": charts, **extra}).data
