from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from progress.models import Scope
from progress.selectors import visible_progress, with_pending

from .serializers import ProgressSerializer


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ProgressFilter(serializers.Serializer):
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    scope_id = serializers.IntegerField(required=False, min_value=0)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(required=False, min_value=0, max_value=4)


class ProgressList(generics.ListAPIView):
    """Roll-up rows by cluster, region, department and city, per quarter (1–4) and year (quarter 0)."""

    serializer_class = ProgressSerializer
    pagination_class = Pagination

    def get_queryset(self):
        params = ProgressFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        rows = visible_progress(self.request.user).filter(**params.validated_data)
        return with_pending(rows).order_by("scope", "scope_id", "year", "quarter")
