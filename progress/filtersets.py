"""Query-string filters of the progress endpoint (roll-up rows)."""
import django_filters

from core.api.filters import FilterSet, integer_filter, year_filter

from .models import Progress, Scope


class ProgressFilterSet(FilterSet):
    scope = django_filters.ChoiceFilter(choices=Scope.choices, help_text=(
        "cluster (产业集群), region (区域), department (责任部门) or city (全市)."))
    scope_id = integer_filter("scope_id", "Id of the cluster, region or department; 0 for the city.", minimum=0)
    year = year_filter()
    year_min = year_filter("From this year on (起始年份).", lookup_expr="gte")
    year_max = year_filter("Up to this year (截止年份).", lookup_expr="lte")
    quarter = integer_filter("quarter", "Quarter 1–4, or 0 for the whole year (0 = 全年).", minimum=0, maximum=4)

    class Meta:
        model = Progress
        fields = ["scope", "scope_id", "year", "year_min", "year_max", "quarter"]
