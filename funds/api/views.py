from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import ScopedReadOnlyViewSet
from funds.filtersets import DisbursementFilterSet, FundFilterSet
from funds.models import Disbursement, Fund

from .serializers import DisbursementSerializer, FundSerializer


@extend_schema_view(
    list=extend_schema(summary="List the plan's funds (专项资金)", description="City-wide: every signed-in user."),
    retrieve=extend_schema(summary="One fund"),
)
class FundViewSet(ScopedReadOnlyViewSet):
    queryset = Fund.objects.all()
    serializer_class = FundSerializer
    filterset_class = FundFilterSet
    ordering_fields = ["code", "year", "amount_wan", "id"]


@extend_schema_view(
    list=extend_schema(summary="List disbursements (拨付)", description=(
        "Payments the caller may see: to its region, from a fund it manages, or for its park or cluster. "
        "Payments cancelled as entered by mistake are left out.")),
    retrieve=extend_schema(summary="One disbursement"),
)
class DisbursementViewSet(ScopedReadOnlyViewSet):
    queryset = Disbursement.objects.in_force()
    serializer_class = DisbursementSerializer
    filterset_class = DisbursementFilterSet
    ordering_fields = ["paid_on", "amount_wan", "id"]
