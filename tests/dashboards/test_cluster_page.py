"""The cluster page (/clusters/<pk>/): quarters against last year, annual output against the stage targets
with the projection, needed against achieved growth, enterprises, platforms and history; scoped, with
downloads, the unapproved switch and a bounded number of queries."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse

from clusters.choices import FigureStatus, PlatformKind
from clusters.models import Cluster, Enterprise, PublicServicePlatform, QuarterlyFigure, StageGoal
from progress.services import rollup_full
from tests.dashboards.detail_support import more_data, small_data, submitted, viewer
from tests.progress.figures import approved_quarters, approved_year
from tests.rowcount import assert_rows_bounded, cost_of

pytestmark = pytest.mark.django_db
# session, user, the cluster and its relations (4), the period (2), roll-up values, goals and their
# evaluation (4), the projects under way without an output or start (1), enterprises (2, or 4 when more have output
# than the page lists), history (3), the signed-in user's department.
MAX_QUERIES = 23


@pytest.fixture
def data():
    small_data()


def _url(code: str) -> str:
    return reverse("cluster-page", args=[Cluster.objects.get(code=code).pk])


def _page(client, code: str, **params):
    response = client.get(_url(code), params)
    assert response.status_code == 200
    return response


def test_anonymous_is_sent_to_login(client, data):
    assert client.get(_url("pv"))["Location"].startswith(reverse("login"))


def test_quarters_and_year_to_date_against_last_year(client, planner, data):
    client.force_login(planner)
    rows = _page(client, "pv", year=2012, quarter=4).context["charts"]["quarters"].table.rows
    assert [r[1:] for r in rows] == [
        [Decimal(45), Decimal("37.5"), Decimal(45), Decimal("37.5"), Decimal("20.0")],
        [Decimal(45), Decimal("37.5"), Decimal(90), Decimal(75), Decimal("20.0")],
        [Decimal(45), Decimal("37.5"), Decimal(135), Decimal("112.5"), Decimal("20.0")],
        [Decimal(45), Decimal("37.5"), Decimal(180), Decimal(150), Decimal("20.0")],
    ]


def test_the_quarters_are_the_progress_apis_numbers(client, planner, data):
    client.force_login(planner)
    pv = Cluster.objects.get(code="pv")
    chart = _page(client, "pv", year=2012, quarter=4).context["charts"]["quarters"]
    api = client.get("/api/v1/progress/", {"scope": "cluster", "scope_id": pv.pk, "year": 2012}).json()["results"]
    by_quarter = {row["quarter"]: Decimal(row["value"]) for row in api}
    this_year = next(s for s in chart.option["series"] if s["name"] == "2012")
    assert [Decimal(v) for v in this_year["data"]] == [by_quarter[q] for q in (1, 2, 3, 4)]


def test_the_period_picker_changes_the_numbers(client, planner, data):
    client.force_login(planner)
    in_2011 = _page(client, "pv", year=2011, quarter=4).context["charts"]["quarters"].table.rows
    in_2012q2 = _page(client, "pv", year=2012, quarter=2).context["charts"]["quarters"].table.rows
    assert in_2011[3][3] == Decimal(150)
    assert in_2012q2[1][3] == Decimal(90)
    assert in_2012q2[2][1] is None


def test_annual_output_carries_every_stage_target_and_the_projection(client, planner, data):
    client.force_login(planner)
    chart = _page(client, "pv", year=2012, quarter=4).context["charts"]["annual"]
    marks = chart.option["series"][0]["markLine"]["data"]
    goals = StageGoal.objects.filter(cluster__code="pv", kind="cluster_value")
    assert sorted(Decimal(m["yAxis"]) for m in marks) == sorted({g.threshold for g in goals})  # one line a value
    rows = {row[0]: row for row in chart.table.rows}
    assert rows[2011][1] == Decimal(150)
    assert rows[2012][1] == Decimal(180)
    assert rows[2013][2] == Decimal("216.00")  # 180 grown by the 20 % achieved
    assert chart.option["yAxis"]["max"] >= max(g.threshold for g in goals)  # the highest target stays in view


def test_needed_and_achieved_growth_are_the_goal_apis(client, planner, data):
    client.force_login(planner)
    pv = Cluster.objects.get(code="pv")
    chart = _page(client, "pv", year=2012, quarter=4).context["charts"]["rates"]
    api = client.get("/api/v1/goals/", {"cluster": pv.pk, "year": 2012, "kind": "cluster_value"}).json()["results"]
    api.sort(key=lambda g: (g["deadline_year"], g["id"]))
    needed = [Decimal(g["needed_cagr"]) * 100 if g["needed_cagr"] else None for g in api]
    achieved = [Decimal(g["achieved_cagr"]) * 100 if g["achieved_cagr"] else None for g in api]
    # drawn bottom-up: the earliest deadline is the last bar
    assert [Decimal(v) if v else None for v in reversed(chart.option["series"][0]["data"])] == needed
    assert [Decimal(v) if v else None for v in reversed(chart.option["series"][1]["data"])] == achieved
    assert [row[2] for row in chart.table.rows] == [g["year"] for g in api]  # the year each goal is judged on
    still_open = [a for g, a in zip(api, achieved, strict=True) if g["deadline_year"] >= 2012]
    assert still_open[0] == Decimal("20.00")  # goals past their deadline are judged on their deadline year


def test_a_cluster_without_its_own_goal_is_measured_against_the_city_thresholds(client, planner, data):
    client.force_login(planner)
    lines = _page(client, "linghe-main", year=2011, quarter=4).context["goal_lines"]
    assert lines
    assert not any(line.own for line in lines)
    assert {line.evaluation.goal.threshold for line in lines} == {Decimal(100), Decimal(200), Decimal(1000)}


def test_enterprises_and_their_shares(client, planner, data):
    client.force_login(planner)
    chart = _page(client, "auto", year=2012, quarter=4).context["charts"]["enterprises"]
    assert [row[:4] for row in chart.table.rows] == [["锦恒", True, Decimal(60), Decimal("75.0")],
                                                      ["小厂", False, Decimal(20), Decimal("25.0")]]
    assert [part["name"] for part in chart.option["series"][0]["data"]] == ["锦恒", "小厂"]


def test_a_cluster_of_many_enterprises_shows_the_largest_and_the_others_as_one(client, planner, data, monkeypatch):
    # given: auto's 锦恒 (60, leading) and 小厂 (20) in 2012; the page names only its largest enterprise
    monkeypatch.setattr("dashboards.cluster.ENTERPRISES_SHOWN", 1)
    client.force_login(planner)
    chart = _page(client, "auto", year=2012, quarter=4).context["charts"]["enterprises"]
    # then: the other one is a part of its own, its share of all of them
    assert [row[:4] for row in chart.table.rows] == [["锦恒", True, Decimal(60), Decimal("75.0")],
                                                      ["其他 1 家企业", None, Decimal(20), Decimal("25.0")]]
    assert [part["name"] for part in chart.option["series"][0]["data"]] == ["锦恒", "其他 1 家企业"]
    assert "下载" in chart.note
    # and the download lists every enterprise, numbers as numbers
    response = client.get(_url("auto"), {"year": 2012, "quarter": 4, "chart": "enterprises", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert {"锦恒", "小厂"} <= set(names)
    assert "其他 1 家企业" not in names
    assert 20 in [row[2] for row in sheet.iter_rows(values_only=True)]


def test_the_page_reads_the_enterprises_it_shows_however_many_the_cluster_has(client, planner, data, monkeypatch):
    monkeypatch.setattr("dashboards.cluster.ENTERPRISES_SHOWN", 2)
    client.force_login(planner)
    url = _url("auto")
    client.get(url)  # the session's first request after login writes it; not the page's cost
    small = cost_of(lambda: client.get(url, {"year": 2012, "quarter": 4}))
    auto = Cluster.objects.get(code="auto")
    for i in range(30):
        enterprise = Enterprise.objects.create(cluster=auto, name=f"企业 {i}")
        approved_quarters("auto", 2012, [1, 1, 1, 1], enterprise=enterprise)
    large = cost_of(lambda: client.get(url, {"year": 2012, "quarter": 4}))
    assert_rows_bounded(small, large, what="the cluster page")
    assert large.result.context["charts"]["enterprises"].table.rows[-1][0] == "其他 30 家企业"


def test_platforms_and_history_are_shown(client, planner, data):
    pv = Cluster.objects.get(code="pv")
    PublicServicePlatform.objects.create(cluster=pv, kind=PlatformKind.TESTING, name="光伏检测中心")
    client.force_login(planner)
    html = _page(client, "pv").content.decode()
    assert "光伏检测中心" in html
    assert reverse("history", args=["clusters.cluster", pv.pk]) in html
    assert 'class="history"' in html


def test_a_department_sees_its_own_cluster_and_not_another_departments(client, data):
    client.force_login(viewer("nlb"))
    assert client.get(_url("heishan-main")).status_code == 200
    assert client.get(_url("pv")).status_code == 404
    assert client.get(_url("pv"), {"chart": "quarters", "export": "csv"}).status_code == 404
    assert client.get(reverse("cluster-page", args=[999_999])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_chart_downloads_its_data(client, planner, data, fmt):
    client.force_login(planner)
    for key in ("quarters", "annual", "rates", "enterprises"):
        response = client.get(_url("auto" if key == "enterprises" else "pv"),
                              {"year": 2012, "quarter": 4, "chart": key, "export": fmt})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        body = client.get(_url("pv"), {"year": 2012, "quarter": 4, "chart": "quarters", "export": "csv"}) \
            .content.decode("utf-8-sig")
        assert "180" in body
        assert "37.5" in body


def test_an_unknown_chart_download_is_404(client, planner, data):
    client.force_login(planner)
    assert client.get(_url("pv"), {"chart": "nope", "export": "csv"}).status_code == 404


def test_the_unapproved_switch_adds_submitted_figures_and_says_so(client, planner, data):
    submitted("pv", 2013, 1, "50")
    client.force_login(planner)
    approved = _page(client, "pv", year=2013, quarter=1)
    with_unapproved = _page(client, "pv", year=2013, quarter=1, unapproved=1)
    assert approved.context["charts"]["quarters"].table.rows[0][1] is None
    assert with_unapproved.context["charts"]["quarters"].table.rows[0][1] == Decimal(50)
    assert 'class="unapproved-banner"' in with_unapproved.content.decode()
    assert 'class="unapproved-banner"' not in approved.content.decode()


def test_the_unapproved_switch_leaves_the_projection_on_approved_figures(client, planner, data):
    # given: finechem's first enterprise approved 100 (2011) and 150 (2012); a second one's 50 for 2012 Q4 awaits review
    finechem = Cluster.objects.get(code="finechem")
    first = Enterprise.objects.create(cluster=finechem, name="甲厂")
    second = Enterprise.objects.create(cluster=finechem, name="乙厂")
    approved_year("finechem", 2011, 100, enterprise=first)
    approved_year("finechem", 2012, 150, enterprise=first)
    QuarterlyFigure.objects.create(cluster=finechem, enterprise=second, year=2012, quarter=4,
                                   output_value=Decimal(50), status=FigureStatus.SUBMITTED)
    rollup_full()
    client.force_login(planner)

    approved = {r[0]: r for r in _page(client, "finechem", year=2012, quarter=4).context["charts"]["annual"].table.rows}
    with_unapproved = {r[0]: r for r in _page(client, "finechem", year=2012, quarter=4, unapproved=1)
                       .context["charts"]["annual"].table.rows}

    assert (approved[2012][1], with_unapproved[2012][1]) == (Decimal(150), Decimal(200))  # the bars follow the switch
    assert approved[2013][2] == with_unapproved[2013][2] == Decimal("225.00")  # 150 grown by the 50 % achieved
    assert [r[2:] for r in approved.values()] == [r[2:] for r in with_unapproved.values()]


def test_a_projection_decades_ahead_from_near_nothing_is_left_out_not_a_crash(client, planner, data):
    # given: finechem from 1 to 60 in a year (5900 %), projected to 2030 and 2100
    approved_year("finechem", 2011, 1)
    approved_year("finechem", 2012, 60)
    rollup_full()
    client.force_login(planner)

    for year in (2030, 2100):
        chart = _page(client, "finechem", year=year, quarter=4).context["charts"]["annual"]
        projected = {row[0]: row[2] for row in chart.table.rows}
        assert projected[2013] == Decimal("3600.00")  # 60 grown 60-fold
        assert projected.get(year) is None  # beyond what a roll-up value can hold: not drawn


def test_a_cluster_that_fell_to_nothing_still_has_its_page(client, planner, data):
    # given: finechem 100 (2011) → 0 (2012): achieved growth −100 % from a base of nothing
    approved_year("finechem", 2011, 100)
    approved_year("finechem", 2012, 0)
    rollup_full()
    client.force_login(planner)

    chart = _page(client, "finechem", year=2012, quarter=4).context["charts"]["annual"]

    assert {row[0]: row[2] for row in chart.table.rows}[2012] == Decimal(0)


def test_bad_period_input_falls_back_to_the_latest_quarter(client, planner, data):
    client.force_login(planner)
    response = _page(client, "pv", year="abc", quarter="9")
    assert (response.context["period"].year, response.context["period"].quarter) == (2012, 4)
    assert 'class="error"' in response.content.decode()


def test_the_cluster_list_links_every_cluster_to_its_page(client, planner, data):
    client.force_login(planner)
    try:
        url = reverse("cluster-list-page")
    except NoReverseMatch:
        url = reverse("home")
    html = client.get(url).content.decode()
    for pk in Cluster.objects.values_list("pk", flat=True):
        assert f'href="{reverse("cluster-page", args=[pk])}"' in html


@pytest.mark.parametrize("params", [{}, {"unapproved": "1"}, {"chart": "annual", "export": "xlsx"}])
def test_queries_are_bounded_whatever_the_data_size(client, planner, data, django_assert_max_num_queries, params):
    client.force_login(planner)
    url = _url("auto")
    client.get(url)  # the session's first request after login writes it; not the page's cost
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        client.get(url, params)
    more_data()
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        client.get(url, params)
    assert len(large.captured_queries) == len(small.captured_queries)
