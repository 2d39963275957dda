"""What every dashboard browser test needs: a signed-in page that watches itself.

    watched = sign_in(browser, live_server.url, "planner-b")
    open_page(watched, "/dashboard/city/?year=2012&quarter=4")   # 200, every chart drawn
    option = chart_option(watched.page, "output")                # ECharts' own view of the chart
    rows = api_rows(watched, "/api/v1/progress/", scope="cluster", year=2012, quarter=0)
    assert_clean(watched)                                        # no console error, no other host

`Watched` records the console errors and uncaught exceptions of the page and the host of every
request it makes, from the moment it is created (the login page included). `api_rows` asks the
API as the same signed-in user (the browser context's session cookie), so a chart is compared
with exactly what that user's API client would read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Browser, Page

PASSWORD = "pw-jinzhou-123"
VIEWPORT = {"width": 1366, "height": 768}
CHART_TIMEOUT_MS = 15_000
DRAWN = ".chart-body:not([hidden]) [data-chart]"  # an empty chart's card says so instead of drawing


@dataclass
class Watched:
    page: Page
    base: str
    console_errors: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)

    @property
    def foreign_hosts(self) -> set[str]:
        """Hosts other than the live server that the page sent a request to (data: URLs have none)."""
        return {host for host in self.hosts if host and host != urlsplit(self.base).netloc}


def watch(page: Page, base: str) -> Watched:
    watched = Watched(page, base)
    page.on("console", lambda message: message.type == "error" and watched.console_errors.append(message.text))
    page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: watched.hosts.add(urlsplit(request.url).netloc))
    return watched


def sign_in(browser: Browser, base: str, username: str, *, password: str = PASSWORD,
            language: str | None = None) -> Watched:
    """A new browser context at 1366×768 (Chinese unless `language`), signed in as `username`."""
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
    if language:
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    watched = watch(page, base)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"{username} could not sign in")
    return watched


def open_page(watched: Watched, path: str, *, status: int = 200) -> int:
    """Open `path`, check its status and, for a 200, wait until every chart is drawn. Returns the chart count."""
    response = watched.page.goto(watched.base + path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    return wait_for_charts(watched.page) if status == 200 else 0


def wait_for_charts(page: Page, timeout: int = CHART_TIMEOUT_MS) -> int:
    """Wait until static/js/charts.js has drawn every `[data-chart]` (it sets data-chart-ready)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(el => el.dataset.chartReady === 'true')",
        timeout=timeout)
    return page.locator(DRAWN).count()


def chart_keys(page: Page) -> list[str]:
    """The keys of the charts drawn on the page (`chart-data-<key>` → `<key>`), in page order."""
    ids = page.eval_on_selector_all(DRAWN, "els => els.map(el => el.dataset.chart)")
    return [element_id.removeprefix("chart-data-") for element_id in ids]


def chart_option(page: Page, key: str) -> dict:
    """The option ECharts itself holds for chart `key` (what it draws, after merging)."""
    return page.evaluate(
        "id => { const el = document.querySelector(`[data-chart=\"${id}\"]`);"
        " const chart = el && window.echarts.getInstanceByDom(el); return chart ? chart.getOption() : null; }",
        f"chart-data-{key}")


def categories(option: dict) -> list[str]:
    """The category axis's labels (x for vertical bars, y for horizontal ones)."""
    for axis in ("xAxis", "yAxis"):
        for entry in option.get(axis, []):
            if entry.get("type") == "category":
                return list(entry["data"])
    return []


def series_values(option: dict, index: int = 0) -> list[Decimal | None]:
    """Series `index`'s data as Decimals (None for gaps), whatever form ECharts keeps them in."""
    values = []
    for point in option["series"][index]["data"]:
        if isinstance(point, dict):
            point = point.get("value")
        values.append(None if point in (None, "", "-") else Decimal(str(point)))
    return values


def threshold_values(option: dict, index: int = 0) -> list[Decimal]:
    """The target lines drawn on series `index` (markLine), as Decimals."""
    lines = option["series"][index].get("markLine", {}).get("data", [])
    return [Decimal(str(line.get("yAxis", line.get("xAxis")))) for line in lines]


def api_rows(watched: Watched, path: str, **params: object) -> list[dict]:
    """Every row of an API list endpoint, as the signed-in user reads it (all pages)."""
    rows, url = [], f"{watched.base}{path}?{urlencode({**params, 'page_size': 1000})}"
    while url:
        response = watched.page.request.get(url, headers={"Accept": "application/json"})
        assert response.ok, f"{url}: {response.status}"
        body = response.json()
        if isinstance(body, list):
            return body
        rows += body["results"]
        url = body.get("next")
    return rows


def assert_clean(watched: Watched) -> None:
    """No console error or uncaught exception, and no request to any host but the live server."""
    assert watched.console_errors == [], watched.console_errors
    assert watched.foreign_hosts == set(), watched.foreign_hosts


PHONE = {"width": 375, "height": 740}


def fits_a_phone(watched: Watched, paths: list[str]) -> None:
    """Each page, at a phone's width, scrolls vertically only (no page wider than the screen)."""
    watched.page.set_viewport_size(PHONE)
    for path in paths:
        open_page(watched, path)
        width = watched.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{path} is {width}px wide on a phone"
