"""In a real browser: the city overview and the department dashboards, as a planner and as a
department viewer, on the demo data. Every chart is drawn and draws what /api/v1/progress/ says;
the period picker and the "including unapproved" switch change the numbers; a viewer sees only
its department; nothing is requested from another host and nothing is logged to the console.
"""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clusters.models import Cluster
from org.models import Department
from progress.selectors import cluster_values, latest_period

from .pages import (
    api_rows,
    assert_clean,
    categories,
    chart_keys,
    chart_option,
    fits_a_phone,
    open_page,
    series_values,
    sign_in,
    threshold_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
URBAN = {"guta-main", "linghe-main", "songshan-main", "taihe-main"}  # the 市服务业委's clusters


@pytest.fixture
def demo(demo_people):
    return demo_people("d", "fwy")


def _names(codes) -> dict[str, str]:
    return dict(Cluster.objects.filter(code__in=codes).values_list("name_zh", "code"))


def _annual_from_api(watched, year: int) -> dict[int, Decimal]:
    rows = api_rows(watched, "/api/v1/progress/", scope="cluster", year=year, quarter=0)
    return {row["scope_id"]: Decimal(row["value"]) for row in rows}


def _check_output_chart(watched, year: int) -> list[str]:
    """The city chart draws, for each cluster, the annual value the API gives; largest first."""
    option = chart_option(watched.page, "output")
    names = categories(option)
    drawn = dict(zip(names, series_values(option), strict=True))
    by_name = dict(Cluster.objects.values_list("name_zh", "pk"))
    api = _annual_from_api(watched, year)
    assert drawn == {name: api.get(by_name[name]) for name in names}
    values = [v for v in drawn.values() if v is not None]
    assert values == sorted(values, reverse=True)
    assert {Decimal(100), Decimal(200)} <= set(threshold_values(option))
    return names


def _check_trend_charts(watched, cluster_ids: list[int], year: int, quarter: int) -> None:
    """Each cluster's trend chart draws the API's quarterly rows from 2011 up to the period."""
    assert sorted(chart_keys(watched.page)) == sorted(f"cluster-{pk}" for pk in cluster_ids)
    for pk in cluster_ids:
        rows = api_rows(watched, "/api/v1/progress/", scope="cluster", scope_id=pk, year_max=year)
        expected = [Decimal(r["value"]) for r in sorted(rows, key=lambda r: (r["year"], r["quarter"]))
                    if r["quarter"] > 0 and (r["year"], r["quarter"]) <= (year, quarter)]
        option = chart_option(watched.page, f"cluster-{pk}")
        assert [v for v in series_values(option) if v is not None] == expected
        assert threshold_values(option)  # its stage targets (or the 100亿 scale line)


def test_planner_sees_the_city_then_a_department_with_charts_matching_the_api(live_server, browser, demo):
    year, quarter = latest_period()
    watched = sign_in(browser, live_server.url, "planner-d")

    # home is the city overview: the three stages, every cluster, the indicators, what is outstanding
    assert open_page(watched, "/") == 2
    page = watched.page
    expect(page.locator("h1")).to_contain_text("2015年第3季度")
    expect(page.locator(".stage-card")).to_have_count(3)
    expect(page.locator('[data-goal="s3-count-100"] .goal-figures')).to_contain_text("/ 15 个集群 ≥ 100亿元")
    expect(page.locator(".kpi[data-indicator]")).to_have_count(3)
    expect(page.locator(".demo-banner")).to_be_visible()
    assert len(_check_output_chart(watched, year)) == 16
    assert series_values(chart_option(page, "indicators"))  # the three indicators are drawn

    # the period picker changes the numbers (it submits on change)
    before = series_values(chart_option(page, "output"))
    page.fill("#id_year", "2012")
    page.locator("#id_year").dispatch_event("change")
    page.wait_for_url("**/?year=2012*")
    open_page(watched, page.url.removeprefix(live_server.url))
    expect(page.locator("h1")).to_contain_text("2012年")
    _check_output_chart(watched, 2012)
    assert series_values(chart_option(page, "output")) != before

    # "including unapproved" adds 2015's submitted fourth quarters to the chart (not to the API)
    open_page(watched, "/dashboard/city/")
    approved = dict(zip(categories(chart_option(page, "output")), series_values(chart_option(page, "output")),
                        strict=True))
    page.locator("input[name=unapproved]").check()
    page.wait_for_url("**unapproved=1*")
    open_page(watched, page.url.removeprefix(live_server.url))
    expect(page.locator(".unapproved-banner")).to_be_visible()
    option = chart_option(page, "output")
    with_unapproved = dict(zip(categories(option), series_values(option), strict=True))
    expected = cluster_values(cluster_ids=Cluster.objects.values_list("pk", flat=True), years=[year],
                              include_unapproved=True)
    by_name = dict(Cluster.objects.values_list("name_zh", "pk"))
    assert with_unapproved == {name: expected[(by_name[name], year, 0)].value for name in with_unapproved}
    assert with_unapproved != approved

    # a department's dashboard, reached from the outstanding-submissions table
    open_page(watched, "/dashboard/city/")
    page.locator('tr[data-department="jxw"] a').click()
    page.wait_for_url("**/dashboard/department/**")
    open_page(watched, page.url.removeprefix(live_server.url))
    jxw = list(Cluster.objects.filter(responsible_department__code="jxw").values_list("pk", flat=True))
    _check_trend_charts(watched, jxw, year, quarter)
    expect(page.locator('.kpi[data-ranking="department"]')).to_be_visible()
    assert_clean(watched)


def test_department_viewer_sees_only_its_department(live_server, browser, demo):
    year, quarter = latest_period()
    watched = sign_in(browser, live_server.url, "viewer-d")
    page = watched.page
    fwy = Department.objects.get(code="fwy")

    # home is its own department's dashboard: its four clusters, nothing else
    open_page(watched, "/")
    expect(page.locator("h1")).to_contain_text(fwy.name_zh)
    urban = list(Cluster.objects.filter(code__in=URBAN).values_list("pk", flat=True))
    _check_trend_charts(watched, urban, year, quarter)
    for other in Cluster.objects.exclude(code__in=URBAN):
        expect(page.locator("main")).not_to_contain_text(other.name_zh)

    # another department's dashboard does not exist for it
    other = Department.objects.get(code="jxw")
    assert page.request.get(f"{live_server.url}/dashboard/department/{other.pk}/").status == 404

    # the city overview shows it the city-wide goals but only its own clusters
    open_page(watched, "/dashboard/city/")
    assert set(_names(URBAN)) == set(_check_output_chart(watched, year))
    expect(page.locator('[data-goal="s3-count-100"]')).to_be_visible()
    expect(page.locator('[data-goal="s3-pv-1000"]')).to_have_count(0)
    expect(page.locator("tr[data-department]")).to_have_count(1)

    fits_a_phone(watched, ["/", "/dashboard/city/"])
    assert_clean(watched)


def test_the_english_switch_translates_the_dashboard_and_its_charts(live_server, browser, demo):
    watched = sign_in(browser, live_server.url, "planner-d")
    page = watched.page
    open_page(watched, "/dashboard/city/")
    expect(page.locator("h1")).to_contain_text("城市总览")
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/dashboard/city/")
    open_page(watched, "/dashboard/city/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("City overview · Q3 2015")
    expect(page.locator('[data-goal="s3-count-100"] .goal-figures')).to_contain_text("/ 15 clusters ≥ 100")
    option = chart_option(page, "output")
    assert option["xAxis"][0]["name"] == "100M yuan"
    # the planner's whole menu in English (longer words) and the goals page's what-if selects fit a phone
    fits_a_phone(watched, ["/dashboard/city/", "/goals/", "/figures/completeness/"])
    assert_clean(watched)


def test_the_print_layout_keeps_charts_and_tables_and_drops_the_controls(live_server, browser, demo):
    watched = sign_in(browser, live_server.url, "planner-d")
    page = watched.page
    open_page(watched, "/dashboard/city/")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")

    for control in ("header.top nav", "form.picker", ".chart-card .export"):
        expect(page.locator(control).first).to_be_hidden()
    expect(page.locator("[data-chart-ready]").first).to_be_visible()
    assert page.locator("details.chart-table:not([open])").count() == 0  # every table behind a chart, opened
    # Series stay apart in greyscale: ECharts draws decal patterns (aria.decal) on every chart.
    assert all(chart_option(page, key)["aria"]["decal"]["show"] for key in chart_keys(page))
    assert page.pdf(format="A4")[:4] == b"%PDF"
    assert_clean(watched)
