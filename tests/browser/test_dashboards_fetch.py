"""In a real browser: changing the period on the city page and on a cluster page redraws the charts from the page's
/api/v1/dashboards/ endpoint, without a reload, and the drawn charts equal what that endpoint answers; the address
follows the period; with JavaScript off the picker still submits the form.
"""
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from clusters.models import Cluster

from .pages import PASSWORD, VIEWPORT, assert_clean, categories, chart_keys, chart_option, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_people):
    return demo_people("f", "nlb")


def _numbers(option: dict) -> list[list[Decimal | None]]:
    """Every series' values as Decimals (None for gaps), whatever form the option keeps them in."""
    def number(point):
        point = point.get("value") if isinstance(point, dict) else point
        return None if point in (None, "", "-") else Decimal(str(point))
    return [[number(point) for point in series.get("data", [])] for series in option.get("series", [])]


def _change_and_watch(watched, endpoint: str, change) -> dict:
    """Make `change` on the picker; return the endpoint's JSON (the request whose URL contains `endpoint`) once
    charts.js has redrawn from it."""
    page = watched.page
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_response(lambda response: endpoint in response.url) as answer:
        change(page)
    body = answer.value.json()
    assert answer.value.status == 200
    query = urlsplit(answer.value.url).query
    page.wait_for_function("query => document.querySelector('form.picker').dataset.drawn === query", arg=query)
    expect(page.locator("[data-period-label]")).to_have_text(body["period"]["label"])
    assert page.evaluate("() => window.notReloaded === true"), "the page reloaded instead of redrawing"
    return body


def _assert_drawn_as_answered(watched, body: dict) -> None:
    page = watched.page
    drawn = [chart for chart in body["charts"] if not chart["empty"]]
    assert chart_keys(page) == [chart["key"] for chart in drawn]
    for chart in drawn:
        option = chart_option(page, chart["key"])
        assert categories(option) == categories({axis: [value] for axis in ("xAxis", "yAxis")
                                                 if isinstance(value := chart["option"].get(axis), dict)})
        assert _numbers(option) == _numbers(chart["option"]), chart["key"]
        card = page.locator(f'[data-chart-card="{chart["key"]}"]')
        expect(card.locator("[data-chart-title]")).to_have_text(chart["title"])
        expect(card.locator("[data-table-body] tr")).to_have_count(len(chart["table"]["cells"]))


def test_the_city_page_redraws_from_its_endpoint_when_the_period_changes(live_server, browser, demo):
    watched = sign_in(browser, live_server.url, "planner-f")
    page = watched.page
    open_page(watched, "/dashboard/city/")
    before = chart_option(page, "output")

    body = _change_and_watch(watched, "/api/v1/dashboards/city/?", lambda p: (
        p.fill("#id_year", "2012"), p.locator("#id_year").dispatch_event("change")))
    assert (body["period"]["year"], body["period"]["quarter"]) == (2012, 3)  # the quarter the picker still holds
    assert "year=2012" in page.url
    _assert_drawn_as_answered(watched, body)
    assert _numbers(chart_option(page, "output")) != _numbers(before)

    # (leaving the year field fires its own change first: the later answer is the one drawn)
    # (the page's address keeps the checkbox's unapproved=1; the API is asked with its own spelling, true)
    body = _change_and_watch(watched, "/api/v1/dashboards/city/?year=2012&quarter=3&unapproved=true",
                             lambda p: p.locator("input[name=unapproved]").check())
    assert body["period"]["unapproved"] is True
    assert "unapproved=1" in page.url
    expect(page.locator(".unapproved-banner")).to_be_visible()
    _assert_drawn_as_answered(watched, body)

    # what the page redrew is what an API client reads at that address
    api = page.request.get(f"{live_server.url}/api/v1/dashboards/city/?year=2012&quarter=3&unapproved=true",
                           headers={"Accept": "application/json"}).json()
    assert api == body
    assert_clean(watched)


def test_a_cluster_page_redraws_from_its_endpoint_when_the_quarter_changes(live_server, browser, demo):
    watched = sign_in(browser, live_server.url, "planner-f")
    page = watched.page
    cluster = Cluster.objects.get(code="pv")
    open_page(watched, f"/clusters/{cluster.pk}/?year=2014&quarter=4")

    body = _change_and_watch(watched, f"/api/v1/dashboards/cluster/{cluster.pk}/?",
                             lambda p: p.select_option("#id_quarter", "2"))
    assert (body["period"]["year"], body["period"]["quarter"]) == (2014, 2)
    assert "quarter=2" in page.url
    _assert_drawn_as_answered(watched, body)
    # the quarters after the one picked are gaps now
    assert _numbers(chart_option(page, "quarters"))[1][2:] == [None, None]
    link = page.locator('[data-chart-card="quarters"] a[data-export="csv"]')
    expect(link).to_have_attribute("href", "?year=2014&quarter=2&chart=quarters&export=csv")
    assert_clean(watched)


def test_without_javascript_the_picker_submits_the_form(live_server, browser, demo):
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORT, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "planner-f")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/dashboard/city/")
    page.select_option("#id_quarter", "2")
    page.fill("#id_year", "2012")
    page.locator("form.picker button[type=submit]").click()
    page.wait_for_url("**/dashboard/city/?year=2012&quarter=2*")
    expect(page.locator("[data-period-label]")).to_have_text("2012年第2季度")
    context.close()
