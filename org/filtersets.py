"""Query-string filters of the org endpoints (regions, departments)."""

from core.api.filters import BooleanFilter, FilterSet, id_filter, text_filter

from .models import Department, Region


class RegionFilterSet(FilterSet):
    code = text_filter("Region code, e.g. `heishan` (区域代码).")

    class Meta:
        model = Region
        fields = ["kind", "code"]


class DepartmentFilterSet(FilterSet):
    code = text_filter("Department code, e.g. `nlb` (部门代码).")
    region = id_filter("region_id", "Id of the region a government belongs to (所属区域).")
    is_placeholder = BooleanFilter(help_text="Only placeholders the plan does not name (待定).")

    class Meta:
        model = Department
        fields = ["kind", "code", "region", "is_placeholder"]
