from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import ScopedReadOnlyViewSet
from org.filtersets import DepartmentFilterSet, RegionFilterSet
from org.models import Department, Region

from .serializers import DepartmentSerializer, RegionSerializer


@extend_schema_view(
    list=extend_schema(summary="List regions (区域)", description="The ten territorial units; every signed-in user "
                       "sees all of them."),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "kind", "name_zh", "id"]


@extend_schema_view(
    list=extend_schema(summary="List departments (部门)", description="Commissions, support departments and "
                       "county/district governments; every signed-in user sees all of them."),
    retrieve=extend_schema(summary="One department"),
)
class DepartmentViewSet(ScopedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    ordering_fields = ["code", "kind", "name_zh", "id"]
