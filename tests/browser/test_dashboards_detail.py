"""In a real browser: the cluster, park, investment and assessment pages, as a planner and as a department
viewer, on the demo data. Every chart is drawn and draws what the API says (/api/v1/progress/, /parks/<id>/,
/projects/, /inflows/, /ranking/); the period picker changes the numbers; a viewer gets 404 for another
department's cluster or park; nothing is requested from another host and nothing is logged to the console;
the pages fit a phone's width.
"""
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from clusters.models import Cluster
from parks.models import Park
from progress.selectors import latest_period

from .pages import (
    Watched,
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
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_people):
    return demo_people("e", "nlb")


def _api_detail(watched: Watched, path: str) -> dict:
    response = watched.page.request.get(watched.base + path, headers={"Accept": "application/json"})
    assert response.ok, path
    return response.json()


def _check_cluster(watched: Watched, code: str, year: int, quarter: int) -> None:
    """Quarters this year and last year are the cluster's roll-up rows; nothing drawn after the quarter picked."""
    cluster = Cluster.objects.get(code=code)
    open_page(watched, f"/clusters/{cluster.pk}/?year={year}&quarter={quarter}")
    drawn = set(chart_keys(watched.page))
    assert {"quarters", "annual"} <= drawn  # enterprises: only if it has any
    option = chart_option(watched.page, "quarters")
    for index, shown_year in ((0, year - 1), (1, year)):
        rows = api_rows(watched, "/api/v1/progress/", scope="cluster", scope_id=cluster.pk, year=shown_year)
        api = {row["quarter"]: Decimal(row["value"]) for row in rows}
        expected = [api.get(q) if shown_year < year or q <= quarter else None for q in (1, 2, 3, 4)]
        assert series_values(option, index) == expected, (code, shown_year)
    annual = chart_option(watched.page, "annual")
    goals = api_rows(watched, "/api/v1/goals/", cluster=cluster.pk, kind="cluster_value", year=year)
    if goals:
        assert sorted(threshold_values(annual)) == sorted({Decimal(g["threshold"]) for g in goals})
    if "pipeline" in drawn and goals:
        # Each project stacked on the projection draws, in the last deadline year, the contribution the goals API
        # counts for the goal of that deadline.
        last = max(goals, key=lambda g: g["deadline_year"])
        stacked = chart_option(watched.page, "pipeline")
        drawn_projects = {s["name"]: series_values(stacked, i)[-1] for i, s in enumerate(stacked["series"]) if i}
        if last["deadline_year"] >= year:
            assert drawn_projects == {p["name"]: Decimal(p["contribution"]) for p in last["projection"]["projects"]}
    rates_known = any(g["achieved_cagr"] or g["needed_cagr"] for g in goals)
    # The growth chart is drawn exactly when some rate is known (an empty axis is not drawn).
    assert ("rates" in drawn) == rates_known, code
    if rates_known:
        rates = chart_option(watched.page, "rates")
        goals.sort(key=lambda g: (g["deadline_year"], g["id"]))
        assert list(reversed(series_values(rates, 1))) == [  # drawn bottom-up: earliest deadline last
            (Decimal(g["achieved_cagr"]) * 100).quantize(Decimal("0.01")) if g["achieved_cagr"] else None
            for g in goals]


def _check_park(watched: Watched, code: str) -> None:
    park = Park.objects.get(code=code)
    open_page(watched, f"/parks/{park.pk}/")
    assert {"readiness", "area", "factories"} <= set(chart_keys(watched.page))  # disbursements: only if any
    api = _api_detail(watched, f"/api/v1/parks/{park.pk}/")
    assert series_values(chart_option(watched.page, "area"))[-1] == Decimal(api["area_km2"])
    assert series_values(chart_option(watched.page, "factories"))[-1] == Decimal(api["factory_built_m2"])
    assert threshold_values(chart_option(watched.page, "area")) == [Decimal(5), Decimal(10)]
    readiness = chart_option(watched.page, "readiness")
    assert sum(v or 0 for i in (0, 1) for v in series_values(readiness, i)) == len(api["readiness_items"])


