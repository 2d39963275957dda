"""The city overview (/dashboard/city/, and "/" for planners and city-wide users): who lands where, what
it shows, its downloads, the period and "including unapproved" inputs, and its query count."""
import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import User
from plan.demo import demo_load
from progress.models import Progress, RollupMark, Scope
from progress.services import rollup_full
from tests.reporting.support import load_xlsx

from .home_support import large_city, small_city, user

pytestmark = pytest.mark.django_db

CITY = reverse("city-dashboard")
# session, user, the user's department (header); latest period (2); clusters; indicators: year, actuals, list (3);
# goals and their evaluation (4); completeness (3); cluster values; pending roll-ups; the small map: regions,
# clusters with their regions (2), roll-up rows (1; 2 GROUP BYs including unapproved). Measured: 23 with the plan and
# three clusters' figures, 23 with the demo data and 12 more clusters, enterprises, goals and projects.
PAGE_QUERIES = 23


@pytest.fixture
def viewer_fwy(db) -> User:
    return user(User.Role.VIEWER, "fwy")


def _output(response) -> dict[str, Decimal | None]:
    chart = response.context["charts"]["output"]
    names = chart.option["yAxis"]["data"]  # horizontal bars: one named row per cluster
    values = [None if v is None else Decimal(v) for v in chart.option["series"][0]["data"]]
    return dict(zip(names, values, strict=True))


def _shows(response, text: str) -> bool:
    """Whether the page contains `text` (without dumping the page on failure)."""
    return response.content.decode().count(text) > 0


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- who lands where -----------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client):
    assertRedirects(client.get(CITY), f"{reverse('login')}?next={CITY}")
    assertRedirects(client.get("/"), f"{reverse('login')}?next=/")


def test_home_is_the_city_overview_for_a_planner(client, planner):
    client.force_login(planner)
    response = client.get("/")
    assert response.templates[0].name == "dashboards/city.html"


def test_home_is_the_city_overview_for_a_city_wide_api_client(client):
    client.force_login(user(User.Role.API_CLIENT, None))
    assert client.get("/").templates[0].name == "dashboards/city.html"


def test_home_is_the_department_dashboard_for_a_department_user(client, viewer_fwy):
    client.force_login(viewer_fwy)
    response = client.get("/")
    assert response.templates[0].name == "dashboards/department.html"
    assert response.context["overview"].department == viewer_fwy.department


def test_the_cluster_list_moved_to_clusters(client, planner):
    client.force_login(planner)
    assert reverse("cluster-list-page") == "/clusters/"
    assertContains(client.get("/clusters/"), Cluster.objects.get(code="pv").name_zh)


def test_the_navigation_links_the_city_overview_my_department_and_the_cluster_list(client, viewer_fwy):
    client.force_login(viewer_fwy)
    response = client.get(CITY)
    assertContains(response, f'href="{CITY}"')
    assertContains(response, f'href="{reverse("department-dashboard", args=[viewer_fwy.department_id])}"')
    assertContains(response, 'href="/clusters/"')


# --- what it shows ---------------------------------------------------------------------------------

