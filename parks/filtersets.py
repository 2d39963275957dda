"""Query-string filters of the parks endpoint."""

from core.api.filters import BooleanFilter, FilterSet, id_filter, text_filter

from .models import Park


class ParkFilterSet(FilterSet):
    code = text_filter("Park code (园区代码).")
    region = id_filter("region_id", "Id of the park's region (所在区域).")
    responsible_department = id_filter("responsible_department_id", "Id of its competent department (主管部门).")
    leading_cluster = id_filter("leading_cluster_id", "Id of its leading cluster (主导集群).")
    is_placeholder = BooleanFilter(help_text="Only parks the plan does not name (待定).")

    class Meta:
        model = Park
        fields = ["code", "region", "responsible_department", "leading_cluster", "is_placeholder"]
