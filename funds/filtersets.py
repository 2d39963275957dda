"""Query-string filters of the funds endpoints (funds, disbursements)."""

from core.api.filters import DateFilter, FilterSet, id_filter, text_filter, year_filter

from .models import Disbursement, Fund


class FundFilterSet(FilterSet):
    code = text_filter("Fund code (资金代码).")
    year = year_filter()
    managing_department = id_filter("managing_department_id", "Id of the managing department (管理部门).")

    class Meta:
        model = Fund
        fields = ["code", "year", "managing_department", "requires_matching_fund"]


class DisbursementFilterSet(FilterSet):
    fund = id_filter("fund_id", "Id of the fund paid from (资金).")
    region = id_filter("region_id", "Id of the recipient region (受益区域).")
    park = id_filter("park_id", "Id of the park (园区).")
    cluster = id_filter("cluster_id", "Id of the cluster (产业集群).")
    paid_from = DateFilter(field_name="paid_on", lookup_expr="gte", help_text="Paid on or after.")
    paid_to = DateFilter(field_name="paid_on", lookup_expr="lte", help_text="Paid on or before.")

    class Meta:
        model = Disbursement
        fields = ["fund", "region", "park", "cluster", "paid_from", "paid_to"]
