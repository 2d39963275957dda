"""The city map (/map/ and the small map on the city overview): the vendored boundaries, each region's numbers
against the roll-up rows the API serves, the regions listed beside the map, points only where coordinates were
recorded, what a department sees, the downloads and the query count."""
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from core import geography
from dashboards.map import DISTRICTS, LISTED_CLUSTERS, MAP_NAME
from org.models import Region, User
from parks.models import Park
from progress.models import Progress, Scope

from .home_support import large_city, small_city, user

pytestmark = pytest.mark.django_db

MAP = reverse("map-page")
GEOJSON = Path(settings.BASE_DIR) / "static" / "vendor" / "jinzhou-map" / "jinzhou.json"
# session, user, latest period (2); regions; clusters + their regions (2); roll-up rows (two GROUP BYs with
# "including unapproved"); own regions (a department only); parks with item counts; projects; the user's department
# (header). Measured 13 at most (a department viewer, including unapproved), the same on the plan with three clusters'
# figures and on the demo data with 12 more clusters, enterprises, goals and projects.
PAGE_QUERIES = 13


def _series(response, layer: str = "output") -> dict[str, object]:
    data = response.context["located"].payload["layers"][layer]["series"]["data"]
    return {item["name"]: item["value"] for item in data}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_vendored_boundaries_are_the_seven_districts_inside_the_coordinate_box():
    collection = json.loads(GEOJSON.read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in collection["features"]} == DISTRICTS

    def points(coordinates):
        if isinstance(coordinates[0], (int, float)):
            yield coordinates
        else:
            for part in coordinates:
                yield from points(part)

    for feature in collection["features"]:
        for longitude, latitude in points(feature["geometry"]["coordinates"]):
            assert geography.WEST <= Decimal(str(longitude)) <= geography.EAST
            assert geography.SOUTH <= Decimal(str(latitude)) <= geography.NORTH
    assert (GEOJSON.parent / "LICENSE").read_text().startswith("MIT License")
    assert "0.1.4" in (GEOJSON.parent / "VERSION").read_text()


