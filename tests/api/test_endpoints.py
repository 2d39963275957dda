"""What the read endpoints answer: latest progress inline, goal evaluations, ranking, nested items,
demo labels, pagination and ordering, CSV and xlsx."""
import csv
import io

import pytest
from openpyxl import load_workbook

from clusters.models import Cluster, StageGoal
from parks.models import Park

pytestmark = pytest.mark.django_db


def test_clusters_carry_their_latest_progress(api, roles, demo):
    rows = api.as_(roles.planner).get("/api/v1/clusters/", {"code": "pv"}).json()["results"]
    [pv] = rows
    latest = pv["latest_progress"]
    assert latest["year"] == 2015
    assert latest["quarter"] in (1, 2, 3, 4)
    assert latest["is_demo"] is True
    assert latest["data_label"] == "演示数据"
    assert pv["pending"] is False
    assert pv["responsible_department"] == Cluster.objects.get(code="pv").responsible_department_id


def test_a_cluster_without_approved_figures_has_no_latest_progress(api, roles):
    [row] = api.as_(roles.planner).get("/api/v1/clusters/", {"code": "pv"}).json()["results"]
    assert row["latest_progress"] is None


def test_goals_are_evaluated_for_the_latest_year_by_default(api, roles, demo):
    rows = api.as_(roles.planner).get("/api/v1/goals/", {"page_size": 1000}).json()["results"]
    # a goal whose deadline has passed is judged on its deadline year
    assert all(row["year"] == min(2015, row["deadline_year"]) for row in rows)
    assert {row["year"] for row in rows if row["deadline_year"] >= 2015} == {2015}
    assert len(rows) == StageGoal.objects.count()
    count_goal = next(row for row in rows if row["code"] == "s3-count-100")
    assert count_goal["kind"] == "cluster_count"
    assert count_goal["target"] == "15"
    # the demo data ends during 2015, the deadline year: judged on its trend, not yet missed
    assert count_goal["status"] in {"met", "on_track", "at_risk", "off_track"}


def test_goals_for_a_given_year_and_stage(api, roles, demo):
    rows = api.as_(roles.planner).get("/api/v1/goals/", {"year": 2011, "stage": 1}).json()["results"]
    assert rows
    assert {(row["year"], row["stage"]) for row in rows} == {(2011, 1)}
    goal = StageGoal.objects.get(code="s1-heishan-100")
    one = api.as_(roles.planner).get(f"/api/v1/goals/{goal.pk}/", {"year": 2011}).json()
    assert (one["code"], one["year"], one["threshold"]) == ("s1-heishan-100", 2011, "100.00")


def test_an_editor_sees_its_clusters_goals_and_the_city_wide_ones(api, roles):
    codes = {row["code"] for row in api.as_(roles.editor_other).get(
        "/api/v1/goals/", {"page_size": 1000}).json()["results"]}
    assert "s1-heishan-100" not in codes
    assert "s3-count-100" in codes


def test_ranking_defaults_to_the_latest_quarter_and_ranks_regions_and_departments(api, roles, demo):
    rows = api.as_(roles.viewer).get("/api/v1/ranking/").json()["results"]
    assert {row["kind"] for row in rows} == {"region", "department"}
    from progress.models import Progress

    latest = Progress.objects.filter(quarter__gt=0).order_by("-year", "-quarter").values_list("year", "quarter")[0]
    assert {(row["year"], row["quarter"]) for row in rows} == {latest}
    ranks = [row["rank"] for row in rows if row["kind"] == "region" and row["rank"] is not None]
    assert ranks == list(range(1, len(ranks) + 1))


@pytest.mark.parametrize(("params", "period"), [
    ({"year": 2011, "quarter": 2}, (2011, 2)), ({"year": 2013}, (2013, 4)), ({"quarter": 1}, (2015, 1)),
    ({"year": 2030}, (2030, 4)),
])
def test_ranking_fills_a_missing_year_or_quarter_with_the_latest_rolled_up(api, roles, demo, params, period):
    rows = api.as_(roles.planner).get("/api/v1/ranking/", params).json()["results"]
    assert {(row["year"], row["quarter"]) for row in rows} == {period}


