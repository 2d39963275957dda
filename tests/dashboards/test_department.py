"""A department's dashboard (/dashboard/department/<pk>/, and "/" for department users): who may open
which, its clusters' trends against their targets, what it still has to submit, its ranking, its parks
and projects, downloads, the period and "including unapproved" inputs, and its query count."""
import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from investment.models import Project
from org.models import Department, User
from parks.models import Park
from plan.demo import demo_load
from progress.models import Progress, RollupMark, Scope
from progress.services import rollup_full
from tests.reporting.support import load_xlsx

from .home_support import large_city, small_city, user

pytestmark = pytest.mark.django_db

URBAN = {"guta-main", "linghe-main", "songshan-main", "taihe-main"}  # 市服务业委 (fwy)
# session, user, the user's department (header); the department asked for; latest period (2); clusters and
# their goals (2); cluster values; the 100亿 scale goal; completeness (3); the assessment ranking (12); parks;
# projects; pending roll-ups; the clusters' commentary. Measured: 29 with the plan and three clusters' figures, 29
# with the demo data and 12 more clusters, enterprises, goals and projects.
PAGE_QUERIES = 29


def _url(code: str) -> str:
    return reverse("department-dashboard", args=[Department.objects.get(code=code).pk])


def _shows(response, text: str) -> bool:
    return response.content.decode().count(text) > 0


def _trend(response, code: str) -> dict:
    return response.context["charts"][f"cluster-{Cluster.objects.get(code=code).pk}"].option


def _values(option: dict, series: int = 0) -> list[Decimal | None]:
    return [None if v is None else Decimal(v) for v in option["series"][series]["data"]]


# --- who may open which ------------------------------------------------------------------------------

def test_a_department_user_opens_its_own_dashboard(client):
    client.force_login(user(User.Role.VIEWER, "fwy"))
    response = client.get(_url("fwy"))
    assert response.status_code == 200
    assert response.context["overview"].department.code == "fwy"


@pytest.mark.parametrize("role", [User.Role.VIEWER, User.Role.EDITOR])
def test_a_department_user_cannot_open_another_departments_dashboard(client, role):
    client.force_login(user(role, "fwy"))
    assert client.get(_url("jxw")).status_code == 404
    assert client.get(_url("nlb"), {"chart": "output", "export": "csv"}).status_code == 404


def test_a_planner_opens_any_department(client, planner):
    client.force_login(planner)
    for code in ("jxw", "nlb", "fwy", "gov-heishan"):
        assert client.get(_url(code)).status_code == 200


def test_a_city_wide_api_client_opens_any_department(client):
    client.force_login(user(User.Role.API_CLIENT, None))
    assert client.get(_url("nlb")).status_code == 200


def test_a_user_without_department_opens_none(client):
    client.force_login(user(User.Role.VIEWER, None))
    assert client.get(_url("nlb")).status_code == 404


