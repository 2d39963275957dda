"""/api/v1/goals/ carries the projection both ways: `projection.trend`, `projection.with_pipeline`, its status and
the projects counted (id, name, contribution in 亿元 as a decimal string); documented in the schema."""
from decimal import Decimal

import pytest

from investment import services
from investment.models import Project
from progress.services import rollup_full
from tests.progress.figures import approved_year

pytestmark = pytest.mark.django_db
CELLS = "300兆瓦太阳能电池项目"


@pytest.fixture
def pv_with_cells(roles):
    for year, value in ((2011, "150"), (2012, "180")):
        approved_year("pv", year, value)
    rollup_full()
    project = Project.objects.get(name=CELLS)
    services.project_set_pipeline(user=roles.planner, project_id=project.pk, expected_version=project.version,
                                  cluster=project.cluster, expected_start_year=2012, expected_start_quarter=3,
                                  expected_output=Decimal(40), ramp_up_quarters=None)
    return project


def _goal(api, user, code: str, **params) -> dict:
    rows = api.as_(user).get("/api/v1/goals/", {"page_size": 1000, **params}).json()["results"]
    return next(row for row in rows if row["code"] == code)


def test_a_cluster_goal_carries_trend_pipeline_and_the_projects(api, roles, pv_with_cells):
    goal = _goal(api, roles.planner, "s2-pv-1000", year=2012)
    # trend: 180 × 1.2 = 216; the cells project, from 2012Q3 with the default 4-quarter ramp: 37.5 in 2013
    assert goal["projection"] == {
        "trend": "216.00", "with_pipeline": "253.50", "with_pipeline_status": "off_track",
        "projects": [{"id": pv_with_cells.pk, "name": CELLS, "cluster": pv_with_cells.cluster_id,
                      "contribution": "37.5000", "is_demo": False}]}


def test_a_count_goal_is_projected_both_ways(api, roles, pv_with_cells):
    projection = _goal(api, roles.planner, "s3-count-100", year=2012)["projection"]
    assert (projection["trend"], projection["with_pipeline"]) == ("1", "1")
    assert [p["contribution"] for p in projection["projects"]] == ["40.0000"]


def test_without_project_values_the_lines_agree_and_no_project_is_listed(api, roles):
    approved_year("pv", 2012, "180")
    rollup_full()
    projection = _goal(api, roles.planner, "s3-pv-1000", year=2012)["projection"]
    assert projection["trend"] == projection["with_pipeline"] == "180.00"
    assert projection["projects"] == []


def test_a_capacity_goal_has_an_empty_projection(api, roles):
    rows = api.as_(roles.planner).get("/api/v1/goals/", {"page_size": 1000, "kind": "capacity"}).json()["results"]
    assert rows
    assert all(row["projection"] == {"trend": None, "with_pipeline": None, "with_pipeline_status": None,
                                     "projects": []} for row in rows)


def test_a_change_of_expected_output_changes_the_etag(api, roles, pv_with_cells):
    client = api.as_(roles.planner)
    etag = client.get("/api/v1/goals/")["ETag"]
    project = Project.objects.get(pk=pv_with_cells.pk)
    services.project_set_pipeline(user=roles.planner, project_id=project.pk, expected_version=project.version,
                                  cluster=project.cluster, expected_start_year=2012, expected_start_quarter=3,
                                  expected_output=Decimal(50), ramp_up_quarters=None)
    assert client.get("/api/v1/goals/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_schema_documents_the_projection(api, roles):
    schema = api.as_(roles.planner).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert set(components["GoalProjection"]["properties"]) == {"trend", "with_pipeline", "with_pipeline_status",
                                                               "projects"}
    assert set(components["ProjectContribution"]["properties"]) == {"id", "name", "cluster", "contribution",
                                                                         "is_demo"}
    assert components["ProjectContribution"]["properties"]["contribution"]["type"] == "string"
