"""In a real browser: the city map on the demo data. All seven districts are drawn from the vendored boundaries with
the values /api/v1/progress/?scope=region serves; the layer switch redraws growth; clicking a district opens its
panel; a department sees its own regions outlined and only its numbers; the page fits a phone and prints; nothing is
requested from another host and nothing is logged to the console.
"""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dashboards.map import DISTRICTS, MAP_NAME
from org.models import Region
from progress.selectors import latest_period

from .pages import Watched, api_rows, assert_clean, fits_a_phone, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAP_TIMEOUT_MS = 15_000


@pytest.fixture
def demo(demo_people):
    return demo_people("m", "nlb")


def _open_map(watched: Watched, path: str) -> None:
    open_page(watched, path)
    watched.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-map]')].every(el => el.dataset.mapReady === 'true')",
        timeout=MAP_TIMEOUT_MS)


def _drawn(watched: Watched, selector: str = ".map[data-map]") -> dict:
    """What ECharts holds: the districts of the registered map, the first series' data (name → value), the districts
    outlined, the series' names."""
    return watched.page.evaluate(
        """([selector, name]) => {
            const chart = window.echarts.getInstanceByDom(document.querySelector(selector));
            const option = chart.getOption();
            return {
                features: window.echarts.getMap(name).geoJSON.features.map(f => f.properties.name),
                values: Object.fromEntries(option.series[0].data.map(d => [d.name, d.value])),
                outlined: (option.geo[0].regions || []).filter(r => (r.itemStyle || {}).borderWidth).map(r => r.name),
                series: option.series.map(s => s.name),
            };
        }""", [selector, MAP_NAME])


def _api_regions(watched: Watched, year: int, quarter: int, field: str = "ytd_value") -> dict[str, Decimal]:
    names = dict(Region.objects.values_list("pk", "name_zh"))
    rows = api_rows(watched, "/api/v1/progress/", scope="region", year=year, quarter=quarter)
    return {names[r["scope_id"]]: Decimal(r[field]) for r in rows if r[field] is not None}


def _as_decimals(values: dict) -> dict[str, Decimal]:
    return {name: Decimal(str(value)) for name, value in values.items() if value not in (None, "", "-")}


def _click_district(watched: Watched, name: str) -> None:
    """Click the district at its label point (the "cp" of its feature), converted to pixels by ECharts itself. The
    point layers are switched off first: a park's pin near that point would take the click (and open the park)."""
    for overlay in watched.page.locator('input[name="overlay"]').all():
        overlay.uncheck()
    x, y = watched.page.evaluate(
        """([name, map]) => {
            const chart = window.echarts.getInstanceByDom(document.querySelector('.map[data-map]'));
            const feature = window.echarts.getMap(map).geoJSON.features.find(f => f.properties.name === name);
            return chart.convertToPixel({geoIndex: 0}, feature.properties.cp);
        }""", [name, MAP_NAME])
    box = watched.page.locator(".map[data-map]").bounding_box()
    watched.page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_planner_sees_every_district_with_the_apis_numbers_and_opens_one(live_server, browser, demo):
    year, quarter = latest_period()
    watched = sign_in(browser, live_server.url, "planner-m")
    _open_map(watched, f"/map/?year={year}&quarter={quarter}")
    drawn = _drawn(watched)
    assert set(drawn["features"]) == DISTRICTS
    assert set(drawn["values"]) == DISTRICTS
    api = _api_regions(watched, year, quarter)
    assert _as_decimals(drawn["values"]) == {name: value for name, value in api.items() if name in DISTRICTS}
    assert len(_as_decimals(drawn["values"])) == 7
    # the regions that are not districts: listed beside the map with the API's values
    page = watched.page
    for name in ("松山新区", "开发区", "龙栖湾新区"):
        expect(page.locator(f'[data-region-button="{name}"]').locator("xpath=..")).to_contain_text(f"{api[name]:,.2f}")

    # the point layers switch off and on
    assert "园区" in drawn["series"]
    page.uncheck('input[name="overlay"][value="parks"]')
    assert "园区" not in _drawn(watched)["series"]

    # a district's panel opens on a click; the others stay closed
    expect(page.locator(".region-panel:visible")).to_have_count(0)
    _click_district(watched, "义县")
    expect(page.locator('.region-panel[data-region="义县"]')).to_be_visible()
    expect(page.locator(".region-panel:visible")).to_have_count(1)
    expect(page.locator('.region-panel[data-region="义县"] a[href^="/clusters/"]')).to_have_count(1)
    page.click('[data-region-button="开发区"]')
    expect(page.locator('.region-panel[data-region="开发区"]')).to_be_visible()
    expect(page.locator('.region-panel[data-region="义县"]')).to_be_hidden()

    # the growth layer: the API's year-to-date growth, in percent
    page.check('input[name="layer"][value="growth"]')
    growth = _api_regions(watched, year, quarter, "ytd_yoy_growth")
    assert _as_decimals(_drawn(watched)["values"]) == {
        name: (value * 100).quantize(Decimal("0.1")) for name, value in growth.items() if name in DISTRICTS}
    assert page.pdf(format="A4")[:4] == b"%PDF"
    assert_clean(watched)

    fits_a_phone(watched, [f"/map/?year={year}&quarter={quarter}"])
    assert_clean(watched)


def test_a_department_sees_its_regions_outlined_and_only_its_numbers_in_english(live_server, browser, demo):
    year, quarter = latest_period()
    watched = sign_in(browser, live_server.url, "viewer-m", language="en")
    _open_map(watched, f"/map/?year={year}&quarter={quarter}")
    expect(watched.page.locator("h1")).to_contain_text("City map")
    drawn = _drawn(watched)
    counties = {"黑山县", "北镇市", "凌海市", "义县"}
    assert set(drawn["outlined"]) == counties
    assert set(_as_decimals(drawn["values"])) == counties
    assert _as_decimals(drawn["values"]) == {
        name: value for name, value in _api_regions(watched, year, quarter).items() if name in DISTRICTS}
    expect(watched.page.locator("body")).not_to_contain_text("光伏产业集群")
    _click_district(watched, "黑山县")
    expect(watched.page.locator('.region-panel[data-region="黑山县"]')).to_be_visible()
    assert_clean(watched)

    # the small map on the city overview draws the same numbers
    _open_map(watched, f"/dashboard/city/?year={year}&quarter={quarter}")
    assert _drawn(watched, ".map.mini")["values"] == drawn["values"]
    assert_clean(watched)
