"""/api/v1/commentary/: the departments' quarterly commentary, scoped like the figures (core.access)."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import ScopedReadOnlyViewSet

from ..filtersets import CommentaryFilterSet
from ..models import GoalRemark, QuarterCommentary
from .serializers import CommentarySerializer


@extend_schema_view(
    list=extend_schema(summary="List quarterly commentary (进展说明)",
                       description="主要进展 / 存在问题 / 下步措施 and 原因及措施 of the clusters the caller may see, "
                                   "filtered by cluster, department, year, quarter and status."),
    retrieve=extend_schema(summary="One cluster's commentary on one quarter"),
)
class CommentaryViewSet(ScopedReadOnlyViewSet):
    """Read only: the commentary is written, submitted and reviewed on the pages, with the quarter's figures."""

    queryset = QuarterCommentary.objects.select_related("cluster").prefetch_related(
        Prefetch("remarks", queryset=GoalRemark.objects.order_by("goal_id")))
    serializer_class = CommentarySerializer
    filterset_class = CommentaryFilterSet
    ordering_fields = ["year", "quarter", "cluster", "updated_at", "id"]