def test_an_unknown_department_is_404(client, planner):
    client.force_login(planner)
    assert client.get(reverse("department-dashboard", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(_url("fwy"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- its clusters, trends and targets ---------------------------------------------------------------------

def test_only_the_departments_clusters_are_shown(client):
    small_city()
    client.force_login(user(User.Role.VIEWER, "fwy"))
    response = client.get(_url("fwy"))
    assert {c.code for c in response.context["overview"].clusters} == URBAN
    assert set(response.context["charts"]) == {f"cluster-{c.pk}" for c in Cluster.objects.filter(code__in=URBAN)}
    assert not _shows(response, "光伏产业集群")


def test_a_government_sees_the_clusters_on_its_territory(client):
    client.force_login(user(User.Role.VIEWER, "gov-heishan"))
    response = client.get(_url("gov-heishan"))
    assert {c.code for c in response.context["overview"].clusters} == {"heishan-main"}
    assert [p.region.code for p in response.context["overview"].parks] == ["heishan"]


def test_a_planner_sees_the_departments_clusters_not_its_own(client, planner):
    client.force_login(planner)
    response = client.get(_url("fwy"))
    assert {c.code for c in response.context["overview"].clusters} == URBAN


def test_trend_draws_each_quarter_from_the_roll_up_up_to_the_period(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(_url("jxw"), {"year": 2012, "quarter": 3})
    option = _trend(response, "pv")
    assert option["xAxis"]["data"][0] == "2011年第1季度"
    assert option["xAxis"]["data"][-1] == "2012年第3季度"
    rows = Progress.objects.filter(scope=Scope.CLUSTER, scope_id=Cluster.objects.get(code="pv").pk, quarter__gt=0)
    expected = {(r.year, r.quarter): r.value for r in rows}
    assert _values(option) == [expected[(y, q)] for y in (2011, 2012) for q in range(1, 5) if (y, q) <= (2012, 3)]
    # the year to date restarts each year: 2012 Q3 = three quarters of 180亿
    assert _values(option, 1)[-1] == Decimal(135)
    assert _values(option, 1)[3] == Decimal(150)


def test_trend_draws_the_clusters_stage_targets(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(_url("jxw"), {"year": 2013, "quarter": 4})
    lines = _trend(response, "pv")["series"][0]["markLine"]["data"]
    assert [Decimal(line["yAxis"]) for line in lines] == [200, 1000]  # s1 200; s2 and s3 1000 drawn once
    assert _trend(response, "pv")["yAxis"]["max"] >= 1000


def test_a_cluster_without_goals_is_drawn_against_the_100_yi_scale(client, planner):
    small_city()
    client.force_login(planner)
    lines = _trend(client.get(_url("fwy"), {"year": 2012}), "linghe-main")["series"][0]["markLine"]["data"]
    assert [Decimal(line["yAxis"]) for line in lines] == [100]


def test_including_unapproved_changes_the_trend(client, planner):
    small_city()
    QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code="linghe-main"), year=2013, quarter=1,
                                   output_value=Decimal("31.25"), status=FigureStatus.SUBMITTED)
    client.force_login(planner)
    approved = _values(_trend(client.get(_url("fwy"), {"year": 2013, "quarter": 1}), "linghe-main"))
    response = client.get(_url("fwy"), {"year": 2013, "quarter": 1, "unapproved": "1"})
    with_unapproved = _values(_trend(response, "linghe-main"))
    assert approved[-1] is None
    assert with_unapproved[-1] == Decimal("31.25")
    assert with_unapproved[:-1] == approved[:-1]
    assert _shows(response, 'class="unapproved-banner"')


# --- what it still has to submit, its ranking, parks and projects -------------------------------------------

def test_still_to_submit_counts_only_its_reporting_units_and_links_the_list(client):
    small_city()
    client.force_login(user(User.Role.VIEWER, "fwy"))
    response = client.get(_url("fwy"), {"year": 2012, "quarter": 2})
    assert response.context["overview"].completeness.total.open == len(URBAN - {"linghe-main"})
    assert _shows(response, 'data-kpi="outstanding"')
    fwy = Department.objects.get(code="fwy")
    assert _shows(response, f"{reverse('figure-completeness')}?year=2012&amp;quarter=2&amp;department={fwy.pk}")


def test_its_place_in_the_assessment_ranking(client, planner):
    small_city()
    client.force_login(planner)
    places = client.get(_url("fwy"), {"year": 2012, "quarter": 4}).context["overview"].ranking
    assert [(p.kind, p.unit.unit.code) for p in places] == [("department", "fwy")]
    assert places[0].unit.rank is not None
    assert places[0].out_of >= places[0].unit.rank


def test_a_government_is_placed_among_the_regions_too(client, planner):
    small_city()
    client.force_login(planner)
    places = client.get(_url("gov-heishan"), {"year": 2012, "quarter": 4}).context["overview"].ranking
    assert ("region", "heishan") in [(p.kind, p.unit.unit.code) for p in places]


def test_its_parks_and_projects_link_to_their_pages(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    response = client.get(_url("nlb"))
    overview = response.context["overview"]
    parks = set(Park.objects.filter(responsible_department__code="nlb"))
    assert set(overview.parks) == parks
    for park in parks:
        assert _shows(response, reverse("park-page", args=[park.pk]))
    assert overview.projects
    for project in overview.projects:
        assert project.responsible_department_id == overview.department.pk or project.cluster in overview.clusters
        assert _shows(response, reverse("project-page", args=[project.pk]))


def test_a_viewer_sees_only_the_projects_it_may(client):
    demo_load()
    other = Project.objects.create(name="别人的项目", cluster=Cluster.objects.get(code="pv"))
    client.force_login(user(User.Role.VIEWER, "fwy"))
    response = client.get(_url("fwy"))
    assert other not in response.context["overview"].projects
    assert not _shows(response, "别人的项目")


def test_a_pending_roll_up_is_announced(client, planner):
    small_city()
    RollupMark.objects.create(cluster=Cluster.objects.get(code="linghe-main"), year=2013, version=2, done_version=1)
    client.force_login(planner)
    response = client.get(_url("fwy"))
    assert response.context["overview"].pending == {Cluster.objects.get(code="linghe-main").pk}
    assert _shows(response, 'class="badge pending"')


def test_demo_data_is_marked(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    response = client.get(_url("fwy"))
    assert response.context["any_demo"]
    assert all(chart.demo for chart in response.context["charts"].values())


# --- downloads and inputs ------------------------------------------------------------------------------

def test_each_trend_downloads_as_csv_and_xlsx(client, planner):
    small_city()
    client.force_login(planner)
    pv = Cluster.objects.get(code="pv")
    query = {"year": 2012, "quarter": 4, "chart": f"cluster-{pv.pk}"}
    rows = list(csv.reader(io.StringIO(client.get(_url("jxw"), {**query, "export": "csv"})
                                       .content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 8
    assert rows[1][:2] == ["2011年第1季度", "37.5000"]
    response = client.get(_url("jxw"), {**query, "export": "xlsx"})
    assert response["Content-Disposition"].endswith('cluster-pv-trend-2012-4.xlsx"')
    assert load_xlsx(response.content).active.max_row == 9


def test_a_chart_of_another_page_is_404(client, planner):
    client.force_login(planner)
    assert client.get(_url("jxw"), {"chart": "output", "export": "csv"}).status_code == 404


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "2013", "quarter": "7"}, {"unapproved": "maybe",
                                                                                        "year": "-1"}])
def test_a_bad_period_shows_the_form_error_not_a_500(client, planner, query):
    small_city()
    client.force_login(planner)
    response = client.get(_url("jxw"), query)
    assert response.status_code == 200
    assert response.context["period_form"].errors
    assert _shows(response, 'class="error"')


# --- query count -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("department", ["jxw", "fwy"])
def test_the_page_runs_a_bounded_number_of_queries(client, planner, django_assert_max_num_queries, size, department):
    (small_city if size == "small" else large_city)()
    client.force_login(planner)
    url = _url(department)
    client.get(url)  # warm the session
    for query in ({"year": 2013, "quarter": 4}, {"year": 2013, "quarter": 4, "unapproved": "1"}):
        with django_assert_max_num_queries(PAGE_QUERIES):
            assert client.get(url, query).status_code == 200


def test_a_trend_draws_at_most_the_plans_five_years_up_to_the_period(client, planner):
    small_city()
    client.force_login(planner)
    labels = _trend(client.get(_url("jxw"), {"year": 2018, "quarter": 2}), "pv")["xAxis"]["data"]
    assert len(labels) == 20
    assert (labels[0], labels[-1]) == ("2013年第3季度", "2018年第2季度")


def test_charts_come_twelve_clusters_a_page_and_any_downloads_from_any_page(client, planner):
    large_city(extra_clusters=26)  # jxw: its own clusters and 13 extra ones
    client.force_login(planner)
    jxw = Department.objects.get(code="jxw")
    codes = list(Cluster.objects.filter(responsible_department=jxw).order_by("code").values_list("code", flat=True))
    assert len(codes) > 12
    first = client.get(_url("jxw"))
    assert len(first.context["charts"]) == 12
    assert 'rel="next"' in first.content.decode()
    last_page = (len(codes) + 11) // 12
    last = client.get(_url("jxw"), {"page": last_page})
    assert len(last.context["charts"]) == len(codes) - 12 * (last_page - 1)
    assert set(first.context["charts"]).isdisjoint(last.context["charts"])
    assert f'name="page" value="{last_page}"' in last.content.decode()  # the period picker keeps the page
    hidden = Cluster.objects.get(code=codes[-1])  # drawn on the last page only
    download = client.get(_url("jxw"), {"chart": f"cluster-{hidden.pk}", "export": "csv"})
    assert download.status_code == 200
    assert f"cluster-{hidden.code}-trend" in download["Content-Disposition"]
    api = client.get(reverse("dashboard-department", args=[jxw.pk]), {"page": 2}).json()
    assert [c["key"] for c in api["charts"]] == [
        f"cluster-{Cluster.objects.get(code=code).pk}" for code in codes[12:24]]
