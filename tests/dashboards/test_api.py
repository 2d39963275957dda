"""/api/v1/dashboards/…: each page's charts as JSON, scoped like the page, in a fixed number of queries, the same
JSON the page embeds, described by the OpenAPI schema."""
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from clusters.models import Cluster
from org.models import Department
from parks.models import Park
from progress.selectors import latest_period
from tests.dashboards.detail_support import more_data, small_data, viewer
from tests.dashboards.test_assessment_page import MAX_QUERIES as RANKING_QUERIES
from tests.dashboards.test_city import PAGE_QUERIES as CITY_QUERIES
from tests.dashboards.test_cluster_page import MAX_QUERIES as CLUSTER_QUERIES
from tests.dashboards.test_department import PAGE_QUERIES as DEPARTMENT_QUERIES
from tests.dashboards.test_investment_page import MAX_QUERIES as INVESTMENT_QUERIES
from tests.dashboards.test_map import PAGE_QUERIES as MAP_QUERIES
from tests.dashboards.test_park_page import MAX_QUERIES as PARK_QUERIES

pytestmark = pytest.mark.django_db


def _pk(model, code: str) -> int:
    return model.objects.get(code=code).pk


def _endpoints() -> dict[str, tuple[str, str, int]]:
    """name → (API path, the page's path, the page's query limit)."""
    department, cluster, park = _pk(Department, "jxw"), _pk(Cluster, "pv"), _pk(Park, "heishan-park")
    return {
        "city": (reverse("dashboard-city"), reverse("city-dashboard"), CITY_QUERIES),
        "department": (reverse("dashboard-department", args=[department]),
                       reverse("department-dashboard", args=[department]), DEPARTMENT_QUERIES),
        "cluster": (reverse("dashboard-cluster", args=[cluster]), reverse("cluster-page", args=[cluster]),
                    CLUSTER_QUERIES),
        "park": (reverse("dashboard-park", args=[park]), reverse("park-page", args=[park]), PARK_QUERIES),
        "investment": (reverse("dashboard-investment"), reverse("investment-dashboard"), INVESTMENT_QUERIES),
        "ranking": (reverse("dashboard-ranking"), reverse("ranking-page"), RANKING_QUERIES),
        "map": (reverse("dashboard-map"), reverse("map-page"), MAP_QUERIES),
    }


NAMES = ["city", "department", "cluster", "park", "investment", "ranking", "map"]


def _embedded(response) -> dict:
    """The JSON block the page draws its charts from."""
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert found, "the page embeds no dashboard JSON"
    return json.loads(found.group(1))


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_gets_401(client, name):
    response = client.get(_endpoints()[name][0])
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("query", [{}, {"year": 2012, "quarter": 4}, {"year": 2012, "quarter": 4, "unapproved": "1"}])
def test_the_endpoint_answers_exactly_what_the_page_embeds(client, planner, name, query):
    small_data()
    client.force_login(planner)
    api, page, _limit = _endpoints()[name]
    # The page's checkbox sends 1 (or on); the API, like every API boolean, true (charts.js translates).
    response = client.get(api, {**query, "unapproved": "true"} if "unapproved" in query else query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert _embedded(client.get(page, query)) == {key: value for key, value in response.json().items()
                                                  if key != "map"}


def test_the_city_charts_carry_the_roll_up_as_exact_strings(client, planner):
    small_data()
    client.force_login(planner)
    body = client.get(reverse("dashboard-city"), {"year": 2012, "quarter": 4}).json()
    assert body["period"] == {"year": 2012, "quarter": 4, "unapproved": False, "label": "2012年第4季度"}
    output = next(chart for chart in body["charts"] if chart["key"] == "output")
    assert set(output) == {"key", "title", "note", "demo", "kind", "height", "empty", "option", "table"}
    drawn = dict(zip(output["option"]["yAxis"]["data"], output["option"]["series"][0]["data"], strict=True))
    pv = Cluster.objects.get(code="pv").name_zh
    assert isinstance(drawn[pv], str)
    assert Decimal(drawn[pv]) == Decimal(180)
    row = next(row for row in output["table"]["rows"] if row[0] == pv)
    assert isinstance(row[1], str)
    assert Decimal(row[1]) == Decimal(180)
    cells = next(cells for cells in output["table"]["cells"] if cells[0] == pv)
    assert cells[1] == "180.00"


def test_the_latest_period_when_the_query_is_silent(client, planner):
    small_data()
    client.force_login(planner)
    period = client.get(reverse("dashboard-city")).json()["period"]
    assert (period["year"], period["quarter"]) == latest_period()


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "1900", "quarter": "9"}, {"quarter": "x"}])
def test_a_malformed_period_is_400_in_the_api_error_shape(client, planner, query):
    client.force_login(planner)
    response = client.get(reverse("dashboard-city"), query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]
    assert set(body["errors"]) <= {"year", "quarter"}


