"""The floor of the API benchmark: bare Django views returning the same JSON as the API's first page
of clusters/, progress/, goals/ and figures/ (city-wide caller), from the same tables and selectors,
with no REST framework: no authentication, permission, throttling, filtering, negotiation or
serializers. Mounted only by bench/api_settings.py (ROOT_URLCONF), never by the app.
"""
import json
from datetime import datetime
from decimal import Decimal

from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone

from clusters.choices import FigureSource
from clusters.models import Cluster, QuarterlyFigure, StageGoal
from plan.data import PLAN_YEAR
from progress.goals import evaluate_goals
from progress.models import Progress, Scope
from progress.selectors import latest_cluster_quarters, pending_clusters, with_pending

PAGE = 100
DEMO = "演示数据"


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _dt(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _page(request: HttpRequest, count: int, results: list) -> HttpResponse:
    url = request.build_absolute_uri(request.path)
    body = {"count": count, "next": f"{url}?page=2" if count > PAGE else None, "previous": None, "results": results}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type="application/json")


def clusters(request: HttpRequest) -> HttpResponse:
    queryset = Cluster.objects.order_by("code")
    count = queryset.count()
    rows = list(queryset.values("id", "code", "name_zh", "name_en", "industry", "level", "responsible_department",
                                "leading_products", "is_placeholder", "notes")[:PAGE])
    ids = [row["id"] for row in rows]
    regions: dict[int, list[int]] = {i: [] for i in ids}
    for cluster_id, region_id in Cluster.regions.through.objects.filter(cluster_id__in=ids).order_by(
            "region_id").values_list("cluster_id", "region_id"):
        regions[cluster_id].append(region_id)
    supporting: dict[int, list[int]] = {i: [] for i in ids}
    for cluster_id, department_id in Cluster.supporting_departments.through.objects.filter(
            cluster_id__in=ids).order_by("department_id").values_list("cluster_id", "department_id"):
        supporting[cluster_id].append(department_id)
    latest = latest_cluster_quarters(ids)
    pending = pending_clusters(ids)
    results = []
    for row in rows:
        p = latest.get(row["id"])
        row["regions"], row["supporting_departments"] = regions[row["id"]], supporting[row["id"]]
        row["latest_progress"] = None if p is None else {
            "year": p.year, "quarter": p.quarter, "value": _dec(p.value), "ytd_value": _dec(p.ytd_value),
            "yoy_growth": _dec(p.yoy_growth), "ytd_yoy_growth": _dec(p.ytd_yoy_growth), "is_demo": p.demo_units > 0,
            "data_label": DEMO if p.demo_units else "", "computed_at": _dt(p.computed_at), "pending": p.pending}
        row["pending"] = row["id"] in pending
        results.append(row)
    return _page(request, count, results)


def progress(request: HttpRequest) -> HttpResponse:
    queryset = Progress.objects.order_by("scope", "scope_id", "year", "quarter")
    count = queryset.count()
    results = [{
        "scope": r.scope, "scope_id": r.scope_id, "year": r.year, "quarter": r.quarter, "value": _dec(r.value),
        "ytd_value": _dec(r.ytd_value), "prev_value": _dec(r.prev_value), "prev_ytd_value": _dec(r.prev_ytd_value),
        "yoy_growth": _dec(r.yoy_growth), "ytd_yoy_growth": _dec(r.ytd_yoy_growth), "units": r.units,
        "is_demo": r.demo_units > 0, "data_label": DEMO if r.demo_units else "", "data_version": r.data_version,
        "computed_at": _dt(r.computed_at), "pending": r.pending,
    } for r in with_pending(queryset)[:PAGE]]
    return _page(request, count, results)


def goals(request: HttpRequest) -> HttpResponse:
    year = Progress.objects.filter(scope=Scope.CLUSTER, quarter=0).aggregate(y=Max("year"))["y"] or PLAN_YEAR
    queryset = StageGoal.objects.select_related("cluster")
    count = queryset.count()
    results = []
    for e in evaluate_goals(year=year, goals=list(queryset[:PAGE])):
        g = e.goal
        results.append({
            "id": g.pk, "code": g.code, "stage": g.stage, "deadline_year": g.deadline_year, "kind": g.kind,
            "cluster": g.cluster_id, "description_zh": g.description_zh, "description_en": g.description_en,
            "threshold": _dec(g.threshold), "unit": g.unit, "target_count": g.target_count, "year": e.year,
            "current": _dec(e.current), "target": _dec(e.target), "attained": _dec(e.attained), "met": e.met,
            "status": e.status, "base_year": e.base_year, "needed_cagr": _dec(e.needed_cagr),
            "achieved_cagr": _dec(e.achieved_cagr), "projected_count": e.projected_count, "pending": e.pending,
        })
    return _page(request, count, results)


def figures(request: HttpRequest) -> HttpResponse:
    queryset = QuarterlyFigure.objects.all()
    count = queryset.count()
    results = []
    for r in queryset.values("id", "cluster_id", "enterprise_id", "year", "quarter", "output_value", "revenue", "tax",
                             "employees", "fixed_asset_investment", "status", "source", "version", "note",
                             "entered_at", "approved_at", "updated_at")[:PAGE]:
        demo = r["source"] == FigureSource.DEMO
        results.append({
            "id": r["id"], "cluster": r["cluster_id"], "enterprise": r["enterprise_id"], "year": r["year"],
            "quarter": r["quarter"], "output_value": _dec(r["output_value"]), "revenue": _dec(r["revenue"]),
            "tax": _dec(r["tax"]), "employees": r["employees"],
            "fixed_asset_investment": _dec(r["fixed_asset_investment"]), "status": r["status"], "source": r["source"],
            "version": r["version"], "note": r["note"], "is_demo": demo, "data_label": DEMO if demo else "",
            "entered_at": _dt(r["entered_at"]), "approved_at": _dt(r["approved_at"]),
            "updated_at": _dt(r["updated_at"]),
        })
    return _page(request, count, results)


urlpatterns = [
    path("floor/clusters/", clusters),
    path("floor/progress/", progress),
    path("floor/goals/", goals),
    path("floor/figures/", figures),
    path("", include("jinzhou.urls")),
]
