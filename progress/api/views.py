"""Clusters with their latest rolled-up quarter, roll-up rows, goal evaluations and the assessment ranking:
reads of the roll-up tables.

progress/ and goals/ answer conditional GETs (ETag / Last-Modified, 304) from one or two cheap
aggregates over the rows they would show (core.api.conditional).
"""
from collections.abc import Sequence
from datetime import UTC

from django.conf import settings
from django.db import connection
from django.db.models import F, Max, Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clusters.filtersets import ClusterFilterSet, GoalFilterSet
from clusters.models import FIRST_YEAR, LAST_YEAR, Cluster, StageGoal
from core.api.conditional import ConditionalListMixin
from core.api.inputs import QueryIntegerField
from core.api.rows import Row, columns, rows
from core.api.views import ScopedQuerysetMixin, ScopedReadOnlyViewSet
from core.periods import PLAN_YEAR
from investment.models import Project
from org.models import Department, Region
from progress.filtersets import ProgressFilterSet
from progress.goals import evaluate_goals, goal_projects
from progress.models import Progress, RollupMark, Scope
from progress.ranking import assessment_ranking
from progress.selectors import latest_cluster_quarters, pending_clusters, visible_progress, with_pending

from .serializers import (
    ClusterProgressSerializer,
    GoalEvaluationSerializer,
    LatestProgressSerializer,
    ProgressSerializer,
    RankingRowSerializer,
)

NOT_MODIFIED = OpenApiResponse(description="Not modified: the copy named by If-None-Match / If-Modified-Since "
                                           "is current (未变更). No body.")


def _rows_and_marks_state(queryset) -> tuple:
    """(count, highest id, its computed_at, Σ mark versions, Σ settled versions, newest mark): one query.

    Rows are only ever written by the roll-up, which deletes and re-inserts what it recomputes: any
    change moves the highest id or the count, and both come from an index, unlike max(computed_at),
    which reads every row (7 ms against 1.5 ms on the province-scale benchmark). Pending marks move
    with every approval, before the roll-up catches up.
    """
    rows_sql, params = queryset.order_by().values(row_id=F("pk")).query.sql_with_params()
    table, marks = connection.ops.quote_name(Progress._meta.db_table), connection.ops.quote_name(
        RollupMark._meta.db_table)
    # Only table names and the ORM's own SQL are interpolated; every value is a parameter.
    sql = (
        f"SELECT r.n, r.last_id, (SELECT computed_at FROM {table} WHERE id = r.last_id), "  # noqa: S608
        f"m.v, m.d, m.last FROM (SELECT COUNT(*) AS n, MAX(s.row_id) AS last_id FROM ({rows_sql}) s) r, "
        f"(SELECT SUM(version) AS v, SUM(done_version) AS d, MAX(changed_at) AS last FROM {marks}) m"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        n, last_id, newest, v, d, last_mark = cursor.fetchone()
    return n, last_id, _stamp(newest), v, d, _stamp(last_mark)


def _goals_state(goals) -> dict:
    """What a goal evaluation depends on, in one query: the clusters' annual roll-up rows (count,
    highest id and its computed_at, latest year), the goals listed (count, last change), the projects the
    evaluation reads (producing with a capacity, or in the pipeline: count, last change) and the pending marks."""
    goals_sql, goals_params = goals.order_by().values(changed=F("updated_at")).query.sql_with_params()
    projects = Project.objects.filter(goal_projects())
    projects_sql, projects_params = projects.order_by().values(changed=F("updated_at")).query.sql_with_params()
    annual = Progress.objects.filter(scope=Scope.CLUSTER, quarter=0).order_by()
    annual_sql, annual_params = annual.values(row_id=F("pk"), row_year=F("year")).query.sql_with_params()
    q = connection.ops.quote_name
    table, marks = q(Progress._meta.db_table), q(RollupMark._meta.db_table)
    # Only table names and the ORM's own SQL are interpolated; every value is a parameter.
    sql = (
        f"SELECT a.n, a.last_id, (SELECT computed_at FROM {table} WHERE id = a.last_id), a.year, "  # noqa: S608
        f"g.n, g.last, p.n, p.last, m.v, m.d, m.last "
        f"FROM (SELECT COUNT(*) AS n, MAX(s.row_id) AS last_id, MAX(s.row_year) AS year FROM ({annual_sql}) s) a, "
        f"(SELECT COUNT(*) AS n, MAX(s.changed) AS last FROM ({goals_sql}) s) g, "
        f"(SELECT COUNT(*) AS n, MAX(s.changed) AS last FROM ({projects_sql}) s) p, "
        f"(SELECT SUM(version) AS v, SUM(done_version) AS d, MAX(changed_at) AS last FROM {marks}) m"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*annual_params, *goals_params, *projects_params))
        row = cursor.fetchone()
    names = ("annual_n", "annual_last_id", "annual_computed_at", "year", "goals_n", "goals_last", "projects_n",
             "projects_last", "marks_v", "marks_d", "marks_last")
    state = dict(zip(names, row, strict=True))
    for name in ("annual_computed_at", "goals_last", "projects_last", "marks_last"):
        state[name] = _stamp(state[name])
    return state


