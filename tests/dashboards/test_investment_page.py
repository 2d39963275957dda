"""The investment page (/investment/): the project pipeline by stage, key projects, and investment received
(foreign in USD, domestic in CNY) by quarter against the year's targets; scoped, with downloads and bounded
queries."""
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse

from investment.choices import Origin
from investment.models import InvestmentInflow, Project
from org.models import Region
from plan.demo import demo_load
from progress.services import rollup_full
from tests.dashboards.detail_support import viewer
from tests.progress.figures import approved_year

pytestmark = pytest.mark.django_db
URL = reverse("investment-dashboard")
# session, user, the period (2), stage counts, demo flag, city inflows, targets, key projects, the user's
# department (and, for a user who does not see every region, its regions' inflows).
MAX_QUERIES = 14


def _inflow(region: str, quarter: int, origin: str, amount: str, year: int = 2011) -> None:
    InvestmentInflow.objects.create(year=year, quarter=quarter, region=Region.objects.get(code=region), origin=origin,
                                    currency="USD" if origin == Origin.FOREIGN else "CNY", amount=Decimal(amount))


@pytest.fixture
def inflows():
    _inflow("heishan", 1, Origin.FOREIGN, "1.5")
    _inflow("kaifaqu", 1, Origin.FOREIGN, "2.5")
    _inflow("heishan", 2, Origin.FOREIGN, "3")
    _inflow("heishan", 1, Origin.DOMESTIC, "100")
    _inflow("kaifaqu", 2, Origin.DOMESTIC, "250")
    rollup_full()


def _charts(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["charts"]


def _api_sums(client, year: int) -> dict:
    sums = defaultdict(Decimal)
    for row in client.get("/api/v1/inflows/", {"year": year, "page_size": 1000}).json()["results"]:
        sums[(row["origin"], row["quarter"])] += Decimal(row["amount"])
    return sums


def test_the_pipeline_counts_the_projects_the_api_lists(client, planner):
    demo_load()
    client.force_login(planner)
    chart = _charts(client)["pipeline"]
    stages = Counter(p["stage"] for p in client.get("/api/v1/projects/", {"page_size": 1000}).json()["results"])
    assert [row[1] for row in chart.table.rows] == [stages[s] for s in range(1, 6)]
    assert [block["value"] for block in chart.option["series"][0]["data"]] == [
        sum(n for s, n in stages.items() if s >= stage) for stage in range(1, 6)]


def test_a_department_sees_only_its_projects(client):
    demo_load()
    person = viewer("nlb")
    client.force_login(person)
    response = client.get(URL)
    visible = set(Project.objects.visible_to(person).values_list("pk", flat=True))
    assert sum(row[1] for row in response.context["charts"]["pipeline"].table.rows) == len(visible)
    assert {p.pk for p in response.context["key_projects"]} <= visible
    hidden = Project.objects.exclude(pk__in=visible).filter(is_key=True).first()
    assert hidden is not None
    assert reverse("project-page", args=[hidden.pk]) not in response.content.decode()


def test_key_projects_link_to_their_pages(client, planner):
    client.force_login(planner)
    response = client.get(URL)
    keys = Project.objects.filter(is_key=True)
    assert [p.pk for p in response.context["key_projects"]]
    assert len(response.context["key_projects"]) == keys.count()
    for project in keys:
        assert reverse("project-page", args=[project.pk]) in response.content.decode()


def test_inflows_by_quarter_are_the_apis_sums_against_the_target(client, planner, inflows):
    client.force_login(planner)
    charts = _charts(client, year=2011, quarter=4)
    sums = _api_sums(client, 2011)
    foreign, domestic = charts["foreign"], charts["domestic"]
    assert [Decimal(v) if v else None for v in foreign.option["series"][0]["data"]] == [
        sums[("foreign", 1)], sums[("foreign", 2)], None, None]
    assert [Decimal(v) if v else None for v in foreign.option["series"][1]["data"]] == [
        Decimal(4), Decimal(7), None, None]
    assert Decimal(foreign.option["series"][0]["markLine"]["data"][0]["yAxis"]) == Decimal(15)
    assert Decimal(domestic.option["series"][0]["markLine"]["data"][0]["yAxis"]) == Decimal(700)
    assert domestic.table.rows[-1][2:4] == [Decimal(350), Decimal("50.0")]  # 350 of 700


def test_a_department_also_sees_the_sum_over_its_regions(client, inflows):
    person = viewer("nlb")
    client.force_login(person)
    chart = _charts(client, year=2011, quarter=4)["foreign"]
    sums = _api_sums(client, 2011)
    mine = chart.option["series"][2]["data"]
    expected, total = [], Decimal(0)
    for q in (1, 2):
        total += sums.get(("foreign", q), 0)
        expected.append(total if ("foreign", q) in sums else None)
    assert [Decimal(v) if v is not None else None for v in mine[:2]] == expected


def test_the_period_picker_changes_the_numbers(client, planner, inflows):
    client.force_login(planner)
    q1 = _charts(client, year=2011, quarter=1)["foreign"]
    q2 = _charts(client, year=2011, quarter=2)["foreign"]
    assert len(q1.table.rows) == 1
    assert len(q2.table.rows) == 2
    assert _charts(client, year=2012, quarter=4)["foreign"].empty


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_chart_downloads_its_data(client, planner, inflows, fmt):
    client.force_login(planner)
    for key in ("pipeline", "foreign", "domestic"):
        response = client.get(URL, {"year": 2011, "quarter": 4, "chart": key, "export": fmt})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    assert client.get(URL, {"chart": "nope", "export": fmt}).status_code == 404


def test_demo_data_is_marked_and_the_switch_does_not_apply(client, planner):
    demo_load()
    rollup_full()
    client.force_login(planner)
    response = client.get(URL, {"year": 2012, "quarter": 2})
    html = response.content.decode()
    assert response.context["any_demo"]
    assert 'class="demo-banner"' in html
    assert 'name="unapproved"' not in html
    assert 'class="switch approved-only"' in html


def test_bad_period_input_still_shows_the_page(client, planner, inflows):
    client.force_login(planner)
    response = client.get(URL, {"year": "x", "quarter": "5"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["planner", "viewer"])
def test_queries_are_bounded_whatever_the_data_size(client, planner, django_assert_max_num_queries, who):
    approved_year("pv", 2011, 150)  # a rolled-up quarter, so that the period is read the same way both times
    rollup_full()
    client.force_login(planner if who == "planner" else viewer("nlb"))
    client.get(URL)  # the session's first request after login writes it; not the page's cost
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        client.get(URL, {"year": 2012, "quarter": 2})
    demo_load()
    rollup_full()
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        client.get(URL, {"year": 2012, "quarter": 2})
    assert len(large.captured_queries) == len(small.captured_queries)
