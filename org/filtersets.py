"""Query-string filters of the org endpoints (regions, departments)."""
import django_filters

from core.api.filters import id_filter

from .models import Department, Region


class RegionFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(help_text="Region code, e.g. `heishan` (区域代码).")

    class Meta:
        model = Region
        fields = ["kind", "code"]


class DepartmentFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(help_text="Department code, e.g. `nlb` (部门代码).")
    region = id_filter("region_id", "Id of the region a government belongs to (所属区域).")
    is_placeholder = django_filters.BooleanFilter(help_text="Only placeholders the plan does not name (待定).")

    class Meta:
        model = Department
        fields = ["kind", "code", "region", "is_placeholder"]
