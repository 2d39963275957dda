from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import ScopedReadOnlyViewSet
from investment.filtersets import InflowFilterSet, ProjectFilterSet
from investment.models import InvestmentInflow, Project, ProjectStageMove

from .serializers import InflowSerializer, ProjectSerializer


@extend_schema_view(
    list=extend_schema(summary="List investment projects (招商项目) with their stage history"),
    retrieve=extend_schema(summary="One project with its stage history"),
)
class ProjectViewSet(ScopedReadOnlyViewSet):
    queryset = Project.objects.prefetch_related(
        Prefetch("stage_moves", queryset=ProjectStageMove.objects.order_by("moved_on", "pk")))
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["name", "stage", "planned_amount", "stage_since", "id"]


@extend_schema_view(
    list=extend_schema(summary="List investment inflows (实际到位资金) per region and quarter"),
    retrieve=extend_schema(summary="One investment inflow"),
)
class InflowViewSet(ScopedReadOnlyViewSet):
    queryset = InvestmentInflow.objects.all()
    serializer_class = InflowSerializer
    filterset_class = InflowFilterSet
    ordering_fields = ["year", "quarter", "region", "amount", "id"]
