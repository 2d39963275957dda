"""Query-string filters of the clusters endpoints (clusters, figures, goals).

Foreign keys are filtered by id as plain integers, never as model choices: a choice field would
answer 400 for a cluster that exists but is hidden and 200 for a visible one, telling the two apart.
"""

from core.api.filters import BooleanFilter, FilterSet, id_filter, quarter_filter, text_filter, year_filter

from .models import Cluster, QuarterlyFigure, StageGoal


class ClusterFilterSet(FilterSet):
    code = text_filter("Cluster code, e.g. `pv` (集群代码).")
    region = id_filter("regions", "Id of a region the cluster lies in (所在区域).")
    responsible_department = id_filter("responsible_department_id", "Id of the responsible department (责任部门).")
    is_placeholder = BooleanFilter(help_text="Only clusters the plan does not name (待定).")

    class Meta:
        model = Cluster
        fields = ["code", "level", "region", "responsible_department", "is_placeholder"]


class FigureFilterSet(FilterSet):
    cluster = id_filter("cluster_id", "Id of the cluster (产业集群).")
    cluster_code = text_filter("Code of the cluster, e.g. `pv`.", field_name="cluster__code")
    enterprise = id_filter("enterprise_id", "Id of the reporting enterprise (企业).")
    by_enterprise = BooleanFilter(
        field_name="enterprise", lookup_expr="isnull", exclude=True,
        help_text="true: only enterprises' figures; false: only figures of a cluster as a whole.")
    year = year_filter()
    year_min = year_filter("From this year on (起始年份).", lookup_expr="gte")
    year_max = year_filter("Up to this year (截止年份).", lookup_expr="lte")
    quarter = quarter_filter()

    class Meta:
        model = QuarterlyFigure
        fields = ["cluster", "cluster_code", "enterprise", "by_enterprise", "year", "year_min", "year_max",
                  "quarter", "status", "source"]


class GoalFilterSet(FilterSet):
    cluster = id_filter("cluster_id", "Id of the goal's cluster (count goals have none).")
    deadline_year = year_filter("The year the goal is due (目标年份).", field_name="deadline_year")

    class Meta:
        model = StageGoal
        fields = ["stage", "kind", "cluster", "deadline_year"]
