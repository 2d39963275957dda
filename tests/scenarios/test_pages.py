"""The scenario pages: saved from the goals page's what-if panel, listed with their flips, opened (marked 情景),
changed as a new version (a stale one refused with a conflict), archived; planners only; and the official goals,
on the page and in the API, never include a scenario."""
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clusters.models import Cluster
from investment.models import Project
from org.models import User
from scenarios.models import Scenario
from tests.reporting.support import english

pytestmark = pytest.mark.django_db


def _panel(**values) -> dict:
    return {f"whatif-{key}": value for key, value in values.items()}


def _create(client, **values):
    values = {"name": "电池项目推迟", "description": "推迟两年"} | values
    return client.post(reverse("scenario-create-page"), _panel(**values))


@pytest.fixture
def planner_client(client, planner, pv_with_projects):
    client.force_login(planner)
    return client


def test_the_what_if_panel_offers_to_save_its_assumptions(planner_client, cells):
    response = planner_client.get(reverse("goal-page"), {"year": 2012, "whatif-run": "1",
                                                         **_panel(project=cells.pk, start_year=2014, start_quarter=1)})
    page = response.content.decode()
    assert f'action="{reverse("scenario-create-page")}"' in page
    assert f'name="whatif-project" value="{cells.pk}"' in page
    assert 'name="whatif-start_year" value="2014"' in page
    assertContains(response, "保存为情景")


def test_saving_from_the_panel_opens_the_scenario_with_its_flip(planner_client, planner, cells):
    response = _create(planner_client, project=cells.pk, start_year=2014, start_quarter=1)
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scenario-page", args=[scenario.pk])
    assert (scenario.start_year, scenario.start_quarter, scenario.output, scenario.created_by) == (2014, 1, None,
                                                                                                   planner)
    page = planner_client.get(response["Location"], {"year": 2012})
    assertContains(page, "情景")
    assertContains(page, "不是正式数据")
    [flip] = [f for f in page.context["result"].flips if f.official.goal.code == "s2-pv-1000"]
    assert (flip.official.status_with_pipeline, flip.assumed.status_with_pipeline) == ("on_track", "off_track")


def test_the_list_shows_author_version_what_changes_and_how_many_goals_flip(planner_client, planner, cells,
                                                                             save_scenario):
    english(planner_client)
    scenario = save_scenario()
    response = planner_client.get(reverse("scenario-list-page"), {"year": 2012})
    [result] = response.context["results"]
    assert result.scenario == scenario
    assert len(result.flips) >= 1
    assertContains(response, scenario.name)
    assertContains(response, planner.username)
    assertContains(response, f"{cells.name}: start Q1 2014")
    assertContains(response, reverse("scenario-page", args=[scenario.pk]))


@pytest.mark.parametrize(("values", "field"), [
    ({"project": 10**9}, "project"),  # unknown project
    ({"project": "abc"}, "project"),
    ({"start_quarter": "5"}, "start_quarter"),
    ({"start_year": "20x4"}, "start_year"),
    ({"cluster": "pv", "growth": "abc"}, "growth"),
    ({"cluster": "pv", "growth": "1e9999"}, "growth"),
    ({"cluster": "pv", "growth": "NaN"}, "growth"),
    ({"cluster": 10**9, "growth": "5"}, "cluster"),
    ({"output": "-3"}, "output"),
    ({"name": ""}, "name"),
    ({"name": "长" * 101}, "name"),
])
def test_each_field_is_checked_and_nothing_is_saved(planner_client, cells, values, field):
    english(planner_client)
    values = {"project": cells.pk, "start_year": 2014, "start_quarter": 1} | values
    if values.get("cluster") == "pv":
        values["cluster"] = Cluster.objects.get(code="pv").pk
    response = _create(planner_client, **values)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Scenario.objects.exists()


def test_a_second_live_scenario_of_the_same_name_is_refused(planner_client, cells, save_scenario):
    english(planner_client)
    save_scenario("同名")
    response = _create(planner_client, name="同名", project=cells.pk, start_year=2015)
    assert response.status_code == 400
    assertContains(response, "Another scenario already has this name.", status_code=400)
    assert Scenario.objects.count() == 1


def test_editing_saves_a_new_version_and_a_stale_form_gets_a_conflict(planner_client, make_user, cells, pv,
                                                                      save_scenario):
    english(planner_client)
    scenario = save_scenario()
    url = reverse("scenario-edit-page", args=[scenario.pk])
    form = planner_client.get(url).context["form"]
    assert form.initial["start_year"] == 2014
    assert form.initial["version"] == 1
    edit = _panel(name=scenario.name, project=cells.pk, start_year=2015, start_quarter=2, version=1,
                  note="再推迟一年")
    assert planner_client.post(url, edit)["Location"] == reverse("scenario-page", args=[scenario.pk])
    stale = planner_client.post(url, edit | _panel(start_year=2016, cluster=pv.pk, growth="12.5"))
    assert stale.status_code == 409
    assertContains(stale, "Someone else saved this scenario meanwhile (now version 2", status_code=409)
    assert 'name="whatif-version" value="2"' in stale.content.decode()  # saving again is a decision, not a default
    scenario.refresh_from_db()
    assert (scenario.version, scenario.start_year, scenario.start_quarter, scenario.cluster) == (2, 2015, 2, None)


