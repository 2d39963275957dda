"""/api/v1/commentary/: scoped like the figures, filtered by cluster, department, year and quarter, read only."""
import pytest

from clusters.models import Cluster
from commentary import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/commentary/"


def _write(user, code, year=2011, quarter=1):
    return services.commentary_save(user=user, cluster=Cluster.objects.get(code=code), year=year, quarter=quarter,
                                    expected_version=None, progress=f"{code}进展", problems="问题", next_steps="措施")


@pytest.fixture
def written(roles):
    return {
        "heishan": _write(roles.planner, "heishan-main"),
        "heishan_q2": _write(roles.planner, "heishan-main", quarter=2),
        "linghe": _write(roles.planner, "linghe-main"),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_a_department_sees_its_own_clusters_commentary_only(api, roles, written):
    assert _ids(api.as_(roles.editor_own).get(URL)) == {written["heishan"].pk, written["heishan_q2"].pk}
    assert _ids(api.as_(roles.api_city).get(URL)) == {c.pk for c in written.values()}


def test_another_departments_commentary_is_404(api, roles, written):
    response = api.as_(roles.editor_other).get(f"{URL}{written['heishan'].pk}/")
    assert response.status_code == 404


def test_anonymous_is_401(api, written):
    assert api.as_(None).get(URL).status_code == 401


def test_filters_by_cluster_department_year_and_quarter(api, roles, written):
    client = api.as_(roles.planner)
    heishan = Cluster.objects.get(code="heishan-main")
    assert _ids(client.get(URL, {"cluster": heishan.pk})) == {written["heishan"].pk, written["heishan_q2"].pk}
    assert _ids(client.get(URL, {"department": heishan.responsible_department_id})) == {
        written["heishan"].pk, written["heishan_q2"].pk}
    assert _ids(client.get(URL, {"year": 2011, "quarter": 2})) == {written["heishan_q2"].pk}
    assert _ids(client.get(URL, {"cluster_code": "linghe-main"})) == {written["linghe"].pk}
    assert client.get(URL, {"quarter": 5}).status_code == 400
    assert client.get(URL, {"department": "x"}).status_code == 400


def test_a_row_carries_the_texts_status_version_and_remarks(api, roles, written):
    row = api.as_(roles.planner).get(f"{URL}{written['heishan'].pk}/").json()
    assert (row["progress"], row["problems"], row["next_steps"]) == ("heishan-main进展", "问题", "措施")
    assert (row["status"], row["version"], row["remarks"]) == ("draft", 1, [])
    assert row["department"] == Cluster.objects.get(code="heishan-main").responsible_department_id


def test_it_is_read_only(api, roles, written):
    client = api.as_(roles.planner)
    assert client.post(URL, {}, format="json").status_code in (403, 405)
    assert client.patch(f"{URL}{written['heishan'].pk}/", {}, format="json").status_code in (403, 405)


def test_the_list_costs_the_same_queries_for_more_rows(api, roles, written, django_assert_max_num_queries):
    client = api.as_(roles.api_city)
    for code in ("pv", "auto"):
        _write(roles.planner, code)
    with django_assert_max_num_queries(8):
        assert len(_ids(client.get(URL))) == 5


def test_the_schema_documents_the_endpoint_and_its_filters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    names = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"cluster", "department", "year", "quarter", "status"} <= names
