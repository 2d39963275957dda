from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import ScopedReadOnlyViewSet
from parks.filtersets import ParkFilterSet
from parks.models import Park, ParkReadinessItem

from .serializers import ParkSerializer


@extend_schema_view(
    list=extend_schema(summary="List parks (园区) with their 七通一平 items"),
    retrieve=extend_schema(summary="One park with its 七通一平 items"),
)
class ParkViewSet(ScopedReadOnlyViewSet):
    queryset = Park.objects.prefetch_related(
        Prefetch("readiness_items", queryset=ParkReadinessItem.objects.order_by("kind")))
    serializer_class = ParkSerializer
    filterset_class = ParkFilterSet
    ordering_fields = ["code", "name", "area_km2", "factory_built_m2", "id"]
