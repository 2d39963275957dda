"""Query-string filters of /api/v1/commentary/ (ids as plain integers, as every endpoint: see clusters.filtersets)."""
from core.api.filters import FilterSet, id_filter, quarter_filter, text_filter, year_filter

from .models import QuarterCommentary


class CommentaryFilterSet(FilterSet):
    cluster = id_filter("cluster_id", "Id of the cluster (产业集群).")
    cluster_code = text_filter("Code of the cluster, e.g. `pv`.", field_name="cluster__code")
    department = id_filter("cluster__responsible_department_id",
                           "Id of the cluster's responsible department (责任部门).")
    year = year_filter()
    quarter = quarter_filter()

    class Meta:
        model = QuarterCommentary
        fields = ["cluster", "cluster_code", "department", "year", "quarter", "status"]
