"""Clusters (read) and quarterly figures (read, create, update, submit, approve, return).

Thin: parse with a serializer, call a selector or a `clusters.services` function, render. Every
queryset is `visible_to(request.user)`; who may write what is decided by the services, whose
exceptions core.api.exceptions turns into 400 / 403 / 409.
"""
from collections.abc import Sequence

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import services
from clusters.filtersets import ClusterFilterSet, FigureFilterSet
from clusters.models import Cluster, QuarterlyFigure
from core.api.views import ScopedQuerysetMixin, ScopedReadOnlyViewSet
from org.models import Department, Region
from progress.selectors import latest_cluster_quarters, pending_clusters

from .serializers import (
    ClusterSerializer,
    FigureCreateSerializer,
    FigureReturnSerializer,
    FigureSerializer,
    FigureTransitionSerializer,
    FigureUpdateSerializer,
    LatestProgressSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List clusters (产业集群) with their latest progress",
                       description="The clusters the caller may see, each with its latest rolled-up quarter."),
    retrieve=extend_schema(summary="One cluster with its latest progress"),
)
class ClusterViewSet(ScopedReadOnlyViewSet):
    queryset = Cluster.objects.prefetch_related(
        Prefetch("regions", queryset=Region.objects.only("pk").order_by("pk")),
        Prefetch("supporting_departments", queryset=Department.objects.only("pk").order_by("pk")),
    )
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    ordering_fields = ["code", "level", "name_zh", "id"]

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._serialize(page))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(self._serialize([self.get_object()])[0])

    def _serialize(self, clusters: Sequence[Cluster]) -> Sequence[dict]:
        ids = [cluster.pk for cluster in clusters]
        latest = latest_cluster_quarters(ids)
        latest_data = LatestProgressSerializer(list(latest.values()), many=True).data
        context = {**self.get_serializer_context(), "latest": dict(zip(latest, latest_data, strict=True)),
                   "pending": pending_clusters(ids)}
        return ClusterSerializer(clusters, many=True, context=context).data


_JSON_ONLY = [JSONRenderer]


@extend_schema_view(
    list=extend_schema(summary="List quarterly figures (季度数据)",
                       description="Figures of the clusters the caller may see, filtered and ordered."),
    retrieve=extend_schema(summary="One quarterly figure"),
    create=extend_schema(
        summary="Enter a figure (录入, editors in scope)", request=FigureCreateSerializer,
        responses={201: FigureSerializer},
        description="Creates a draft for a cluster (or one of its enterprises) the caller may edit. "
                    "400 for invalid values; 404 (naming the field) for a cluster or enterprise that does not "
                    "exist or is hidden; 403 outside the caller's scope; 409 for a quarter already reported "
                    "(`already_reported`), a cluster reporting the other way that quarter (`reporting_mode`) "
                    "or a quarter not over yet (`quarter_not_over`)."),
    partial_update=extend_schema(
        summary="Change a draft or returned figure (修改)", request=FigureUpdateSerializer,
        responses={200: FigureSerializer},
        description="Send the `version` you read and at least one value to change. 409 if someone saved it "
                    "meanwhile (`version_conflict`, the body names `current_version`) or if it is submitted or "
                    "approved (`locked`)."),
)
class FigureViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Quarterly figures. No PUT (send only what changes, with PATCH) and no DELETE: a figure entered in
    error is corrected or returned, so its history stays whole."""

    queryset = QuarterlyFigure.objects.all()
    serializer_class = FigureSerializer
    filterset_class = FigureFilterSet
    ordering_fields = ["year", "quarter", "cluster", "output_value", "updated_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request) -> Response:
        params = FigureCreateSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        figure = services.figure_create(user=request.user, **params.validated_data)
        return Response(FigureSerializer(figure).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        figure = self.get_object()
        params = FigureUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        changes = dict(params.validated_data)
        version = changes.pop("version")
        figure = services.figure_update(user=request.user, figure_id=figure.pk, expected_version=version, **changes)
        return Response(FigureSerializer(figure).data)

    def get_renderers(self):
        # Spreadsheets are for reading lists; a write answers in JSON.
        if self.action in ("create", "partial_update"):
            return [JSONRenderer()]
        return super().get_renderers()

    def _transition(self, request: Request, serializer_class, service) -> Response:
        figure = self.get_object()
        params = serializer_class(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        figure = service(user=request.user, figure_id=figure.pk, expected_version=data.pop("version"), **data)
        return Response(FigureSerializer(figure).data)

    @extend_schema(summary="Submit for review (报送, editors in scope)", operation_id="figures_submit",
                   request=FigureTransitionSerializer,
                   responses={200: FigureSerializer},
                   description="A draft or returned figure becomes submitted. 409 on a stale `version`, on any "
                               "other status (`status`), or for an outlier against the same quarter last year "
                               "whose note does not explain it (`explanation_needed`).")
    @action(detail=True, methods=["post"], renderer_classes=_JSON_ONLY)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, FigureTransitionSerializer, services.figure_submit)

    @extend_schema(summary="Approve (审核通过, planners)", operation_id="figures_approve",
                   request=FigureTransitionSerializer,
                   responses={200: FigureSerializer},
                   description="A submitted figure becomes approved and counts in the roll-up. 403 unless planner; "
                               "409 on a stale `version` or a figure that is not submitted (`status`).")
    @action(detail=True, methods=["post"], renderer_classes=_JSON_ONLY)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, FigureTransitionSerializer, services.figure_approve)

    @extend_schema(summary="Return or reopen (退回, planners)", operation_id="figures_return",
                   request=FigureReturnSerializer,
                   responses={200: FigureSerializer},
                   description="A submitted figure is sent back, or an approved one reopened, with a reason. "
                               "403 unless planner; 409 on a stale `version` or another status (`status`).")
    @action(detail=True, methods=["post"], url_path="return", url_name="return", renderer_classes=_JSON_ONLY)
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, FigureReturnSerializer, services.figure_return)