def test_every_district_shows_the_year_to_date_the_roll_up_holds_for_its_region(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(MAP, {"year": 2012, "quarter": 2})
    drawn = _series(response)
    assert set(drawn) == DISTRICTS
    rows = Progress.objects.filter(scope=Scope.REGION, year=2012, quarter=2)
    names = dict(Region.objects.values_list("pk", "name_zh"))
    expected = {names[row.scope_id]: str(row.ytd_value) for row in rows if names[row.scope_id] in DISTRICTS}
    assert expected == {"凌河区": drawn["凌河区"]}  # the only district with a figure in 2012
    assert {name: value for name, value in drawn.items() if value is not None} == expected
    assert response.context["located"].payload["map"] == MAP_NAME


def test_the_regions_that_are_not_districts_are_listed_beside_the_map_with_their_values(client, planner):
    large_city(extra_clusters=0)
    client.force_login(planner)
    response = client.get(MAP, {"year": 2014, "quarter": 3})
    located = response.context["located"]
    off_map = {row.region.name_zh: row for row in located.off_map}
    assert set(off_map) == {"松山新区", "开发区", "龙栖湾新区"}
    for row in off_map.values():
        stored = Progress.objects.get(scope=Scope.REGION, scope_id=row.region.pk, year=2014, quarter=3)
        assert row.ytd.value == stored.ytd_value
        assert row.ytd.demo
        assertContains(response, f'data-region-button="{row.region.name_zh}"')
    # The clusters without a region are listed too, each with its own value: no number is dropped.
    unlocated = {cluster.code: value.value for cluster, value in located.unlocated_clusters}
    assert set(unlocated) == {"pv", "petrochem", "auto", "finechem", "agri"}
    pv = Cluster.objects.get(code="pv")
    assert unlocated["pv"] == Progress.objects.get(scope=Scope.CLUSTER, scope_id=pv.pk, year=2014, quarter=3).ytd_value
    assertContains(response, "以下规划区域不是本地图中的行政区", msg_prefix="the page says which")


def test_growth_and_clusters_at_scale_come_from_the_same_rows(client, planner):
    large_city(extra_clusters=0)
    client.force_login(planner)
    response = client.get(MAP, {"year": 2015, "quarter": 2})
    growth, count = _series(response, "growth"), _series(response, "count")
    for region in Region.objects.filter(name_zh__in=DISTRICTS):
        row = Progress.objects.get(scope=Scope.REGION, scope_id=region.pk, year=2015, quarter=2)
        assert Decimal(growth[region.name_zh]) == (row.ytd_yoy_growth * 100).quantize(Decimal("0.1"))
        at_scale = Progress.objects.filter(scope=Scope.CLUSTER, year=2015, quarter=2, ytd_value__gte=100,
                                           scope_id__in=region.clusters.values("pk")).count()
        assert count[region.name_zh] == at_scale


def test_including_unapproved_adds_submitted_figures_to_the_region(client, planner):
    small_city()
    linghe = Cluster.objects.get(code="linghe-main")
    QuarterlyFigure.objects.create(cluster=linghe, year=2013, quarter=1, output_value=Decimal(33),
                                   status=FigureStatus.SUBMITTED)
    QuarterlyFigure.objects.create(cluster=linghe, year=2013, quarter=2, output_value=Decimal(5),
                                   status=FigureStatus.DRAFT)
    client.force_login(planner)
    assert _series(client.get(MAP, {"year": 2013, "quarter": 2}))["凌河区"] is None
    with_unapproved = _series(client.get(MAP, {"year": 2013, "quarter": 2, "unapproved": "1"}))
    assert Decimal(with_unapproved["凌河区"]) == Decimal(33)  # the draft never counts


def test_parks_and_projects_are_points_only_where_a_planner_recorded_coordinates(client, planner):
    park = Park.objects.get(code="heishan-park")
    Park.objects.filter(pk=park.pk).update(longitude=Decimal("122.1"), latitude=Decimal("41.6"))
    client.force_login(planner)
    response = client.get(MAP)
    located = response.context["located"]
    points = located.payload["overlays"]["parks"]["series"][0]["data"]
    assert [p["name"] for p in points] == [park.name]
    assert points[0]["value"] == ["122.100000", "41.600000"]
    assert any("七通一平" in line for line in points[0]["tip"])
    assert park.name not in [p.name for p in located.unplaced_parks]
    assert len(located.unplaced_parks) == Park.objects.count() - 1
    # the plan's key projects have no coordinates: listed, not placed
    unplaced = {p.name for p in located.unplaced_projects}
    assert unplaced >= {"年产240万吨差别化纤维项目", "锦州钛业年产20万吨钛白粉一期工程"}
    assert all(not s["data"] for s in located.payload["overlays"]["projects"]["series"])


def test_a_department_sees_its_own_regions_outlined_and_nothing_it_may_not_see(client):
    large_city(extra_clusters=0)
    viewer = user(User.Role.VIEWER, "nlb")
    client.force_login(viewer)
    response = client.get(MAP, {"year": 2015, "quarter": 3})
    located = response.context["located"]
    counties = {"黑山县", "北镇市", "凌海市", "义县"}
    assert {row.region.name_zh for row in located.own} == counties
    drawn = _series(response)
    assert {name for name, value in drawn.items() if value is not None} == counties
    assert {region["name"] for region in located.payload["own"]} == counties
    visible = set(Cluster.objects.visible_to(viewer).values_list("name_zh", flat=True))
    listed = {c.name_zh for row in located.regions for c, _v in row.clusters}
    listed |= {c.name_zh for c, _v in located.unlocated_clusters}
    assert listed == visible
    assertNotContains(response, "光伏产业集群")
    assert {p.code for row in located.regions for p in row.parks} == set(
        Park.objects.visible_to(viewer).values_list("code", flat=True))


def test_the_region_table_downloads_as_csv_and_xlsx(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(MAP, {"year": 2012, "quarter": 4, "chart": "regions", "export": "csv"})
    assert response.status_code == 200
    rows = _csv(response)
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) >= {"凌河区", "松山新区", "开发区", "龙栖湾新区", "光伏产业集群"}
    linghe = Progress.objects.get(scope=Scope.REGION, scope_id=Region.objects.get(code="linghe").pk, year=2012,
                                  quarter=4)
    assert Decimal(by_name["凌河区"][2]) == linghe.ytd_value
    xlsx = client.get(MAP, {"year": 2012, "quarter": 4, "chart": "parks", "export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert client.get(MAP, {"chart": "nothing", "export": "csv"}).status_code == 404


def test_the_city_overview_carries_the_small_map_with_the_same_numbers(client, planner):
    small_city()
    client.force_login(planner)
    response = client.get(reverse("city-dashboard"), {"year": 2012, "quarter": 2})
    mini = response.context["mini_map"]
    assert mini.payload["overlays"] == {}
    full = client.get(MAP, {"year": 2012, "quarter": 2}).context["located"]
    assert mini.payload["layers"]["output"] == full.payload["layers"]["output"]
    assertContains(response, 'data-map="mini-map-data"')
    assertContains(response, "松山新区")


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_page_runs_a_bounded_number_of_queries(client, planner, django_assert_max_num_queries, size):
    (small_city if size == "small" else large_city)()
    viewer = user(User.Role.VIEWER, "fwy")
    for who in (planner, viewer):
        client.force_login(who)
        client.get(MAP)  # warm the session
        for query in ({"year": 2013, "quarter": 4}, {"year": 2013, "quarter": 4, "unapproved": "1"}):
            with django_assert_max_num_queries(PAGE_QUERIES):
                assert client.get(MAP, query).status_code == 200


def test_long_lists_name_the_largest_clusters_count_the_rest_and_the_download_holds_all(client, planner):
    small_city()
    linghe = Region.objects.get(code="linghe")
    department = Cluster.objects.get(code="pv").responsible_department
    for i in range(LISTED_CLUSTERS + 3):
        Cluster.objects.create(code=f"many-{i:02}", name_zh=f"凌河集群{i:02}", name_en=f"Linghe {i:02}",
                               level="city", responsible_department=department).regions.add(linghe)
        Cluster.objects.create(code=f"loose-{i:02}", name_zh=f"无区域集群{i:02}", name_en=f"Loose {i:02}",
                               level="city", responsible_department=department)
    in_linghe = Cluster.objects.filter(regions=linghe).count()
    unlocated = Cluster.objects.filter(regions__isnull=True).count()
    client.force_login(planner)

    response = client.get(MAP, {"year": 2012, "quarter": 4})
    located = response.context["located"]
    row = next(r for r in located.regions if r.region == linghe)
    assert (len(row.clusters), row.more_clusters) == (LISTED_CLUSTERS, in_linghe - LISTED_CLUSTERS)
    # largest first: the clusters with figures before those without
    valued = [value is not None for _cluster, value in row.clusters]
    assert valued == sorted(valued, reverse=True)
    assert (len(located.unlocated_clusters), located.unlocated_count) == (LISTED_CLUSTERS, unlocated)
    assertContains(response, f"另有 {in_linghe - LISTED_CLUSTERS} 个集群")
    assertContains(response, f"另有 {unlocated - LISTED_CLUSTERS} 个集群")
    table = response.context["charts"]["regions"].table
    assert len(table.rows) == Region.objects.count() + LISTED_CLUSTERS
    assertContains(response, f"下载的数据含全部 {unlocated} 个")

    rows = _csv(client.get(MAP, {"year": 2012, "quarter": 4, "chart": "regions", "export": "csv"}))
    names = {r[0] for r in rows[1:]}
    assert {c.name_zh for c in Cluster.objects.filter(regions__isnull=True)} <= names
    assert len(rows) - 1 == Region.objects.count() + unlocated

    overview = client.get(reverse("city-dashboard"), {"year": 2012, "quarter": 4})
    assertContains(overview, f"{unlocated}个产业集群未载明所在区域")
