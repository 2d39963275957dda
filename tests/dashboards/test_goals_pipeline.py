"""The goals page shows each goal projected both ways, "on the trend" and "with N projects", names the projects,
and states the rule; its query count does not grow with the number of projects."""
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from clusters.models import Cluster
from investment.models import Project
from tests.reporting.support import english

from .pipeline_support import CELLS, MODULES, WAFERS, pv_with_projects_set_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def pv_with_projects():
    pv_with_projects_set_up()


def test_each_goal_shows_the_trend_and_the_pipeline_with_the_projects_named(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    response = client.get(reverse("goal-page"), {"year": 2012})
    # s2-pv-1000: 216 on the trend (off track); 216 + 800 with the three projects (on track)
    assertContains(response, "On the trend: 216.00 100M yuan, off track")
    assertContains(response, "With 3 projects: 1016.00 100M yuan, on track")
    assertContains(response, CELLS)
    assertContains(response, "not yet producing at design capacity")  # the rule, on the page


def test_the_page_in_chinese_states_the_rule(client, planner, pv_with_projects):
    client.force_login(planner)
    response = client.get(reverse("goal-page"), {"year": 2012})
    assertContains(response, "按趋势")
    assertContains(response, "开工建设")


def test_the_goal_page_queries_do_not_grow_with_the_projects(client, planner, pv_with_projects,
                                                             django_assert_max_num_queries):
    client.force_login(planner)
    with django_assert_max_num_queries(14):
        client.get(reverse("goal-page"))
    pv = Cluster.objects.get(code="pv")
    Project.objects.bulk_create([Project(name=f"项目{i}", cluster=pv, stage=3, expected_start_year=2012,
                                         expected_start_quarter=2, expected_output=Decimal(1)) for i in range(40)])
    with django_assert_max_num_queries(14):
        client.get(reverse("goal-page"))


def test_the_cluster_page_draws_the_projection_with_the_projects(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    pv = Cluster.objects.get(code="pv")
    chart = client.get(reverse("cluster-page", args=[pv.pk]), {"year": 2012, "quarter": 4}).context["charts"]["annual"]
    rows = {row[0]: row for row in chart.table.rows}
    # 2012 is the base year (measured): nothing added; 2013: 216 on the trend + 800 from the three projects
    assert (rows[2012][2], rows[2012][4]) == (Decimal("180.00"), Decimal("180.00"))
    assert (rows[2013][2], rows[2013][4]) == (Decimal("216.00"), Decimal("1016.00"))
    assert "Projection with the projects under way" in [s["name"] for s in chart.option["series"]]
    assert CELLS in chart.note


def test_the_cluster_page_stacks_each_project_on_the_projection(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    # the cells project from 2013 Q3 over four quarters: 2013 its quarters 1 + 2 of 4 steps, 300 × 3/16 = 56.25;
    # 2014 steps 3 + 4 + 4 + 4, 300 × 15/16 = 281.25; 2015 the full 300
    Project.objects.filter(name=CELLS).update(expected_start_year=2013, expected_start_quarter=3, ramp_up_quarters=4)
    Project.objects.filter(name=WAFERS).update(expected_output=None)
    page = reverse("cluster-page", args=[Cluster.objects.get(code="pv").pk])
    chart = client.get(page, {"year": 2012, "quarter": 4}).context["charts"]["pipeline"]
    names = [s["name"] for s in chart.option["series"]]
    assert names == ["Projection at the growth achieved", CELLS, MODULES]
    assert {s["stack"] for s in chart.option["series"]} == {"pipeline"}
    cells = chart.option["series"][1]["data"]
    # 2012 (the base year, measured) … 2015, Decimals as strings, to the four places of a contribution
    assert cells == [None, "56.2500", "281.2500", "300.0000"]
    rows = {row[0]: row for row in chart.table.rows}
    # 2013: trend 180 × 1.2 = 216, + 56.25 + 300 (modules from 2012 Q1, ramp-up 1) = 572.25
    assert rows[2013] == [2013, Decimal("216.00"), Decimal("56.25"), Decimal(300), Decimal("572.25")]
    # 2015: 180 × 1.2³ = 311.04, + 300 + 300
    assert rows[2015][-1] == Decimal("911.04")
    assert chart.table.headers[2] == f"{CELLS} (100M yuan)"
    assert f"Output not entered, not plotted: {WAFERS}." in chart.note
    # the top of the stack is the annual chart's line with the projects
    annual = client.get(page, {"year": 2012, "quarter": 4}).context["charts"]["annual"]
    assert {row[0]: row[4] for row in annual.table.rows}[2015] == Decimal("911.04")


def test_the_stacked_chart_downloads_as_a_table(client, planner, pv_with_projects):
    client.force_login(planner)
    pv = Cluster.objects.get(code="pv")
    response = client.get(reverse("cluster-page", args=[pv.pk]), {"year": 2012, "quarter": 4, "chart": "pipeline",
                                                                   "export": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert CELLS in text
    assert "1016" in text  # 2013: 216 + 800


def test_a_project_without_a_start_is_named_not_drawn(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    Project.objects.filter(name=MODULES).update(expected_start_year=None, expected_start_quarter=None)
    page = reverse("cluster-page", args=[Cluster.objects.get(code="pv").pk])
    chart = client.get(page, {"year": 2012, "quarter": 4}).context["charts"]["pipeline"]
    assert [s["name"] for s in chart.option["series"]][1:] == [WAFERS, CELLS]  # by name
    assert f"Production start not entered, not plotted: {MODULES}." in chart.note
    assert "Output not entered" not in chart.note


# --- the city overview: the same two projections on every goal card ----------------------------------------

def _card(response, code: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-goal="{code}"')
    return html[start:html.index("</li>\n", start)]


def test_the_city_overview_projects_every_goal_both_ways(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    response = client.get(reverse("city-dashboard"), {"year": 2012, "quarter": 4})
    pv = _card(response, "s2-pv-1000")
    assert "On the trend: 216.00 100M yuan, off track" in pv
    assert "With 3 projects: 1016.00 100M yuan, on track" in pv
    assert f"{CELLS}</a>: 300.00 100M yuan" in pv  # each project named with its output in the deadline year
    # s3-count-1000 (2 clusters ≥ 1000 by 2015): pv on the trend 180 × 1.2³ = 311.04, no cluster; with the three
    # projects at full output in 2015, 311.04 + 800 = 1111.04, one cluster: still short of two.
    count = _card(response, "s3-count-1000")
    assert "On the trend: 0 clusters, off track" in count
    assert "With 3 projects: 1 clusters, off track" in count
    # s3-count-200 (11 clusters ≥ 200): pv reaches it on the trend alone (311.04)
    assert "On the trend: 1 clusters, off track" in _card(response, "s3-count-200")


def test_the_city_overview_queries_do_not_grow_with_the_projects(client, planner, pv_with_projects,
                                                                  django_assert_max_num_queries):
    client.force_login(planner)
    client.get(reverse("city-dashboard"))  # the session's first request after login writes it
    with django_assert_max_num_queries(23) as few:  # tests/dashboards/test_city.py: PAGE_QUERIES
        client.get(reverse("city-dashboard"))
    pv = Cluster.objects.get(code="pv")
    Project.objects.bulk_create([Project(name=f"项目{i}", cluster=pv, stage=3, expected_start_year=2012,
                                         expected_start_quarter=2, expected_output=Decimal(1)) for i in range(40)])
    with django_assert_max_num_queries(23) as many:
        client.get(reverse("city-dashboard"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_city_overview_in_chinese(client, planner, pv_with_projects):
    client.force_login(planner)
    pv = _card(client.get(reverse("city-dashboard"), {"year": 2012, "quarter": 4}), "s2-pv-1000")
    assert "按趋势：216.00亿元，" in pv
    assert "计入3个项目：1016.00亿元，" in pv


# --- what-if (planners; nothing saved) -----------------------------------------------------------

def _what_if(client, **values):
    return client.get(reverse("goal-page"), {"year": 2012, "whatif-run": "1",
                                             **{f"whatif-{k}": v for k, v in values.items()}})


def test_a_planner_sees_which_goals_flip_when_a_project_starts_later(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    cells = Project.objects.get(name=CELLS)
    # the cells project (300) from 2014 instead: 216 + 500 in 2013 leaves 1000 − 500 = 500 to grow to from 180
    response = _what_if(client, project=cells.pk, start_year=2014, start_quarter=1)
    flipped = {f.official.goal.code: (f.official.status_with_pipeline, f.assumed.status_with_pipeline)
               for f in response.context["flips"]}
    assert flipped["s2-pv-1000"] == ("on_track", "off_track")
    cells.refresh_from_db()
    assert cells.expected_start_year == 2012  # nothing saved


def test_a_cluster_growth_assumption_can_flip_a_goal(client, planner, pv_with_projects):
    client.force_login(planner)
    Project.objects.update(expected_output=None)
    # 180 grown 500 % in a year: 1080 ≥ 1000
    response = _what_if(client, cluster=Cluster.objects.get(code="pv").pk, growth="500")
    assert "s2-pv-1000" in {f.official.goal.code for f in response.context["flips"]}


def test_a_project_without_values_needs_some(client, planner, pv_with_projects):
    english(client)
    client.force_login(planner)
    project = Project.objects.get(name=CELLS)
    Project.objects.filter(pk=project.pk).update(expected_output=None)
    response = _what_if(client, project=project.pk)
    assertContains(response, "it has none of its own")
    assert "flips" not in response.context


def test_nobody_but_a_planner_gets_the_panel(client, agri_editor, pv_with_projects):
    client.force_login(agri_editor)
    response = _what_if(client, cluster=Cluster.objects.get(code="heishan-main").pk, growth="50")
    assert "what_if_form" not in response.context
    assert "flips" not in response.context
