"""The city map (一张图, /map/, and the small map on the city overview): each region's cluster output for the year
up to the chosen quarter, its growth on the same period last year and how many of its clusters reach 100亿元, as
switchable choropleth layers; parks and key projects as points; a panel per region with what lies in it.

Boundaries: the seven county-level districts of the vendored GeoJSON (static/vendor/jinzhou-map/, loaded by
static/js/map.js). The plan's other regions (松山新区, 开发区, 龙栖湾新区) are not districts of that map: they are
listed beside it with the same values, never dropped; so are the clusters whose region the plan does not state.

Numbers: approved ones are the roll-up rows (`progress.Progress`, scope region and cluster, the year to date at the
chosen quarter: `/api/v1/progress/?scope=region&year=…&quarter=…` serves the same `ytd_value`), read through
`visible_progress(user)`, so a department sees the regions the API shows it. With "including unapproved" they are
summed from approved + submitted figures in one GROUP BY (as `dashboards.selectors` does for clusters).
Points: parks and key projects the user may see, placed only where a planner recorded coordinates.
A fixed number of queries whatever the data size.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.models import Cluster
from core import access
from core.sheets import Table
from investment.choices import ProjectStage
from investment.models import Project
from org.models import Region, User
from parks.models import Park
from parks.selectors import park_rows
from progress.models import Scope
from progress.selectors import Value, provisional_year_to_date, visible_progress

from .charts import PALETTE, Chart, demo_title, largest_first
from .period import Period

MAP_NAME = "锦州"
DISTRICTS = frozenset({"古塔区", "凌河区", "太和区", "黑山县", "北镇市", "义县", "凌海市"})  # the features of the map
SCALE = Decimal(100)  # a cluster "reaches scale" at 100亿元 a year
# Clusters named in a region's panel and in the list of clusters without a region (and that list's rows in the
# region table), largest first; the page counts the others, the region table's download names them all.
LISTED_CLUSTERS = 10
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")
OWN_BORDER = "#e07b24"
GROWTH_COLOURS = ["#a52a2a", "#f7f7f7", "#1f4e79"]  # decline, none, growth: diverging, apart in greyscale too
OUTPUT_COLOURS = ["#dbe8f4", "#1f4e79"]
COUNT_COLOURS = ["#f2f2f2", "#9ac6e8", "#4f86b8", "#1f4e79"]


@dataclass
class RegionRow:
    """One region of the plan with its numbers for the period (None: no approved figure, or not visible)."""

    region: Region
    ytd: Value | None = None
    last_year: Decimal | None = None
    growth: Decimal | None = None  # ratio: 0.125 = +12.5 %
    at_scale: int | None = None
    clusters: list[tuple[Cluster, Value | None]] = field(default_factory=list)
    more_clusters: int = 0  # not named in `clusters` (LISTED_CLUSTERS)
    parks: list[Park] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    own: bool = False

    @property
    def on_map(self) -> bool:
        return self.region.name_zh in DISTRICTS

    @property
    def growth_percent(self) -> Decimal | None:
        return (self.growth * HUNDRED).quantize(TENTH) if self.growth is not None else None


@dataclass
class CityMap:
    period: Period
    regions: list[RegionRow]
    unlocated_clusters: list[tuple[Cluster, Value | None]]  # the plan states no region for them (the largest)
    more_unlocated: int  # not named in `unlocated_clusters`
    unplaced_parks: list[Park]
    unplaced_projects: list[Project]
    charts: list[Chart]
    payload: dict  # what static/js/map.js draws

    @property
    def off_map(self) -> list[RegionRow]:
        return [row for row in self.regions if not row.on_map]

    @property
    def own(self) -> list[RegionRow]:
        return [row for row in self.regions if row.own]

    @property
    def unlocated_count(self) -> int:
        return len(self.unlocated_clusters) + self.more_unlocated


def _approved(user: User, period: Period) -> tuple[dict, dict]:
    """Region rows and cluster rows of the roll-up the user may read, at (year, quarter). One query."""
    rows = visible_progress(user).filter(scope__in=[Scope.REGION, Scope.CLUSTER], year=period.year,
                                         quarter=period.quarter)
    regions, clusters = {}, {}
    for row in rows.only("scope", "scope_id", "ytd_value", "prev_ytd_value", "ytd_yoy_growth", "demo_units"):
        target = regions if row.scope == Scope.REGION else clusters
        target[row.scope_id] = (Value(row.ytd_value, row.ytd_value, row.ytd_yoy_growth, bool(row.demo_units)),
                                row.prev_ytd_value, row.ytd_yoy_growth)
    return regions, clusters


def _own_region_ids(user: User) -> set[int]:
    """A department's own regions: its territory (a government) and the regions of the clusters it is responsible
    for. Planners have none highlighted. One query."""
    if access.may(user, "view-all") or not user.department_id:
        return set()
    ids = set(Region.objects.filter(Q(departments=user.department_id)
                                    | Q(clusters__responsible_department=user.department_id))
              .values_list("pk", flat=True))
    return ids


def _tip(*lines: str) -> list[str]:
    return [line for line in lines if line]


def _yi(value: Decimal | None) -> str:
    return _("%(value)s 100M yuan") % {"value": f"{value:,.2f}"} if value is not None else "—"


def _growth_text(percent: Decimal | None) -> str:
    return f"{percent:+.1f} %" if percent is not None else "—"


def _region_tips(row: RegionRow) -> list[str]:
    return _tip(
        row.region.name + (f"（{_('demo data')}）" if row.ytd and row.ytd.demo else ""),
        _("Output, year to date: %(value)s") % {"value": _yi(row.ytd.value if row.ytd else None)},
        _("Growth on the same period last year: %(growth)s") % {"growth": _growth_text(row.growth_percent)},
        _("Clusters ≥ 100亿元: %(n)s") % {"n": row.at_scale if row.at_scale is not None else "—"},
        _("Your region") if row.own else "",
    )


def _map_series(name: str, rows: list[RegionRow], value) -> dict:
    """One choropleth layer: the map series over the shared `geo` component, one data item per district."""
    data = []
    for row in rows:
        if not row.on_map:
            continue
        data.append({"name": row.region.name_zh, "value": value(row), "tip": _region_tips(row)})
    return {"name": name, "type": "map", "map": MAP_NAME, "geoIndex": 0, "data": data}


def _text(value: Decimal | int | None) -> str | int | None:
    return value if value is None or isinstance(value, int) else str(value)


def _layers(rows: list[RegionRow]) -> dict:
    """The three choropleth layers: output (亿元), growth (diverging, symmetric around 0) and clusters ≥ 100亿元."""
    outputs = [r.ytd.value for r in rows if r.on_map and r.ytd]
    growths = [abs(r.growth_percent) for r in rows if r.on_map and r.growth_percent is not None]
    counts = [r.at_scale for r in rows if r.on_map and r.at_scale is not None]
    # Colour-scale ends, whole numbers (ECharts needs numbers there; the data stay exact strings).
    top = math.ceil(max(outputs, default=Decimal(1)))
    swing = max(math.ceil(max(growths, default=Decimal(10))), 1)
    unit = _("100M yuan")
    return {
        "output": {
            "label": _("Cluster output, year to date (100M yuan)"),
            "series": _map_series(_("Output (100M yuan)"), rows, lambda r: _text(r.ytd.value) if r.ytd else None),
            "visualMap": {"type": "continuous", "min": 0, "max": top, "calculable": False,
                          "text": [unit, "0"], "inRange": {"color": OUTPUT_COLOURS}, "seriesIndex": 0,
                          "left": 8, "bottom": 8, "precision": 0},
        },
        "growth": {
            "label": _("Growth on the same period last year (%)"),
            "series": _map_series(_("Growth (%)"), rows, lambda r: _text(r.growth_percent)),
            "visualMap": {"type": "continuous", "min": -swing, "max": swing, "calculable": False,
                          "text": [f"+{swing} %", f"−{swing} %"], "inRange": {"color": GROWTH_COLOURS},
                          "seriesIndex": 0, "left": 8, "bottom": 8, "precision": 1},
        },
        "count": {
            "label": _("Clusters ≥ 100亿元"),
            "series": _map_series(_("Clusters ≥ 100亿元"), rows, lambda r: r.at_scale),
            "visualMap": {"type": "piecewise", "seriesIndex": 0, "left": 8, "bottom": 8,
                          "pieces": [{"value": 0, "color": COUNT_COLOURS[0]}, {"value": 1, "color": COUNT_COLOURS[1]},
                                     {"value": 2, "color": COUNT_COLOURS[2]},
                                     {"min": 3, "label": "≥ 3", "color": COUNT_COLOURS[3]}]
                          if max(counts, default=0) < 10 else [{"min": 0, "color": COUNT_COLOURS[1]}]},
        },
    }


def _park_point(park: Park) -> dict:
    return {"name": park.name, "value": [str(park.longitude), str(park.latitude)],
            "url": reverse("park-page", args=[park.pk]),
            "tip": _tip(park.name + (f"（{_('demo coordinates')}）" if park.location_is_demo else ""),
                        _("七通一平: %(done)s of %(all)s items done, %(overdue)s overdue")
                        % {"done": park.items_done, "all": park.items, "overdue": park.items_overdue},
                        _("Area %(area)s km² of %(target)s km² (striving for %(stretch)s km²)")
                        % {"area": park.area_km2 if park.area_km2 is not None else "—",
                           "target": park.area_target_km2, "stretch": park.area_stretch_km2},
                        _("demo data") if park.is_demo else "")}


def _project_point(project: Project) -> dict:
    return {"name": project.name, "value": [str(project.longitude), str(project.latitude)],
            "url": reverse("project-page", args=[project.pk]),
            "tip": _tip(project.name + (f"（{_('demo coordinates')}）" if project.location_is_demo else ""),
                        project.get_stage_display(), str(project.cluster or ""),
                        _("demo data") if project.is_demo else "")}


def _overlays(parks: list[Park], projects: list[Project]) -> dict:
    placed_parks = [p for p in parks if p.located]
    placed_projects = [p for p in projects if p.located]
    stages = [{"name": stage.label, "type": "scatter", "coordinateSystem": "geo", "symbol": "diamond",
               "symbolSize": 12, "itemStyle": {"color": PALETTE[(stage.value + 2) % len(PALETTE)],
                                               "borderColor": "#fff", "borderWidth": 1},
               "data": [_project_point(p) for p in placed_projects if p.stage == stage.value]}
              for stage in ProjectStage]
    return {
        "parks": {"label": _("Parks"), "series": [{
            "name": _("Parks"), "type": "scatter", "coordinateSystem": "geo", "symbol": "pin", "symbolSize": 26,
            "itemStyle": {"color": PALETTE[1], "borderColor": "#fff", "borderWidth": 1},
            "data": [_park_point(p) for p in placed_parks]}]},
        "projects": {"label": _("Key projects by stage"), "series": stages},
    }


def _region_table(rows: list[RegionRow], unlocated, period: Period) -> Table:
    title = _("Cluster output by region, %(quarter)s, year to date") % {"quarter": period.as_quarter.label}
    demo = any(r.ytd and r.ytd.demo for r in rows)
    table_rows = [[r.region.name, _("district of the map") if r.on_map else _("listed beside the map"),
                   r.ytd.value if r.ytd else None, r.last_year, r.growth_percent, r.at_scale,
                   bool(r.ytd and r.ytd.demo)] for r in rows]
    table_rows += [[c.name, _("no region stated in the plan"), v.value if v else None, None, None,
                    int(bool(v and v.value >= SCALE)) if v else None, bool(v and v.demo)] for c, v in unlocated]
    return Table(title=demo_title(title, demo), filename=f"map-regions-{period.year}Q{period.quarter}",
                 headers=[_("Region"), _("On the map"), _("Output, year to date (100M yuan)"),
                          _("Same period last year (100M yuan)"), _("Growth (%)"), _("Clusters ≥ 100亿元"),
                          _("demo data")],
                 rows=table_rows if any(r[2] is not None for r in table_rows) else [])


def _point_table(key: str, title: str, rows: list, period: Period, columns) -> Table:
    return Table(title=title, filename=f"map-{key}-{period.year}Q{period.quarter}",
                 headers=[_("Name"), _("Region"), *[c[0] for c in columns], _("Longitude"), _("Latitude"),
                          _("demo coordinates")],
                 rows=[[r.name, str(r.region or ""), *[c[1](r) for c in columns], r.longitude, r.latitude,
                        r.location_is_demo] for r in rows])


def city_map(*, user: User, period: Period, with_points: bool = True, every_cluster: bool = False) -> CityMap:
    """Everything the map page (or, without points, the city overview's small map) shows for `user` and `period`:
    the `LISTED_CLUSTERS` largest clusters of each list, or all of them (`every_cluster`: the region table's
    download). Seven queries with points, four without, whatever the data size."""
    regions = list(Region.objects.order_by("kind", "code"))
    visible = Cluster.objects.visible_to(user)
    clusters = list(visible.order_by("code"))
    # The clusters' regions as id pairs, matched to the regions just read (not a Region instance per link).
    links: dict[int, list[int]] = {}
    for cluster_id, region_id in (Cluster.regions.through.objects.filter(cluster__in=visible.values("pk"))
                                  .order_by("region_id").values_list("cluster_id", "region_id")):
        links.setdefault(cluster_id, []).append(region_id)
    if period.include_unapproved:
        region_values, cluster_values = provisional_year_to_date(
            user=user, year=period.year, quarter=period.quarter, cluster_ids=[c.pk for c in clusters])
    else:
        region_values, cluster_values = _approved(user, period)
    own = _own_region_ids(user)
    rows = {region.pk: RegionRow(region, own=region.pk in own) for region in regions}
    for region_id, (value, before, growth) in region_values.items():
        if region_id in rows:
            rows[region_id].ytd, rows[region_id].last_year, rows[region_id].growth = value, before, growth
    unlocated = []
    for cluster in clusters:
        value = cluster_values.get(cluster.pk, (None,))[0]
        cluster_regions = links.get(cluster.pk, [])
        if not cluster_regions:
            unlocated.append((cluster, value))
        for region_id in cluster_regions:
            row = rows[region_id]
            row.clusters.append((cluster, value))
            if row.ytd is not None:
                row.at_scale = (row.at_scale or 0) + int(value is not None and value.value >= SCALE)
    parks: list[Park] = []
    projects: list[Project] = []
    if with_points:
        parks = list(park_rows(user=user).order_by("code"))
        projects = list(Project.objects.visible_to(user).select_related("cluster", "region")
                        .order_by("stage", "name"))
        for park in parks:
            rows[park.region_id].parks.append(park)
        for project in projects:
            if project.region_id:
                rows[project.region_id].projects.append(project)
    listed = None if every_cluster else LISTED_CLUSTERS
    for row in rows.values():
        row.clusters, row.more_clusters = largest_first(row.clusters, listed)
    unlocated, more_unlocated = largest_first(unlocated, listed)
    ordered = sorted(rows.values(), key=lambda r: (not r.on_map, r.region.kind, r.region.code))
    key_projects = [p for p in projects if p.is_key]
    region_table = _region_table(ordered, unlocated, period)
    demo = any(r.ytd and r.ytd.demo for r in ordered)
    note = _("The %(shown)s largest clusters without a region; the download holds all %(count)s.") % {
        "shown": len(unlocated), "count": len(unlocated) + more_unlocated} if more_unlocated else ""
    charts = [Chart("regions", demo_title(_("Cluster output by region"), demo), {}, region_table, demo=demo,
                    note=note)]
    if with_points:
        charts += [
            Chart("parks", _("Parks"), {}, _point_table("parks", _("Parks"), parks, period, [
                (_("七通一平 items done"), lambda p: f"{p.items_done}/{p.items}"),
                (_("Items overdue"), lambda p: p.items_overdue),
                (_("Current area (km²)"), lambda p: p.area_km2), (_("Area target (km²)"), lambda p: p.area_target_km2),
            ]), demo=any(p.is_demo or p.location_is_demo for p in parks)),
            Chart("projects", _("Key projects by stage"), {}, _point_table("projects", _("Key projects"), key_projects,
                                                                        period, [
                (_("Stage"), lambda p: p.get_stage_display()), (_("Cluster"), lambda p: str(p.cluster or "")),
            ]), demo=any(p.is_demo or p.location_is_demo for p in key_projects)),
        ]
    # The user's own districts are outlined through the shared `geo` component (a map series drawn on it takes
    # its region styles from there, not from its own data items).
    own = [{"name": r.region.name_zh, "itemStyle": {"borderColor": OWN_BORDER, "borderWidth": 3}}
           for r in ordered if r.own and r.on_map]
    payload = {"map": MAP_NAME, "layers": _layers(ordered), "overlays": _overlays(parks, key_projects) if with_points
               else {}, "own": own}
    return CityMap(period=period, regions=ordered, unlocated_clusters=unlocated, more_unlocated=more_unlocated,
                   unplaced_parks=[p for p in parks if not p.located],
                   unplaced_projects=[p for p in key_projects if not p.located], charts=charts, payload=payload)