def _inflow_sums(watched: Watched, year: int) -> dict:
    sums = defaultdict(Decimal)
    for row in api_rows(watched, "/api/v1/inflows/", year=year):
        sums[(row["origin"], row["quarter"])] += Decimal(row["amount"])
    return sums


def _check_investment(watched: Watched, year: int, quarter: int, *, sees_everything: bool) -> None:
    assert open_page(watched, f"/investment/?year={year}&quarter={quarter}") == 3
    stages = Counter(p["stage"] for p in api_rows(watched, "/api/v1/projects/"))
    funnel = chart_option(watched.page, "pipeline")
    assert series_values(funnel) == [sum(n for s, n in stages.items() if s >= stage) for stage in range(1, 6)]
    sums = _inflow_sums(watched, year)
    for origin in ("foreign", "domestic"):
        option = chart_option(watched.page, origin)
        running, expected = Decimal(0), []
        for q in (1, 2, 3, 4):
            running += sums.get((origin, q), 0)
            expected.append(running if q <= quarter and (origin, q) in sums else None)
        # The planner's API reads every region: its sums are the city's; a viewer's are its regions' line.
        assert series_values(option, 1 if sees_everything else 2) == expected, origin


def _check_ranking(watched: Watched, year: int, quarter: int) -> None:
    assert open_page(watched, f"/ranking/?year={year}&quarter={quarter}") == 2
    api = api_rows(watched, "/api/v1/ranking/", year=year, quarter=quarter)
    for kind in ("region", "department"):
        option = chart_option(watched.page, f"{kind}s")
        ranked = [row for row in api if row["kind"] == kind and row["score"] is not None]
        names = categories(option)
        assert list(reversed(names)) == [row["name_zh"] for row in ranked]
        bars = [sum((v or 0 for v in values), Decimal(0)) for values in zip(
            *(series_values(option, i) for i in range(len(option["series"]))), strict=True)]
        for bar, row in zip(reversed(bars), ranked, strict=True):
            assert abs(bar - Decimal(row["score"]) * 100) <= Decimal("0.03")


def test_the_planner_sees_every_detail_page_drawn_from_the_apis_numbers(live_server, browser, demo):
    year, quarter = latest_period()
    watched = sign_in(browser, live_server.url, "planner-e")
    _check_cluster(watched, "pv", year, quarter)

    # the period picker: another quarter, other numbers
    before = series_values(chart_option(watched.page, "quarters"), 1)
    with watched.page.expect_navigation():
        watched.page.select_option("select[name=quarter]", "1")
    wait_for_charts(watched.page)
    after = series_values(chart_option(watched.page, "quarters"), 1)
    assert after != before
    assert after[1:] == [None, None, None]
    _check_cluster(watched, "pv", year, 1)
    _check_cluster(watched, "auto", year - 1, 4)

    _check_park(watched, "heishan-park")
    _check_park(watched, "kaifaqu-park")
    _check_investment(watched, year, quarter, sees_everything=True)
    _check_investment(watched, year - 1, 2, sees_everything=True)
    _check_ranking(watched, year, quarter)
    _check_ranking(watched, year - 2, 4)
    assert_clean(watched)

    pv, park = Cluster.objects.get(code="pv"), Park.objects.get(code="heishan-park")
    fits_a_phone(watched, [f"/clusters/{pv.pk}/", f"/parks/{park.pk}/", "/investment/", "/ranking/"])
    assert_clean(watched)


def test_a_department_viewer_sees_its_own_and_gets_404_for_another_departments(live_server, browser, demo):
    year, quarter = latest_period()
    watched = sign_in(browser, live_server.url, "viewer-e")
    _check_cluster(watched, "heishan-main", year, quarter)
    _check_park(watched, "heishan-park")
    _check_investment(watched, year, quarter, sees_everything=False)
    _check_ranking(watched, year, quarter)
    assert_clean(watched)
    open_page(watched, f"/clusters/{Cluster.objects.get(code='pv').pk}/", status=404)
    open_page(watched, f"/parks/{Park.objects.get(code='kaifaqu-park').pk}/", status=404)
    assert watched.foreign_hosts == set()
