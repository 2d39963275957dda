"""/api/v1/dashboards/…: each dashboard's charts as JSON, for the same user and period as the page.

Thin views: parse the period as the pages do (dashboards.period), ask the page's own module for its charts and
answer `dashboard_data` — the JSON the page embeds on first render. An object of another department is a 404,
exactly as on the page; a malformed period is a 400 (the page shows the form's error instead).
"""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clusters.models import FIRST_YEAR, LAST_YEAR
from core.api.filters import StrictBooleanField
from parks import selectors as park_selectors

from .. import city, department
from ..assessment import assessment_charts
from ..cluster import cluster_charts, cluster_for_page
from ..investment import investment_charts
from ..map import city_map
from ..park import park_charts
from ..period import Period, PeriodForm, period_from
from .serializers import DashboardSerializer, MapDashboardSerializer, dashboard_data

PERIOD = [
    OpenApiParameter("year", {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
                     description=f"Year, {FIRST_YEAR}–{LAST_YEAR}; default: the latest rolled-up year."),
    OpenApiParameter("quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4],
                     description="Quarter 1–4; default: the latest rolled-up quarter of that year (else 4)."),
    OpenApiParameter("unapproved", OpenApiTypes.BOOL,
                     description="Include submitted figures awaiting review (包括未审核数据)."),
]


class APIPeriodForm(PeriodForm):
    """The pages' picker, with the API's spelling of a boolean: `true` or `false`, nothing else."""

    unapproved = StrictBooleanField(required=False)


def requested_period(request: Request) -> Period:
    """The period of the query string, parsed like the pages' picker; malformed input is a 400."""
    form = APIPeriodForm(request.query_params)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return period_from(request.query_params)[0]


class DashboardView(APIView):
    """GET a dashboard's charts. Subclasses name the charts (`charts`); the rest is shared."""

    renderer_classes = [JSONRenderer]
    serializer_class = DashboardSerializer

    def charts(self, request: Request, period: Period, **kwargs) -> dict:
        raise NotImplementedError

    def get(self, request: Request, **kwargs) -> Response:
        period = requested_period(request)
        return Response(dashboard_data(period, **self.charts(request, period, **kwargs)))


def _documented(summary: str, serializer=DashboardSerializer, parameters: tuple = ()):
    """The endpoint in the OpenAPI schema: its summary, the period parameters and the dashboard's shape."""
    return extend_schema_view(get=extend_schema(summary=summary, parameters=[*PERIOD, *parameters],
                                                responses={200: serializer}))


@_documented("The city overview's charts (城市总览图表) for a period")
class CityDashboardView(DashboardView):
    def charts(self, request, period, **kwargs):
        return {"charts": city.city_charts(user=request.user, period=period)}


@_documented("A department dashboard's charts (部门仪表板图表): one trend per cluster of the department",
             parameters=(OpenApiParameter("page", OpenApiTypes.INT, description=(
                 "The department page's page of charts (12 clusters a page); without it, every cluster's.")),))
class DepartmentDashboardView(DashboardView):
    def charts(self, request, period, pk):
        unit = department.department_for(user=request.user, pk=pk)
        return {"charts": department.department_charts(user=request.user, department=unit, period=period,
                                                       page=request.query_params.get("page"))}


@_documented("A cluster page's charts (产业集群图表) for a period")
class ClusterDashboardView(DashboardView):
    def charts(self, request, period, pk):
        cluster = cluster_for_page(user=request.user, pk=pk)
        if cluster is None:
            raise NotFound
        return {"charts": cluster_charts(user=request.user, cluster=cluster, period=period)[0]}


@_documented("A park page's charts (园区图表) for a period")
class ParkDashboardView(DashboardView):
    def charts(self, request, period, pk):
        today = timezone.localdate()
        park = park_selectors.park_for_page(user=request.user, pk=pk, today=today)
        if park is None:
            raise NotFound
        return {"charts": park_charts(user=request.user, park=park, period=period, today=today)[0]}


@_documented("The investment page's charts (招商引资图表): pipeline and investment received")
class InvestmentDashboardView(DashboardView):
    def charts(self, request, period, **kwargs):
        return {"charts": investment_charts(user=request.user, period=period)[0]}


@_documented("The assessment ranking's charts (考核评比图表) for a quarter")
class RankingDashboardView(DashboardView):
    def charts(self, request, period, **kwargs):
        return {"charts": assessment_charts(period=period)[0]}


@_documented("The city map (一张图): region tables and the map's layers and points", MapDashboardSerializer)
class MapDashboardView(DashboardView):
    serializer_class = MapDashboardSerializer

    def charts(self, request, period, **kwargs):
        located = city_map(user=request.user, period=period)
        return {"charts": located.charts, "map": located.payload}