def _stamp(value):
    """A timestamp read by raw SQL: aware on PostgreSQL; a naive UTC string on SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if value is not None and timezone.is_naive(value) else value


def _newest(*stamps):
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


_MANY_TO_MANY = ("regions", "supporting_departments")


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
    serializer_class = ClusterProgressSerializer
    filterset_class = ClusterFilterSet
    ordering_fields = ["code", "level", "name_zh", "id"]

    def list(self, request: Request, *args, **kwargs) -> Response:
        # Rows, not instances: the same JSON without a related manager per cluster (core.api.rows).
        page = self.paginate_queryset(columns(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(self._serialize(rows(Cluster, page, _MANY_TO_MANY)))

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(self._serialize([self.get_object()])[0])

    def _serialize(self, clusters: Sequence[Cluster | Row]) -> Sequence[dict]:
        ids = [cluster.pk for cluster in clusters]
        latest = latest_cluster_quarters(ids)
        latest_data = LatestProgressSerializer(list(latest.values()), many=True).data
        context = {**self.get_serializer_context(), "latest": dict(zip(latest, latest_data, strict=True)),
                   "pending": pending_clusters(ids)}
        return ClusterProgressSerializer(clusters, many=True, context=context).data


@extend_schema_view(list=extend_schema(
    summary="Roll-up rows (汇总进度) by cluster, region, department and city",
    description="Per quarter (1–4) and year (quarter 0), with the computed-at stamp and a pending flag. Scoped: "
                "city totals for everybody; cluster rows of visible clusters; region rows of regions with a visible "
                "cluster; the caller's own department. Region, department and city totals count every cluster in "
                "them, also clusters the caller cannot see: they are published within the city. Answers "
                "conditional GETs (ETag, Last-Modified → 304).",
    responses={200: ProgressSerializer(many=True), 304: NOT_MODIFIED},
))
class ProgressViewSet(ConditionalListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgressSerializer
    filterset_class = ProgressFilterSet
    ordering_fields = ["scope", "scope_id", "year", "quarter", "value", "ytd_value", "yoy_growth", "computed_at"]
    ordering = ["scope", "scope_id", "year", "quarter"]
    queryset = Progress.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self):
        return visible_progress(self.request.user)

    def list_validators(self, request: Request, queryset):
        n, last_id, newest, *marks = _rows_and_marks_state(queryset)
        return (n, last_id, *marks), _newest(newest, marks[2]), n

    def list_response(self, request: Request, queryset) -> Response:
        # Rows, not instances (core.api.rows): the same JSON for less work per row.
        page = self.paginate_queryset(columns(with_pending(queryset)))
        return self.get_paginated_response(self.get_serializer(rows(Progress, page), many=True).data)


class GoalQuerySerializer(serializers.Serializer):
    """The query parameters of goals/ besides the filters (documented from this serializer)."""

    year = QueryIntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text=(
        f"Year to evaluate (评估年份), {FIRST_YEAR}–{LAST_YEAR}; default: the latest year with rolled-up data."))


@extend_schema_view(
    list=extend_schema(
        summary="Stage goals (阶段目标) with their evaluation for a year",
        description="Every goal the caller may see (city-wide count goals for everybody; a cluster's goals with the "
                    "cluster), with its current value, attainment, status and projection. Answers conditional GETs.",
        parameters=[GoalQuerySerializer], responses={200: GoalEvaluationSerializer(many=True), 304: NOT_MODIFIED}),
    retrieve=extend_schema(summary="One stage goal with its evaluation", parameters=[GoalQuerySerializer],
                           responses={200: GoalEvaluationSerializer}),
)
class GoalViewSet(ConditionalListMixin, ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  viewsets.GenericViewSet):
    queryset = StageGoal.objects.select_related("cluster")
    serializer_class = GoalEvaluationSerializer
    filterset_class = GoalFilterSet
    ordering_fields = ["stage", "deadline_year", "kind", "code", "id"]

    def _requested_year(self) -> int | None:
        params = GoalQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data.get("year")

    def _annual_rows(self) -> dict:
        return Progress.objects.filter(scope=Scope.CLUSTER, quarter=0).aggregate(year=Max("year"))

    def list_validators(self, request: Request, queryset):
        year = self._requested_year()
        state = _goals_state(queryset)
        self.year = year or state["year"] or PLAN_YEAR
        parts = (self.year, *state.values(), settings.GOAL_AT_RISK_MARGIN, settings.PIPELINE_FROM_STAGE,
                 settings.PIPELINE_RAMP_UP_QUARTERS)
        newest = _newest(state["annual_computed_at"], state["goals_last"], state["projects_last"], state["marks_last"])
        return parts, newest, state["goals_n"]

    def list_response(self, request: Request, queryset) -> Response:
        page = self.paginate_queryset(queryset)
        evaluations = evaluate_goals(year=self.year, goals=page)
        return self.get_paginated_response(self.get_serializer(evaluations, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        year = self._requested_year() or self._annual_rows()["year"] or PLAN_YEAR
        [evaluation] = evaluate_goals(year=year, goals=[self.get_object()])
        return Response(self.get_serializer(evaluation).data)


class RankingQuerySerializer(serializers.Serializer):
    """The query parameters of ranking/ (documented from this serializer)."""

    year = QueryIntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text=(
        f"Year, {FIRST_YEAR}–{LAST_YEAR}. Alone: that year's latest rolled-up quarter (its 4th without data)."))
    quarter = QueryIntegerField(required=False, min_value=1, max_value=4, help_text=(
        "Quarter 1–4. Alone: the latest year with that quarter rolled up. Neither: the latest rolled-up quarter."))


def _latest_rolled_up_quarter(*, year: int | None, quarter: int | None) -> tuple[int, int]:
    """The latest (year, quarter) with roll-up rows, within the year and/or of the quarter given."""
    rows = Progress.objects.filter(quarter__gt=0)
    if year is not None:
        rows = rows.filter(year=year)
    if quarter is not None:
        rows = rows.filter(quarter=quarter)
    latest = rows.annotate(period=F("year") * 4 + F("quarter") - 1).aggregate(latest=Max("period"))["latest"]
    if latest is None:
        return year or PLAN_YEAR, quarter or (4 if year else 1)
    found_year, found_quarter = divmod(latest, 4)
    return found_year, found_quarter + 1


@extend_schema(
    summary="Assessment ranking (考核评比) of regions and departments for a quarter",
    description="Regions and departments ranked by weighted completion (weights set by planners): cluster output "
                "against target, 七通一平, park area and standard factories, as recorded at the quarter's end. "
                "The ranking is the city's published comparison: every signed-in user sees all of it.",
    parameters=[RankingQuerySerializer],
)
class RankingView(generics.ListAPIView):
    serializer_class = RankingRowSerializer
    filter_backends: list = []
    queryset = Progress.objects.none()  # for the schema; the ranking is computed, not queried

    def list(self, request: Request, *args, **kwargs) -> Response:
        params = RankingQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        year, quarter = params.validated_data.get("year"), params.validated_data.get("quarter")
        if year is None or quarter is None:
            year, quarter = _latest_rolled_up_quarter(year=year, quarter=quarter)
        ranked = assessment_ranking(year=year, quarter=quarter)
        rows = [{"kind": unit.kind, "unit": unit.unit, "year": year, "quarter": quarter, "rank": unit.rank,
                 "score": unit.score, **unit.components}
                for kind in ("region", "department") for unit in ranked[kind]]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
