"""/api/v1/scenarios/: the planners' named what-if scenarios with their result (read only; saved on the pages).

Scoped by the permission layer like every endpoint: no department reaches a scenario, so department users and
their API clients get an empty list; planners, superusers and city-wide API clients read them."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ScopedQuerysetMixin
from progress.api.views import GoalQuerySerializer
from progress.selectors import latest_period

from ..models import Scenario
from ..selectors import scenario_results
from .serializers import ScenarioSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Scenarios (情景): planners' named what-ifs with their result",
        description="The scenarios not archived, each with its assumptions and the goals whose status (trend + "
                    "pipeline) it changes against the official projection. Scenarios never enter /api/v1/goals/.",
        parameters=[GoalQuerySerializer]),  # the same ?year= as goals/
    retrieve=extend_schema(summary="One scenario with its result", parameters=[GoalQuerySerializer]),
)
class ScenarioViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    queryset = Scenario.objects.filter(archived_at__isnull=True).select_related(
        "project", "cluster", "created_by", "updated_by")
    serializer_class = ScenarioSerializer
    ordering_fields = ["name", "updated_at", "id"]
    ordering = ["name", "id"]

    def _year(self) -> int:
        params = GoalQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data.get("year") or latest_period()[0]

    def _rows(self, scenarios, year: int) -> list[dict]:
        """What the serializer reads: each scenario with its result for `year`."""
        return [{"scenario": r.scenario, "year": year, "computable": r.flips is not None,
                 "goals_flipped": None if r.flips is None else len(r.flips), "flips": r.flips}
                for r in scenario_results(user=self.request.user, year=year, scenarios=scenarios)]

    def list(self, request: Request, *args, **kwargs) -> Response:
        year = self._year()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(self._rows(page, year), many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        year = self._year()
        [row] = self._rows([self.get_object()], year)
        return Response(self.get_serializer(row).data)