def test_the_history_page_lists_every_version_with_the_reason(planner_client, cells, save_scenario):
    english(planner_client)
    scenario = save_scenario()
    planner_client.post(reverse("scenario-edit-page", args=[scenario.pk]),
                        _panel(name="改名", project=cells.pk, start_year=2015, version=1, note="年份改为2015"))
    response = planner_client.get(reverse("history", args=["scenarios.scenario", scenario.pk]))
    assertContains(response, "updated: 年份改为2015")
    assertContains(response, "电池项目推迟")  # the old name, kept in the history
    assertContains(response, "改名")
    assert f'{reverse("history", args=["scenarios.scenario", scenario.pk])}?back=' in planner_client.get(
        reverse("scenario-page", args=[scenario.pk])).content.decode()


def test_archiving_takes_the_scenario_off_the_list_but_keeps_it(planner_client, save_scenario):
    scenario = save_scenario()
    response = planner_client.post(reverse("scenario-archive-page", args=[scenario.pk]), {"version": 1})
    assert response["Location"] == reverse("scenario-list-page")
    assert planner_client.get(reverse("scenario-list-page")).context["results"] == []
    archived = planner_client.get(reverse("scenario-list-page"), {"archived": "1"}).context["results"]
    assert [r.scenario for r in archived] == [scenario]
    assert planner_client.get(reverse("scenario-page", args=[scenario.pk])).status_code == 200
    assert planner_client.get(reverse("scenario-edit-page", args=[scenario.pk])).status_code == 404
    assert Scenario.objects.get().archived_at is not None


def test_archiving_a_stale_version_is_refused(planner_client, cells, save_scenario):
    scenario = save_scenario()
    planner_client.post(reverse("scenario-edit-page", args=[scenario.pk]),
                        _panel(name=scenario.name, project=cells.pk, start_year=2015, version=1))
    planner_client.post(reverse("scenario-archive-page", args=[scenario.pk]), {"version": 1})
    assert Scenario.objects.get().archived_at is None


@pytest.mark.parametrize("department", ["nlb", "gov-heishan"])
@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.VIEWER])
def test_department_users_get_no_scenario_page(client, make_user, cells, save_scenario, department, role):
    scenario = save_scenario()
    client.force_login(make_user(role, department))
    for name, args in (("scenario-list-page", []), ("scenario-create-page", []), ("scenario-page", [scenario.pk]),
                       ("scenario-edit-page", [scenario.pk])):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert _create(client, project=cells.pk, start_year=2015, name="部门的").status_code == 403
    assert client.post(reverse("scenario-archive-page", args=[scenario.pk]), {"version": 1}).status_code == 403
    assert client.get(reverse("history", args=["scenarios.scenario", scenario.pk])).status_code == 404
    assert Scenario.objects.get().archived_at is None
    assert Scenario.objects.count() == 1


def test_saving_a_scenario_leaves_the_official_goals_page_and_api_as_they_were(planner_client, cells, pv,
                                                                               save_scenario):
    def official():
        page = planner_client.get(reverse("goal-page"), {"year": 2012})
        statuses = [(e.goal.code, e.status, e.status_with_pipeline, e.projected_with_pipeline)
                    for e in page.context["evaluations"]]
        api = planner_client.get("/api/v1/goals/", {"year": 2012, "page_size": 1000}).json()
        detail = planner_client.get(f"/api/v1/goals/{api['results'][0]['id']}/", {"year": 2012}).json()
        return statuses, api["results"], detail

    before = official()
    save_scenario()
    save_scenario("光伏高增长", cluster=pv, growth="500")
    save_scenario("组合", project=cells, output="1", start_year=2030, start_quarter=4, cluster=pv, growth="-50")
    assert Scenario.objects.count() == 3
    assert official() == before
    cells.refresh_from_db()
    assert (cells.expected_start_year, cells.expected_output) == (2012, 300)


def test_the_pages_are_in_english_without_chinese_labels(planner_client, save_scenario):
    english(planner_client)
    scenario = save_scenario()
    response = planner_client.get(reverse("scenario-page", args=[scenario.pk]))
    assertContains(response, "Scenario: computed from")
    assertContains(response, "not the official numbers")
    assertNotContains(response, "保存为情景")


def test_the_list_and_the_scenario_page_cost_the_same_queries_with_more_data(
        planner_client, cells, pv, save_scenario, django_assert_max_num_queries):
    save_scenario()
    scenario = save_scenario("增长", cluster=pv, growth="20")
    with django_assert_max_num_queries(16) as few_list:
        planner_client.get(reverse("scenario-list-page"))
    with django_assert_max_num_queries(16) as few_detail:
        planner_client.get(reverse("scenario-page", args=[scenario.pk]))
    for i in range(20):
        save_scenario(f"情景{i}", cluster=pv, growth=str(i))
    Project.objects.bulk_create([Project(name=f"项目{i}", cluster=pv, stage=3, expected_start_year=2012,
                                         expected_start_quarter=2, expected_output=1) for i in range(40)])
    with django_assert_max_num_queries(len(few_list)):
        planner_client.get(reverse("scenario-list-page"))
    with django_assert_max_num_queries(len(few_detail)):
        planner_client.get(reverse("scenario-page", args=[scenario.pk]))