def test_three_stages_side_by_side_with_every_goal(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(CITY, {"year": 2013, "quarter": 4})
    stages = response.context["overview"].stages
    assert [s.stage for s in stages] == [1, 2, 3]
    assert sum(len(s.evaluations) for s in stages) == 22
    assertContains(response, 'class="stage-card"', count=3)
    assertContains(response, "<meter", count=sum(1 for s in stages for e in s.evaluations if e.attained is not None))


def test_count_goals_read_n_of_15_clusters_at_100_yi(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(CITY, {"year": 2012, "quarter": 4})
    # 2012: pv 180 and linghe-main 120 are at or above 100亿
    assert _shows(response, "2 / 15 个集群 ≥ 100亿元")
    assert _shows(response, "0 / 11 个集群 ≥ 200亿元")  # pv's 180亿 is short of 200


def test_output_chart_draws_every_cluster_from_the_roll_up_largest_first(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(CITY, {"year": 2012, "quarter": 4})
    drawn = _output(response)
    assert len(drawn) == 16
    assert list(drawn)[:2] == ["光伏产业集群", "凌河区主导产业集群（待定）"]
    api = dict(Progress.objects.filter(scope=Scope.CLUSTER, year=2012, quarter=0).values_list("scope_id", "value"))
    names = dict(Cluster.objects.values_list("name_zh", "pk"))
    assert drawn == {name: api.get(names[name]) for name in drawn}


def test_output_chart_always_draws_100_and_200_and_1000_only_when_within_reach(client, planner):
    small_city()
    client.force_login(planner)
    lines = client.get(CITY, {"year": 2012}).context["charts"]["output"].option["series"][0]["markLine"]["data"]
    assert [line["xAxis"] for line in lines] == ["100", "200"]
    demo_load()
    rollup_full()
    lines = client.get(CITY, {"year": 2014}).context["charts"]["output"].option["series"][0]["markLine"]["data"]
    assert [line["xAxis"] for line in lines] == ["100", "200", "1000"]  # petrochem 631亿 ≥ half of 1000


def test_the_value_axis_reaches_the_highest_line(client, planner):
    small_city()
    client.force_login(planner)
    option = client.get(CITY, {"year": 2011}).context["charts"]["output"].option
    assert option["xAxis"]["max"] >= 200


def test_city_indicators_against_their_targets(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    response = client.get(CITY, {"year": 2011, "quarter": 2})
    rows = response.context["overview"].indicators
    assert len(rows) == 3
    assert {row.quarter for row in rows} == {2}
    chart = response.context["charts"]["indicators"]
    assert chart.demo
    assert [Decimal(v) for v in chart.option["series"][1]["data"]] == [r.indicator.target_percent for r in rows]
    assertContains(response, 'data-indicator="industry-share"')


def test_indicators_of_a_later_year_fall_back_to_the_latest_targets(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    overview = client.get(CITY, {"year": 2014, "quarter": 2}).context["overview"]
    assert overview.indicator_year == 2011
    assert {row.quarter for row in overview.indicators} == {4}


def test_outstanding_submissions_of_the_chosen_quarter_by_department(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(CITY, {"year": 2013, "quarter": 2})
    standing = response.context["overview"].completeness
    assert (standing.quarter.year, standing.quarter.quarter) == (2013, 2)
    # only pv reported 2013: the other 15 clusters are outstanding
    assert standing.total.open == 15
    assertContains(response, 'data-department="fwy"')
    assertContains(response, reverse("department-dashboard", args=[standing.departments[0].department.pk]))


def test_a_pending_roll_up_is_announced(client, planner):
    small_city()
    client.force_login(planner)
    assert not _shows(client.get(CITY), "pending-banner")
    RollupMark.objects.create(cluster=Cluster.objects.get(code="pv"), year=2013, version=2, done_version=1)
    response = client.get(CITY)
    assert response.context["overview"].pending == {Cluster.objects.get(code="pv").pk}
    assert _shows(response, 'class="badge pending"')


def test_demo_data_is_marked(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    response = client.get(CITY)
    assert response.context["any_demo"]
    assert _shows(response, "演示数据")


# --- who sees what -----------------------------------------------------------------------------------

def test_a_department_user_sees_only_its_clusters_and_the_city_wide_goals(client, viewer_fwy):
    small_city()
    client.force_login(viewer_fwy)
    response = client.get(CITY, {"year": 2012})
    assert set(_output(response)) == set(Cluster.objects.filter(responsible_department__code="fwy")
                                         .values_list("name_zh", flat=True))
    codes = {e.goal.code for s in response.context["overview"].stages for e in s.evaluations}
    assert "s3-count-100" in codes
    assert "s3-pv-1000" not in codes
    assert not _shows(response, "光伏产业集群")
    assert {s.department.code for s in response.context["overview"].completeness.departments} == {"fwy"}


# --- downloads, inputs ---------------------------------------------------------------------------------

def test_the_output_chart_downloads_as_csv_and_xlsx_with_the_drawn_rows(client, planner):
    small_city()
    client.force_login(planner)
    drawn = _output(client.get(CITY, {"year": 2012}))
    rows = _csv(client.get(CITY, {"year": 2012, "chart": "output", "export": "csv"}))[1:]
    assert [(r[0], Decimal(r[1]) if r[1] else None) for r in rows] == list(drawn.items())
    response = client.get(CITY, {"year": 2012, "chart": "output", "export": "xlsx"})
    assert response["Content-Disposition"].endswith('cluster-output-2012.xlsx"')
    sheet = load_xlsx(response.content).active
    assert sheet.max_row >= len(drawn) + 1


def test_the_output_chart_draws_the_largest_clusters_and_its_download_holds_them_all(client, planner, monkeypatch):
    # given: 16 clusters, of which the chart may draw three
    monkeypatch.setattr("dashboards.city.DRAWN_CLUSTERS", 3)
    small_city()
    client.force_login(planner)
    chart = client.get(CITY, {"year": 2012}).context["charts"]["output"]
    # then: the three largest, the note says where the others are
    assert list(_output(client.get(CITY, {"year": 2012})))[:2] == ["光伏产业集群", "凌河区主导产业集群（待定）"]
    assert len(chart.table.rows) == 3
    assert "最大的 3 个集群" in chart.note
    assert "全部 16 个" in chart.note
    # and the download lists every cluster
    rows = _csv(client.get(CITY, {"year": 2012, "chart": "output", "export": "csv"}))[1:]
    assert len(rows) == Cluster.objects.count() == 16


def test_the_indicator_chart_downloads(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    rows = _csv(client.get(CITY, {"year": 2011, "quarter": 3, "chart": "indicators", "export": "csv"}))
    assert len(rows) == 4


def test_an_unknown_chart_download_is_404(client, planner):
    client.force_login(planner)
    assert client.get(CITY, {"chart": "nope", "export": "csv"}).status_code == 404


def test_including_unapproved_adds_submitted_figures_to_the_chart_only(client, planner):
    small_city()
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="guta-main"), year=2012, quarter=1,
                                   output_value=Decimal("33.5"), status=FigureStatus.SUBMITTED)
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="taihe-main"), year=2012, quarter=1,
                                   output_value=Decimal("99"), status=FigureStatus.DRAFT)
    client.force_login(planner)
    approved = _output(client.get(CITY, {"year": 2012}))
    response = client.get(CITY, {"year": 2012, "unapproved": "1"})
    with_unapproved = _output(response)
    assert approved["古塔区主导产业集群（待定）"] is None
    assert with_unapproved["古塔区主导产业集群（待定）"] == Decimal("33.5")
    assert with_unapproved["太和区主导产业集群（待定）"] is None  # drafts never count
    assert with_unapproved["光伏产业集群"] == approved["光伏产业集群"]
    assertContains(response, 'class="unapproved-banner"')


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "1900", "quarter": "9"}, {"quarter": "x"},
                                   {"year": "99999999999999999999"}])
def test_a_bad_period_shows_the_form_error_and_the_latest_period(client, planner, query):
    small_city()
    client.force_login(planner)
    response = client.get(CITY, query)
    assert response.status_code == 200
    assert response.context["period_form"].errors
    assertContains(response, 'class="error"')
    assert response.context["period"].year == 2013


# --- query count -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", ["small", "large"])
def test_the_page_runs_a_bounded_number_of_queries(client, planner, django_assert_max_num_queries, size):
    (small_city if size == "small" else large_city)()
    client.force_login(planner)
    client.get(CITY)  # warm the session
    for query in ({"year": 2013, "quarter": 4}, {"year": 2013, "quarter": 4, "unapproved": "1"}):
        with django_assert_max_num_queries(PAGE_QUERIES):
            assert client.get(CITY, query).status_code == 200
