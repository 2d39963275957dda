"""GET /api/v1/inbox/: the caller's inbox, the same items as /inbox/ (notices.inbox). Read-only and
scoped by construction: every provider reads through the permission layer for the caller."""
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from clusters.models import QuarterlyFigure
from notices.inbox import InboxContext

from .serializers import InboxSerializer


@extend_schema(
    summary="Your inbox (待办)",
    description="What the caller has to act on: its returned figures with the reasons, figures awaiting its review "
                "(planners), reporting units that have not submitted a quarter due within 7 days or overdue. "
                "Computed when asked: an item is gone once it is done. Not paginated (a handful of items).",
    responses={200: InboxSerializer},
)
class InboxView(generics.GenericAPIView):
    serializer_class = InboxSerializer
    filter_backends: list = []
    pagination_class = None
    queryset = QuarterlyFigure.objects.none()  # for the schema; the inbox is computed, not queried

    def get(self, request: Request) -> Response:
        context = InboxContext(request.user)
        items = context.items()
        return Response(InboxSerializer({
            "count": len(items), "items": items,
            "reporting_period": {"year": context.state.period.year, "quarter": context.state.period.quarter},
        }).data)
