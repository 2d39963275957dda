"""The park page's dashboard part (/parks/<pk>/): 七通一平 checklist, area against 5 / 10 km², standard-factory
space against its targets, disbursements received by quarter; scoped, with downloads and bounded queries.
(Editing the park and its items is tested in tests/parks.)"""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funds.models import Disbursement, Fund
from parks import services
from parks.models import Park
from plan.demo import demo_load
from tests.dashboards.detail_support import viewer

pytestmark = pytest.mark.django_db
# session, user, the park with its items (2), can_edit, the period (2), the park as recorded then,
# disbursements, the factory programme, the history (4), the user's department, …
MAX_QUERIES = 20


@pytest.fixture
def park():
    return Park.objects.get(code="heishan-park")


def _url(park: Park) -> str:
    return reverse("park-page", args=[park.pk])


def _charts(client, park, **params):
    response = client.get(_url(park), params)
    assert response.status_code == 200
    return response.context["charts"]


def _pay(park: Park, amount: int, paid_on: date) -> Disbursement:
    return Disbursement.objects.create(fund=Fund.objects.get(code="land-revolving"), region=park.region, park=park,
                                       amount_wan=Decimal(amount), paid_on=paid_on, purpose="征地补偿")


def test_the_checklist_counts_items_and_marks_the_overdue(client, planner, park):
    client.force_login(planner)
    chart = _charts(client, park)["readiness"]
    assert len(chart.table.rows) == 8
    assert all(row[5] for row in chart.table.rows)  # 2011's deadlines are long past and nothing is done
    overdue = chart.option["series"][1]["data"]
    assert sum(overdue) == 8


def test_area_and_factory_space_are_the_parks_api_values_against_their_targets(client, planner, park):
    services.park_update(user=planner, park_id=park.pk, expected_version=park.version,
                         area_km2=Decimal("6.5"), factory_built_m2=Decimal(120_000))
    client.force_login(planner)
    charts = _charts(client, park)
    api = client.get(f"/api/v1/parks/{park.pk}/").json()
    area, factories = charts["area"], charts["factories"]
    assert Decimal(area.option["series"][0]["data"][1]) == Decimal(api["area_km2"])
    assert Decimal(factories.option["series"][0]["data"][1]) == Decimal(api["factory_built_m2"])
    assert [Decimal(m["yAxis"]) for m in area.option["series"][0]["markLine"]["data"]] == [Decimal(5), Decimal(10)]
    assert [Decimal(m["yAxis"]) for m in factories.option["series"][0]["markLine"]["data"]] == [
        Decimal(100_000), Decimal(200_000)]


def test_the_period_picker_shows_the_values_as_recorded_at_the_quarters_end(client, planner, park):
    services.park_update(user=planner, park_id=park.pk, expected_version=park.version,
                         area_km2=Decimal("6.5"), factory_built_m2=Decimal(120_000))
    client.force_login(planner)
    before = _charts(client, park, year=2011, quarter=4)["area"]
    later = _charts(client, park, year=date.today().year + 1, quarter=4)["area"]
    assert before.option["series"][0]["data"] == [None, "6.50"]
    assert later.option["series"][0]["data"] == ["6.50", "6.50"]


def test_disbursements_received_by_quarter_with_the_running_total(client, park):
    _pay(park, 5000, date(2011, 5, 10))
    _pay(park, 300, date(2011, 9, 1))
    other = Park.objects.get(code="beizhen-park")
    _pay(other, 999, date(2011, 5, 10))
    client.force_login(viewer("nlb"))
    chart = _charts(client, park, year=2011, quarter=4)["disbursements"]
    assert [row[1:] for row in chart.table.rows] == [[0, 0], [5000, 5000], [300, 5300], [0, 5300]]
    in_q2 = _charts(client, park, year=2011, quarter=2)["disbursements"]
    assert in_q2.table.rows[-1][2] == Decimal(5000)


def test_the_page_says_the_unapproved_switch_does_not_apply(client, planner, park):
    client.force_login(planner)
    html = client.get(_url(park)).content.decode()
    assert 'name="unapproved"' not in html
    assert 'class="switch approved-only"' in html


def test_demo_values_are_marked(client, planner, park):
    demo_load()
    client.force_login(planner)
    response = client.get(_url(park))
    assert response.context["any_demo"]
    assert 'class="demo-banner"' in response.content.decode()


def test_another_departments_park_is_404(client):
    client.force_login(viewer("nlb"))
    assert client.get(_url(Park.objects.get(code="heishan-park"))).status_code == 200
    zone = Park.objects.get(code="kaifaqu-park")
    assert client.get(_url(zone)).status_code == 404
    assert client.get(_url(zone), {"chart": "area", "export": "csv"}).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_chart_downloads_its_data(client, planner, park, fmt):
    _pay(park, 5000, date(2011, 5, 10))
    client.force_login(planner)
    for key in ("readiness", "area", "factories", "disbursements"):
        response = client.get(_url(park), {"year": 2011, "quarter": 4, "chart": key, "export": fmt})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    assert client.get(_url(park), {"chart": "nope", "export": fmt}).status_code == 404


def test_bad_period_input_still_shows_the_page(client, planner, park):
    client.force_login(planner)
    response = client.get(_url(park), {"year": "20x1", "quarter": "0"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_queries_are_bounded_whatever_the_data_size(client, planner, park, django_assert_max_num_queries):
    client.force_login(planner)
    url = _url(park)
    client.get(url)  # the session's first request after login writes it; not the page's cost
    with django_assert_max_num_queries(MAX_QUERIES) as small:
        client.get(url, {"year": 2011, "quarter": 4})
    demo_load()
    for i in range(5):
        _pay(park, 100 + i, date(2011, 1 + i, 2))
    park.refresh_from_db()
    services.park_update(user=planner, park_id=park.pk, expected_version=park.version,
                         area_km2=Decimal("7"), factory_built_m2=Decimal(130_000))
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        client.get(url, {"year": 2011, "quarter": 4})
    assert len(large.captured_queries) == len(small.captured_queries)
