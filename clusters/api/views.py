"""Quarterly figures (read, create, update, submit, approve one or several, return, reopen); clusters, which
carry their latest rolled-up quarter, are served by progress.api.views.ClusterViewSet.

Thin: parse with a serializer, call a selector or a `clusters.services` function, render. Every
queryset is `visible_to(request.user)`; who may write what is decided by the services, whose
exceptions core.api.exceptions turns into 400 / 403 / 409.
"""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import services
from clusters.filtersets import FigureFilterSet
from clusters.models import QuarterlyFigure
from clusters.selectors import with_ytd_check
from core.api.views import ScopedQuerysetMixin

from .serializers import (
    FIGURE_CREATE_BODIES,
    FigureBatchApproveSerializer,
    FigureCreateSerializer,
    FigureResolveYtdSerializer,
    FigureReturnSerializer,
    FigureSerializer,
    FigureTransitionSerializer,
    FigureUpdateSerializer,
)

_JSON_ONLY = [JSONRenderer]


@extend_schema_view(
    list=extend_schema(summary="List quarterly figures (季度数据)",
                       description="Figures of the clusters the caller may see, filtered and ordered."),
    retrieve=extend_schema(summary="One quarterly figure"),
    create=extend_schema(
        summary="Enter a figure (录入, editors in scope)", request=FIGURE_CREATE_BODIES,
        responses={201: FigureSerializer},
        description="Creates a draft for a cluster (or one of its enterprises) the caller may edit, from "
                    "`output_value` (the quarter's own value) or `output_ytd` (累计, the year to date: kept as "
                    "reported, the quarter's own value derived), exactly one of them (400 otherwise). "
                    "400 for invalid values; 404 (naming the field) for a cluster or enterprise that does not "
                    "exist or is hidden; 403 outside the caller's scope; 409 for a quarter already reported "
                    "(`already_reported`), a cluster reporting the other way that quarter (`reporting_mode`) "
                    "or a quarter not over yet (`quarter_not_over`)."),
    partial_update=extend_schema(
        summary="Change a draft or returned figure (修改)", request=FigureUpdateSerializer,
        responses={200: FigureSerializer},
        description="Send the `version` you read and at least one value to change; the output as `output_value` "
                    "or `output_ytd`, not both (400). 409 if someone saved it "
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

    def get_queryset(self):
        # Every figure read here carries its year-to-date check (`flags`), in the same query.
        return with_ytd_check(super().get_queryset())

    def _shown(self, figure: QuarterlyFigure) -> dict:
        """A written figure as the API shows it, read again with its checks (an earlier quarter may disagree)."""
        return FigureSerializer(with_ytd_check(QuarterlyFigure.objects.filter(pk=figure.pk)).get()).data

    def create(self, request: Request) -> Response:
        params = FigureCreateSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        figure = services.figure_create(user=request.user, **params.validated_data)
        return Response(self._shown(figure), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        figure = self.get_object()
        params = FigureUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        changes = dict(params.validated_data)
        version = changes.pop("version")
        figure = services.figure_update(user=request.user, figure_id=figure.pk, expected_version=version, **changes)
        return Response(self._shown(figure))

    def get_renderers(self):
        # Spreadsheets are for reading lists; a write answers in JSON.
        if self.action in ("create", "partial_update", "resolve_ytd"):
            return [JSONRenderer()]
        return super().get_renderers()

    def _transition(self, request: Request, serializer_class, service) -> Response:
        figure = self.get_object()
        params = serializer_class(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        figure = service(user=request.user, figure_id=figure.pk, expected_version=data.pop("version"), **data)
        return Response(self._shown(figure))

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

    @extend_schema(
        summary="Approve several figures at once (批量审核, planners)", operation_id="figures_approve_batch",
        request=FigureBatchApproveSerializer,
        responses={200: FigureSerializer(many=True)},
        description="Every figure named becomes approved, or none does: 409 if any was changed since its `version` "
                    "was read (`stale` lists each with its `current_version`; `errors.figures` says the same in "
                    "words); 403 unless planner, or if the four-eyes rule forbids one (you entered or submitted it); "
                    "409 (`status`) if one is not submitted; 404 if one does not exist or is hidden. The roll-up is "
                    "redone once per cluster and year.")
    @action(detail=False, methods=["post"], url_path="approve-batch", url_name="approve-batch",
            renderer_classes=_JSON_ONLY, parser_classes=[JSONParser], filter_backends=[], pagination_class=None)
    def approve_batch(self, request: Request) -> Response:
        params = FigureBatchApproveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        approved = services.figures_approve(
            user=request.user, versions=[(f["id"], f["version"]) for f in params.validated_data["figures"]])
        return Response(FigureSerializer(approved, many=True).data)

    @extend_schema(summary="Return (退回, planners)", operation_id="figures_return",
                   request=FigureReturnSerializer,
                   responses={200: FigureSerializer},
                   description="A submitted figure is sent back to its editor with a reason. An approved figure "
                               "is reopened instead (`reopen`). 403 unless planner; 409 on a stale `version` or "
                               "another status (`status`).")
    @action(detail=True, methods=["post"], url_path="return", url_name="return", renderer_classes=_JSON_ONLY)
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, FigureReturnSerializer, services.figure_return)

    @extend_schema(summary="Reopen an approved figure (重新打开, planners)", operation_id="figures_reopen",
                   request=FigureReturnSerializer,
                   responses={200: FigureSerializer},
                   description="An approved figure leaves the official numbers and goes back to its editor for "
                               "correction, with a reason; the roll-up is redone. 403 unless planner; 409 on a "
                               "stale `version` or a figure that is not approved (`status`).")
    @action(detail=True, methods=["post"], renderer_classes=_JSON_ONLY)
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, FigureReturnSerializer, services.figure_reopen)

    @extend_schema(summary="Settle a year-to-date mismatch (核对累计, the unit's editors and planners)",
                   operation_id="figures_resolve_ytd", request=FigureResolveYtdSerializer,
                   responses={200: FigureSerializer},
                   description="For a figure flagged `ytd_mismatch`: `keep: ytd` keeps the reported 累计 and derives "
                               "the quarter's own value again; `keep: quarter` keeps the quarter's own value and "
                               "derives the 累计 again. Allowed in any status, approved too (a correction: recorded "
                               "in the history, the roll-up redone). 409 (`not_mismatched`) when the numbers agree; "
                               "409 on a stale `version`; 403 outside the caller's scope.")
    @action(detail=True, methods=["post"], url_path="resolve-ytd", url_name="resolve-ytd",
            renderer_classes=_JSON_ONLY)
    def resolve_ytd(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, FigureResolveYtdSerializer, services.figure_resolve_ytd)
