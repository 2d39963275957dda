"""Query-string filters of the investment endpoints (projects, inflows)."""
import django_filters

from core.api.filters import BooleanFilter, FilterSet, id_filter, quarter_filter, year_filter

from .models import InvestmentInflow, Project


class ProjectFilterSet(FilterSet):
    cluster = id_filter("cluster_id", "Id of the project's cluster (所属集群).")
    park = id_filter("park_id", "Id of the project's park (所在园区).")
    region = id_filter("region_id", "Id of the project's region (所在区域).")
    responsible_department = id_filter("responsible_department_id", "Id of its responsible department.")
    is_key = BooleanFilter(help_text="Only key projects (重点项目).")
    stage_min = django_filters.TypedChoiceFilter(
        field_name="stage", lookup_expr="gte", coerce=int, choices=Project._meta.get_field("stage").choices,
        help_text="Projects at this stage or later (阶段不低于).")

    class Meta:
        model = Project
        fields = ["cluster", "park", "region", "responsible_department", "stage", "stage_min", "origin", "currency",
                  "channel", "is_key"]


class InflowFilterSet(FilterSet):
    region = id_filter("region_id", "Id of the receiving region (区域).")
    year = year_filter()
    quarter = quarter_filter()

    class Meta:
        model = InvestmentInflow
        fields = ["region", "year", "quarter", "origin", "currency"]
