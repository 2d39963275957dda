"""/api/v1/scenarios/: read only, the saved assumptions with their result (情景), for planners and city-wide
readers; department users and their clients see none; the query count does not grow with the data."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from investment.models import Project
from org.models import User
from scenarios import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/scenarios/"


def _client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_a_planner_reads_a_scenario_with_its_result(planner, cells, save_scenario):
    scenario = save_scenario()
    body = _client(planner).get(f"{URL}{scenario.pk}/", {"year": 2012}).json()
    assert (body["name"], body["project"], body["start_year"], body["output"], body["version"]) == (
        scenario.name, cells.pk, 2014, None, 1)
    assert body["created_by"] == planner.username
    result = body["result"]
    assert (result["year"], result["computable"]) == (2012, True)
    [flip] = [f for f in result["flips"] if f["code"] == "s2-pv-1000"]
    assert (flip["official_status"], flip["scenario_status"]) == ("on_track", "off_track")
    assert (flip["official_projected"], flip["scenario_projected"]) == ("1016.00", "716.00")
    assert result["goals_flipped"] == len(result["flips"])


def test_the_list_has_the_live_scenarios_only_with_decimals_as_strings(planner, pv, save_scenario):
    kept = save_scenario("光伏高增长", cluster=pv, growth="12.5")
    gone = save_scenario()
    services.scenario_archive(user=planner, scenario_id=gone.pk, expected_version=1)
    body = _client(planner).get(URL).json()
    assert [row["id"] for row in body["results"]] == [kept.pk]
    assert body["results"][0]["growth"] == "12.50"


def test_a_city_wide_client_reads_them_and_departments_see_none(make_user, save_scenario):
    scenario = save_scenario()
    city = _client(make_user(User.Role.API_CLIENT))
    assert [row["id"] for row in city.get(URL).json()["results"]] == [scenario.pk]
    for role, department in ((User.Role.API_CLIENT, "nlb"), (User.Role.EDITOR, "gov-heishan")):
        client = _client(make_user(role, department))
        assert client.get(URL).json()["results"] == []
        assert client.get(f"{URL}{scenario.pk}/").status_code == 404


def test_a_bad_year_is_400_in_the_error_shape(planner, save_scenario):
    scenario = save_scenario()
    for path in (URL, f"{URL}{scenario.pk}/"):
        response = _client(planner).get(path, {"year": "1e9999"})
        assert response.status_code == 400
        assert set(response.json()) == {"detail", "code", "errors"}


def test_list_and_detail_queries_do_not_grow_with_the_data(planner, pv, save_scenario, django_assert_max_num_queries):
    client = _client(planner)
    scenario = save_scenario()
    with django_assert_max_num_queries(12) as few_list:
        assert client.get(URL, {"page_size": 1000}).status_code == 200
    with django_assert_max_num_queries(12) as few_detail:
        assert client.get(f"{URL}{scenario.pk}/").status_code == 200
    for i in range(30):
        save_scenario(f"情景{i}", cluster=pv, growth=str(i))
    Project.objects.bulk_create([Project(name=f"项目{i}", cluster=pv, stage=3, expected_start_year=2012,
                                         expected_start_quarter=2, expected_output=1) for i in range(40)])
    with django_assert_max_num_queries(len(few_list)):
        assert client.get(URL, {"page_size": 1000}).json()["count"] == 31
    with django_assert_max_num_queries(len(few_detail)):
        client.get(f"{URL}{scenario.pk}/")