def test_parks_carry_their_eight_readiness_items(api, roles):
    park = Park.objects.get(code="heishan-park")
    body = api.as_(roles.editor_own).get(f"/api/v1/parks/{park.pk}/").json()
    assert sorted(item["kind"] for item in body["readiness_items"]) == sorted(
        ["road", "water", "drainage", "power", "telecom", "heating", "gas", "levelling"])


def test_projects_carry_their_stage_history(api, roles, demo):
    rows = api.as_(roles.planner).get("/api/v1/projects/", {"page_size": 1000}).json()["results"]
    moved = [row for row in rows if row["stage_moves"]]
    assert moved
    assert all(move["to_stage"] in range(1, 6) for row in moved for move in row["stage_moves"])


def test_demo_rows_are_labelled_everywhere(api, roles, demo):
    client = api.as_(roles.planner)
    for endpoint in ("figures", "inflows", "disbursements", "progress"):
        rows = client.get(f"/api/v1/{endpoint}/", {"page_size": 5}).json()["results"]
        assert rows, endpoint
        assert all(row["data_label"] == ("演示数据" if row["is_demo"] else "") for row in rows), endpoint


def test_pages_default_to_100_and_go_up_to_1000(api, roles, demo):
    client = api.as_(roles.planner)
    assert len(client.get("/api/v1/figures/").json()["results"]) == 100
    assert len(client.get("/api/v1/figures/", {"page_size": ""}).json()["results"]) == 100  # empty: not given
    body = client.get("/api/v1/figures/", {"page_size": 1000}).json()
    assert len(body["results"]) == min(1000, body["count"])
    assert client.get("/api/v1/figures/", {"page": 10**6}).status_code == 404


@pytest.mark.parametrize(("param", "value"), [
    ("page_size", "-1"), ("page_size", "0"), ("page_size", "1001"), ("page_size", str(10**30)), ("page_size", "abc"),
    ("page_size", "null"), ("page_size", "1.5"), ("page", "0"), ("page", "-3"), ("page", "last"), ("page", "x"),
])
def test_a_page_or_page_size_outside_the_documented_range_is_400_naming_it(api, roles, param, value):
    response = api.as_(roles.planner).get("/api/v1/regions/", {param: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [param]


def test_ordering_by_a_documented_field_and_ignoring_others(api, roles, demo):
    client = api.as_(roles.planner)
    values = [row["output_value"] for row in client.get(
        "/api/v1/figures/", {"ordering": "-output_value", "page_size": 20}).json()["results"]]
    assert values == sorted(values, key=float, reverse=True)
    assert client.get("/api/v1/figures/", {"ordering": "entered_by__password"}).status_code == 200


def test_csv_rendering_of_a_list(api, roles, demo):
    response = api.as_(roles.planner).get("/api/v1/clusters/", {"format": "csv", "page_size": 1000})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Cluster.objects.count()
    assert {"code", "name_zh", "latest_progress.value", "latest_progress.data_label"} <= set(rows[0])
    assert any(row["latest_progress.data_label"] == "演示数据" for row in rows)


def test_csv_by_accept_header(api, roles):
    response = api.as_(roles.planner).get("/api/v1/regions/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").splitlines()[0] == "id,code,name_zh,name_en,kind"


def test_csv_cells_cannot_smuggle_formulas(api, roles):
    cluster = Cluster.objects.get(code="pv")
    cluster.notes = "=HYPERLINK(\"http://x\")"
    cluster.save()
    text = api.as_(roles.planner).get("/api/v1/clusters/", {"code": "pv", "format": "csv"}).content.decode()
    assert "'=HYPERLINK" in text


def test_xlsx_rendering_of_a_list(api, roles, demo):
    response = api.as_(roles.planner).get("/api/v1/parks/", {"format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="parks.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["id", "code", "name"]
    assert "readiness_items" in header
    assert sheet.max_row == Park.objects.count() + 1


def test_xlsx_by_accept_header(api, roles):
    response = api.as_(roles.planner).get(
        "/api/v1/regions/", HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 11


def test_writes_answer_in_json_only(api, roles):
    response = api.as_(roles.planner).post("/api/v1/figures/?format=csv", {}, format="json")
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/api/v1/figures/", "/api/v1/clusters/", "/api/v1/goals/", "/api/v1/progress/",
                                  "/api/v1/ranking/"])
def test_the_browsable_api_works_with_the_session(client, roles, path):
    client.force_login(roles.planner)
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