def test_a_department_viewer_reads_its_own_department_and_not_another(client):
    client.force_login(viewer("fwy"))
    own, other = _pk(Department, "fwy"), _pk(Department, "jxw")
    response = client.get(reverse("dashboard-department", args=[own]))
    assert response.status_code == 200
    urban = {f"cluster-{pk}" for pk in Cluster.objects.filter(responsible_department__code="fwy")
             .values_list("pk", flat=True)}
    assert {chart["key"] for chart in response.json()["charts"]} == urban
    assert client.get(reverse("dashboard-department", args=[other])).status_code == 404
    assert client.get(reverse("dashboard-department", args=[999_999])).status_code == 404


def test_a_department_viewer_reads_its_own_cluster_and_park_and_not_anothers(client):
    small_data()
    client.force_login(viewer("nlb"))
    assert client.get(reverse("dashboard-cluster", args=[_pk(Cluster, "heishan-main")])).status_code == 200
    assert client.get(reverse("dashboard-cluster", args=[_pk(Cluster, "pv")])).status_code == 404
    assert client.get(reverse("dashboard-park", args=[_pk(Park, "heishan-park")])).status_code == 200
    not_found = client.get(reverse("dashboard-park", args=[_pk(Park, "kaifaqu-park")]))
    assert not_found.status_code == 404
    assert not_found.json()["code"] == "not_found"


def test_a_department_viewer_sees_only_its_clusters_in_the_city_chart(client):
    small_data()
    client.force_login(viewer("nlb"))
    output = client.get(reverse("dashboard-city"), {"year": 2012, "quarter": 4}).json()["charts"][0]
    visible = set(Cluster.objects.visible_to(viewer("nlb", "viewer-nlb-2")).values_list("name_zh", flat=True))
    assert set(output["option"]["yAxis"]["data"]) == visible
    assert Cluster.objects.get(code="pv").name_zh not in visible


def test_the_map_endpoint_carries_the_map_layers(client, planner):
    small_data()
    client.force_login(planner)
    body = client.get(reverse("dashboard-map"), {"year": 2012, "quarter": 4}).json()
    assert set(body["map"]["layers"]) == {"output", "growth", "count"}
    assert [chart["key"] for chart in body["charts"]] == ["regions", "parks", "projects"]


def test_writes_are_not_allowed(client, planner):
    client.force_login(planner)
    assert client.post(reverse("dashboard-city"), {}, content_type="application/json").status_code == 405


@pytest.mark.parametrize("query", [{"year": 2012, "quarter": 4}, {"year": 2012, "quarter": 4, "unapproved": "true"}])
def test_queries_are_fixed_whatever_the_data_size_within_the_pages_limits(client, planner,
                                                                         django_assert_max_num_queries, query):
    client.force_login(planner)
    endpoints = _endpoints()
    client.get(endpoints["city"][0])  # the session's first request after login writes it; not the endpoint's cost
    small_data()
    counts = {}
    for name, (api, _page, limit) in endpoints.items():
        with django_assert_max_num_queries(limit) as captured:
            assert client.get(api, query).status_code == 200
        counts[name] = len(captured.captured_queries)
    more_data()
    for name, (api, _page, limit) in endpoints.items():
        with django_assert_max_num_queries(limit) as captured:
            assert client.get(api, query).status_code == 200
        assert len(captured.captured_queries) == counts[name], name


def test_the_schema_describes_every_dashboard_endpoint_and_validates(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))
    schema = json.loads(target.read_text())
    paths = {path for path in schema["paths"] if path.startswith("/api/v1/dashboards/")}
    assert paths == {"/api/v1/dashboards/city/", "/api/v1/dashboards/department/{id}/",
                     "/api/v1/dashboards/cluster/{id}/", "/api/v1/dashboards/park/{id}/",
                     "/api/v1/dashboards/investment/", "/api/v1/dashboards/ranking/", "/api/v1/dashboards/map/"}
    for path in paths:
        operation = schema["paths"][path]["get"]
        assert operation["operationId"].isascii()
        assert operation["operationId"].isidentifier()
        assert {p["name"] for p in operation["parameters"]} >= {"year", "quarter", "unapproved"}
    for name in ("Dashboard", "DashboardChart", "DashboardTable", "DashboardPeriod", "MapDashboard"):
        assert name in schema["components"]["schemas"]


def test_unapproved_is_true_or_false_as_the_schema_says(client, planner):
    client.force_login(planner)
    api = _endpoints()["city"][0]
    assert client.get(api, {"unapproved": "true"}).json()["period"]["unapproved"] is True
    assert client.get(api, {"unapproved": "false"}).json()["period"]["unapproved"] is False
    refused = client.get(api, {"unapproved": "-58800"})
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["unapproved"])
