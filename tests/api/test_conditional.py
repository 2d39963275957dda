"""ETag / Last-Modified on progress/ and goals/: 304 while nothing changed, 200 as soon as anything did."""
from decimal import Decimal

import pytest

from clusters.choices import FigureStatus
from clusters.models import Cluster, StageGoal
from progress.services import marks_bump, rollup_full
from tests.factories import QuarterlyFigureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled_up():
    QuarterlyFigureFactory(cluster=Cluster.objects.get(code="heishan-main"), status=FigureStatus.APPROVED)
    rollup_full()


@pytest.mark.parametrize("url", ["/api/v1/progress/", "/api/v1/goals/"])
def test_an_unchanged_list_is_304_without_a_body(api, roles, rolled_up, url):
    client = api.as_(roles.editor_own)
    first = client.get(url, {"year": 2011})
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    assert set(first["Cache-Control"].split(", ")) == {"private", "no-cache", "no-store"}
    again = client.get(url, {"year": 2011}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert again["ETag"] == first["ETag"]
    since = client.get(url, {"year": 2011}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


@pytest.mark.parametrize("url", ["/api/v1/progress/", "/api/v1/goals/"])
def test_the_etag_depends_on_query_format_language_and_caller(api, roles, rolled_up, url):
    client = api.as_(roles.editor_own)
    etag = client.get(url)["ETag"]
    assert client.get(url, {"page_size": 5})["ETag"] != etag
    assert client.get(url, {"format": "csv"})["ETag"] != etag
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en")["ETag"] != etag
    assert api.as_(roles.planner).get(url)["ETag"] != etag


@pytest.mark.parametrize("url", ["/api/v1/progress/", "/api/v1/goals/"])
def test_a_new_rollup_changes_the_etag(api, roles, rolled_up, url):
    client = api.as_(roles.planner)
    etag = client.get(url)["ETag"]
    QuarterlyFigureFactory(cluster=Cluster.objects.get(code="pv"), status=FigureStatus.APPROVED)
    rollup_full()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize("url", ["/api/v1/progress/", "/api/v1/goals/"])
def test_a_pending_approval_changes_the_etag_before_the_rollup(api, roles, rolled_up, url):
    client = api.as_(roles.planner)
    etag = client.get(url)["ETag"]
    marks_bump(cluster_ids=[Cluster.objects.get(code="heishan-main").pk], years=[2011])
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert any(row["pending"] for row in rows)


def test_a_goal_edit_changes_the_goals_etag(api, roles, rolled_up):
    client = api.as_(roles.planner)
    etag = client.get("/api/v1/goals/")["ETag"]
    goal = StageGoal.objects.get(code="s1-heishan-100")
    goal.threshold = Decimal(120)
    goal.save()
    assert client.get("/api/v1/goals/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_invalid_filters_are_400_not_304(api, roles, rolled_up):
    client = api.as_(roles.planner)
    etag = client.get("/api/v1/progress/")["ETag"]
    assert client.get("/api/v1/progress/", {"year": "x"}, HTTP_IF_NONE_MATCH=etag).status_code == 400


def test_a_304_costs_two_queries(api, roles, rolled_up, django_assert_max_num_queries):
    client = api.as_(roles.planner)
    etag = client.get("/api/v1/progress/")["ETag"]
    with django_assert_max_num_queries(2):  # the token, then one query for every validator
        assert client.get("/api/v1/progress/", HTTP_IF_NONE_MATCH=etag).status_code == 304
