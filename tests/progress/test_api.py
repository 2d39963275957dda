"""The progress endpoint: scoped by the permission layer, validated, a fixed number of queries."""
from decimal import Decimal

import pytest

from clusters.choices import FigureSource, FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import User
from progress.services import rollup_full

pytestmark = pytest.mark.django_db
URL = "/api/v1/progress/"


def _approved(code: str, year: int, quarter: int, value: str, source: str = FigureSource.ENTERED) -> None:
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code=code), year=year, quarter=quarter,
                                   output_value=Decimal(value), status=FigureStatus.APPROVED, source=source)


@pytest.fixture
def rolled_up():
    _approved("heishan-main", 2011, 1, "10")
    _approved("linghe-main", 2011, 1, "20", source=FigureSource.DEMO)
    rollup_full()


def _rows(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.json()["results"]


def test_anonymous_gets_401_or_403(client):
    assert client.get(URL).status_code in (401, 403)


def test_editor_sees_its_clusters_and_the_city_but_not_other_departments_clusters(client, agri_editor, rolled_up):
    rows = _rows(client, agri_editor, quarter=1)
    clusters = {r["scope_id"] for r in rows if r["scope"] == "cluster"}
    assert clusters == {Cluster.objects.get(code="heishan-main").pk}
    assert {r["scope"] for r in rows} == {"cluster", "region", "department", "city"}
    city = next(r for r in rows if r["scope"] == "city")
    assert city["value"] == "30.0000"


def test_a_department_sees_only_its_own_department_row(client, agri_editor, rolled_up):
    rows = _rows(client, agri_editor, scope="department")
    assert {r["scope_id"] for r in rows} == {agri_editor.department_id}


def test_city_wide_api_client_sees_every_cluster_row(client, make_user, rolled_up):
    rows = _rows(client, make_user(User.Role.API_CLIENT), scope="cluster", quarter=1)
    assert len(rows) == 2


def test_demo_rows_are_labelled(client, planner, rolled_up):
    rows = {r["scope_id"]: r for r in _rows(client, planner, scope="cluster", quarter=1)}
    linghe = rows[Cluster.objects.get(code="linghe-main").pk]
    heishan = rows[Cluster.objects.get(code="heishan-main").pk]
    assert (linghe["is_demo"], linghe["data_label"]) == (True, "演示数据")
    assert (heishan["is_demo"], heishan["data_label"]) == (False, "")


def test_pending_is_true_until_the_rollup_catches_up(client, planner, rolled_up):
    from progress.services import marks_bump

    marks_bump(cluster_ids=[Cluster.objects.get(code="heishan-main").pk], years=[2011])
    rows = {(r["scope"], r["scope_id"]): r["pending"] for r in _rows(client, planner, year=2011, quarter=1)}
    assert rows[("cluster", Cluster.objects.get(code="heishan-main").pk)] is True
    assert rows[("cluster", Cluster.objects.get(code="linghe-main").pk)] is False
    assert rows[("city", 0)] is True


@pytest.mark.parametrize("params", [{"year": "abc"}, {"quarter": "9"}, {"scope": "planet"}, {"scope_id": "-1"}])
def test_bad_filters_get_400_naming_the_field(client, planner, params):
    client.force_login(planner)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)  # the API's error shape: docs/api.md


def test_query_count_does_not_grow_with_rows(client, planner, django_assert_max_num_queries):
    client.force_login(planner)
    _approved("heishan-main", 2011, 1, "1")
    rollup_full()
    with django_assert_max_num_queries(4):
        client.get(URL, {"page_size": 1000})
    for code in Cluster.objects.values_list("code", flat=True):
        for year in (2012, 2013):
            for quarter in (1, 2, 3, 4):
                _approved(code, year, quarter, "5")
    rollup_full()
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"page_size": 1000})
    assert response.json()["count"] > 200
