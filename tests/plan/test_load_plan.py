"""load_plan: every number of shared/DOMAIN.md is in the database, and a second run changes nothing.

The expected values are written out here from DOMAIN.md, not read from `plan.data`, so a wrong
entry in the data module fails these tests instead of being copied into them. The session
fixture in tests/conftest.py has already run `plan_load()` once.
"""
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from simple_history.models import HistoricalChanges

from clusters.models import Cluster, StageGoal
from funds.models import Fund
from indicators.models import CityIndicator
from investment.models import InvestmentTarget, Project
from org.models import Department, Region
from parks.models import Park, ParkReadinessItem
from plan.loader import plan_load

pytestmark = pytest.mark.django_db

PLAN_APPS = ("org", "clusters", "parks", "investment", "funds", "indicators")
YI = "亿元"
COUNTIES = {"heishan": "黑山县", "beizhen": "北镇市", "linghai": "凌海市", "yixian": "义县"}
URBAN = {"linghe": "凌河区", "guta": "古塔区", "taihe": "太和区", "songshan": "松山新区"}
ZONES = {"kaifaqu": "开发区", "longqiwan": "龙栖湾新区"}
NAMED_CLUSTERS = {"pv", "petrochem", "auto", "finechem", "titanium", "agri"}
SUPPORT_DEPARTMENTS = {"land": "市土地部门", "finance": "市财政部门", "environment": "市环保部门",
                       "financial_services": "市金融部门"}

# (deadline year, kind, cluster code, threshold, unit, target count) per stage, as DOMAIN.md states them.
STAGE_GOALS = {
    1: {
        (2011, "cluster_count", None, Decimal(100), YI, 8),
        (2011, "cluster_value", "pv", Decimal(200), YI, None),
        (2011, "cluster_value", "heishan-main", Decimal(100), YI, None),
        (2011, "cluster_value", "beizhen-main", Decimal(100), YI, None),
        (2011, "cluster_value", "linghai-main", Decimal(100), YI, None),
        (2011, "cluster_value", "yixian-main", Decimal(100), YI, None),
        (2011, "cluster_value", "auto", Decimal(100), YI, None),
        (2011, "cluster_value", "finechem", Decimal(100), YI, None),
        (2011, "cluster_value", "titanium", Decimal(100), YI, None),
        (2011, "cluster_value", "agri", Decimal(100), YI, None),
    },
    2: {
        (2013, "cluster_value", "pv", Decimal(1000), YI, None),
        (2013, "capacity", "petrochem", Decimal(240), "万吨", None),
        (2013, "cluster_value", "petrochem", Decimal(1000), YI, None),
        (2013, "qualitative", "petrochem", None, "", None),
    },
    3: {
        (2015, "cluster_count", None, Decimal(100), YI, 15),
        (2015, "cluster_count", None, Decimal(1000), YI, 2),
        (2015, "cluster_count", None, Decimal(200), YI, 11),
        (2015, "cluster_value", "pv", Decimal(1000), YI, None),
        (2015, "cluster_value", "petrochem", Decimal(1000), YI, None),
        (2015, "cluster_value", "auto", Decimal(300), YI, None),
        (2015, "cluster_value", "finechem", Decimal(300), YI, None),
        (2015, "qualitative", "pv", None, "", None),
    },
}


def _goals_of_stage(stage: int) -> list[tuple]:
    return [
        (g.deadline_year, g.kind, g.cluster.code if g.cluster else None, g.threshold, g.unit, g.target_count)
        for g in StageGoal.objects.filter(stage=stage).select_related("cluster")
    ]


# --- stage goals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_stage_goals_are_exactly_those_the_plan_states(stage):
    goals = _goals_of_stage(stage)
    assert len(goals) == len(set(goals)), "a goal is loaded twice"
    assert set(goals) == STAGE_GOALS[stage]


def test_no_goal_lies_outside_the_three_stages():
    assert set(StageGoal.objects.values_list("stage", flat=True)) == {1, 2, 3}
    assert StageGoal.objects.count() == sum(len(goals) for goals in STAGE_GOALS.values())


def test_stage_one_county_goals_are_on_each_countys_placeholder_cluster():
    goals = StageGoal.objects.filter(stage=1, kind="cluster_value", cluster__regions__kind="county")
    by_county = {g.cluster.regions.get().name_zh: g for g in goals}
    assert set(by_county) == set(COUNTIES.values())
    for goal in by_county.values():
        assert goal.cluster.is_placeholder
        assert goal.threshold == Decimal(100)


def test_stage_three_names_pv_and_petrochem_as_the_two_1000_yi_bases():
    at_1000 = StageGoal.objects.filter(stage=3, kind="cluster_value", threshold=Decimal(1000))
    assert {g.cluster.industry for g in at_1000} == {"光伏", "石化轻纺"}


def test_every_goal_keeps_the_plans_wording():
    assert not StageGoal.objects.filter(source_text="").exists()
    assert not StageGoal.objects.filter(description_zh="").exists()


# --- regions, departments and responsibility -----------------------------------------------------


def test_the_ten_regions_are_loaded_with_their_kind():
    regions = {r.code: (r.name_zh, r.kind) for r in Region.objects.all()}
    expected = ({code: (name, "county") for code, name in COUNTIES.items()}
                | {code: (name, "urban") for code, name in URBAN.items()}
                | {code: (name, "zone") for code, name in ZONES.items()})
    assert regions == expected


def test_the_three_competent_commissions_are_loaded():
    commissions = dict(Department.objects.filter(kind="commission").values_list("code", "name_zh"))
    assert commissions == {"jxw": "市经信委", "nlb": "市农领办", "fwy": "市服务业委"}


def test_the_four_support_departments_are_loaded():
    support = dict(Department.objects.filter(kind="support").values_list("code", "name_zh"))
    assert support == SUPPORT_DEPARTMENTS


def test_every_region_has_exactly_one_government():
    governments = Department.objects.filter(kind="government")
    per_region = Counter(governments.values_list("region__code", flat=True))
    assert per_region == Counter(dict.fromkeys(COUNTIES | URBAN | ZONES, 1))


def test_a_zones_managing_body_is_a_placeholder_and_county_governments_are_not():
    governments = {d.region.code: d for d in Department.objects.filter(kind="government").select_related("region")}
    assert {code for code, d in governments.items() if d.is_placeholder} == set(ZONES)


def test_the_plan_has_six_named_clusters_and_one_placeholder_per_region():
    named = set(Cluster.objects.filter(is_placeholder=False).values_list("code", flat=True))
    assert named == NAMED_CLUSTERS
    placeholders = Cluster.objects.filter(is_placeholder=True).prefetch_related("regions")
    assert sorted(r.code for c in placeholders for r in c.regions.all()) == sorted(COUNTIES | URBAN | ZONES)
    assert all(c.industry == "" for c in placeholders), "the plan names no industry for these"


@pytest.mark.parametrize(
    ("region_kind", "department"),
    [("county", "市农领办"), ("urban", "市服务业委"), ("zone", "市经信委")],
)
def test_a_regions_placeholder_cluster_belongs_to_the_competent_department(region_kind, department):
    clusters = Cluster.objects.filter(is_placeholder=True, regions__kind=region_kind)
    assert clusters.count() == {"county": 4, "urban": 4, "zone": 2}[region_kind]
    assert set(clusters.values_list("responsible_department__name_zh", flat=True)) == {department}


def test_named_clusters_belong_to_the_economic_and_information_commission():
    named = Cluster.objects.filter(code__in=NAMED_CLUSTERS)
    assert set(named.values_list("responsible_department__name_zh", flat=True)) == {"市经信委"}
    assert set(named.values_list("level", flat=True)) == {"city"}


def test_titanium_cluster_lies_in_taihe_district():
    titanium = Cluster.objects.get(industry="钛及特种金属")
    assert [r.name_zh for r in titanium.regions.all()] == ["太和区"]
    assert titanium.responsible_department.name_zh == "市经信委"


def test_every_cluster_is_supported_by_the_four_support_departments():
    for cluster in Cluster.objects.prefetch_related("supporting_departments"):
        assert {d.code for d in cluster.supporting_departments.all()} == set(SUPPORT_DEPARTMENTS), cluster.code


# --- parks ---------------------------------------------------------------------------------------


def test_parks_are_those_of_the_four_counties_the_development_zone_and_longqi_bay():
    assert sorted(Park.objects.values_list("region__code", flat=True)) == sorted(COUNTIES | ZONES)


def test_every_park_targets_5_km2_striving_for_10_km2_this_year():
    for park in Park.objects.all():
        assert (park.area_target_km2, park.area_stretch_km2, park.target_year) == (Decimal(5), Decimal(10), 2011)
        assert park.area_km2 is None, "no current area is stated; it is entered later"


def test_every_park_builds_100000_to_200000_m2_of_standard_factories():
    for park in Park.objects.all():
        assert (park.factory_target_min_m2, park.factory_target_max_m2) == (Decimal(100_000), Decimal(200_000))
        assert park.factory_built_m2 == Decimal(0)


@pytest.mark.parametrize(("region_kind", "department"), [("county", "市农领办"), ("zone", "市经信委")])
def test_a_parks_competent_department_follows_its_region(region_kind, department):
    parks = Park.objects.filter(region__kind=region_kind)
    assert set(parks.values_list("responsible_department__name_zh", flat=True)) == {department}


def test_a_parks_leading_cluster_is_its_regions_placeholder_cluster():
    for park in Park.objects.select_related("leading_cluster", "region"):
        assert park.leading_cluster.is_placeholder
        assert list(park.leading_cluster.regions.all()) == [park.region]


def test_every_park_has_the_eight_readiness_items():
    kinds = {"road", "water", "drainage", "power", "telecom", "heating", "gas", "levelling"}
    for park in Park.objects.prefetch_related("readiness_items"):
        assert sorted(i.kind for i in park.readiness_items.all()) == sorted(kinds), park.code
    assert ParkReadinessItem.objects.count() == 6 * 8


def test_readiness_is_due_end_of_june_and_for_all_parks_end_of_july_2011():
    deadlines = set(ParkReadinessItem.objects.values_list("deadline", "final_deadline", "status", "completed_on"))
    assert deadlines == {(date(2011, 6, 30), date(2011, 7, 31), "not_started", None)}


# --- funds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name_zh", "amount_wan", "requires_matching_fund"),
    [
        ("土地整理周转金", Decimal(50_000), False),
        ("园区建设和产业集群发展基金", Decimal(40_000), False),
        ("产业集群专项资金", Decimal(3_500), True),
        ("发展工业专项资金", None, True),
    ],
)
def test_fund_amount_and_matching_fund_rule(name_zh, amount_wan, requires_matching_fund):
    fund = Fund.objects.get(name_zh=name_zh)
    assert fund.amount_wan == amount_wan
    assert fund.requires_matching_fund is requires_matching_fund
    assert fund.year == 2011
    assert fund.source_text


def test_the_plan_has_exactly_four_funds():
    assert Fund.objects.count() == 4


# --- key projects --------------------------------------------------------------------------------

# (cluster code, stage, capacity, unit) per key project the report names.
KEY_PROJECTS = {
    "年产240万吨差别化纤维项目": ("petrochem", 3, Decimal(240), "万吨/年"),
    "300兆瓦太阳能电池项目": ("pv", 3, Decimal(300), "MW"),
    "500兆瓦太阳能组件项目": ("pv", 3, Decimal(500), "MW"),
    "200兆瓦多晶硅锭及硅片生产线项目": ("pv", 3, Decimal(200), "MW"),
    "年产15万吨高碳铬铁项目": (None, 2, Decimal(15), "万吨/年"),
    "锦恒汽车安全系统一体化项目": ("auto", 2, None, ""),
    "锦州钛业年产20万吨钛白粉一期工程": ("titanium", 1, Decimal(20), "万吨/年"),
}


def test_key_projects_have_the_stated_capacity_stage_and_cluster():
    loaded = {
        p.name: (p.cluster.code if p.cluster else None, p.stage, p.capacity, p.capacity_unit)
        for p in Project.objects.select_related("cluster")
    }
    assert loaded == KEY_PROJECTS


def test_key_projects_are_key_plan_rows_with_the_plans_wording():
    projects = Project.objects.all()
    assert all(p.is_key and not p.is_demo and p.source_text for p in projects)


# --- investment targets and city indicators ------------------------------------------------------


def test_investment_targets_for_2011_are_15_yi_usd_foreign_and_700_yi_cny_domestic():
    targets = {(t.year, t.origin): (t.amount, t.currency) for t in InvestmentTarget.objects.all()}
    assert targets == {(2011, "foreign"): (Decimal(15), "USD"), (2011, "domestic"): (Decimal(700), "CNY")}


def test_city_indicator_targets_are_over_50_at_least_65_and_at_least_53_percent():
    indicators = {i.name_zh: (i.year, i.comparison, i.target_percent) for i in CityIndicator.objects.all()}
    assert indicators == {
        "工业占三次产业比重": (2011, "gt", Decimal(50)),
        "工业对财政的贡献率": (2011, "gte", Decimal(65)),
        "工业对就业的贡献率": (2011, "gte", Decimal(53)),
    }


# --- idempotency and planners' edits -------------------------------------------------------------


def _plan_models(*, historical: bool) -> list:
    models = []
    for label in PLAN_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if issubclass(model, HistoricalChanges) is historical:
                models.append(model)
    return models


def _row_snapshot() -> set[tuple]:
    """(model label, pk, updated_at, every other column) of every row of the plan's apps, m2m tables included."""
    rows = set()
    for model in _plan_models(historical=False):
        columns = [f.attname for f in model._meta.concrete_fields]
        rows |= {(model._meta.label, *values) for values in model._base_manager.values_list("pk", *columns)}
    return rows


def _history_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in _plan_models(historical=True)}


def test_second_load_creates_nothing():
    assert plan_load() == Counter()


def test_second_load_changes_no_row():
    before = _row_snapshot()
    plan_load()
    assert _row_snapshot() == before


def test_second_load_writes_no_history():
    before = _history_counts()
    plan_load()
    assert _history_counts() == before


def test_first_load_records_its_rows_in_history_as_load_plan():
    for model in _plan_models(historical=True):
        created = model._base_manager.filter(history_type="+")
        assert set(created.values_list("history_change_reason", flat=True)) <= {"load_plan"}, model._meta.label


def _cluster_form(cluster: Cluster, **changes) -> dict:
    """The admin change form of `cluster` as the browser posts it, with `changes` applied."""
    form = {
        "code": cluster.code, "name_zh": cluster.name_zh, "name_en": cluster.name_en, "industry": cluster.industry,
        "level": cluster.level, "responsible_department": cluster.responsible_department_id,
        "regions": [r.pk for r in cluster.regions.all()],
        "supporting_departments": [d.pk for d in cluster.supporting_departments.all()],
        "leading_products": cluster.leading_products, "notes": cluster.notes,
        "is_placeholder": "on" if cluster.is_placeholder else "",
    }
    for prefix in ("enterprises", "platforms"):
        form |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0,
                 f"{prefix}-MAX_NUM_FORMS": 1000}
    form |= changes
    return {key: value for key, value in form.items() if value != ""}


def test_planners_rename_of_a_county_placeholder_survives_a_second_load(client, planner):
    cluster = Cluster.objects.get(code="heishan-main")
    client.force_login(planner)
    response = client.post(
        reverse("admin:clusters_cluster_change", args=[cluster.pk]),
        _cluster_form(cluster, name_zh="黑山县农产品加工产业集群", name_en="Heishan agri-processing",
                      industry="农产品加工", is_placeholder=""),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert plan_load() == Counter()

    cluster.refresh_from_db()
    assert (cluster.name_zh, cluster.industry, cluster.is_placeholder) == (
        "黑山县农产品加工产业集群", "农产品加工", False,
    )
    assert StageGoal.objects.get(stage=1, cluster=cluster).threshold == Decimal(100)


def test_planners_change_of_a_clusters_regions_and_supporters_survives_a_second_load():
    cluster = Cluster.objects.get(code="pv")
    cluster.regions.set(Region.objects.filter(code="kaifaqu"))
    cluster.supporting_departments.set(Department.objects.filter(code="finance"))

    plan_load()

    assert [r.code for r in cluster.regions.all()] == ["kaifaqu"]
    assert [d.code for d in cluster.supporting_departments.all()] == ["finance"]


def test_planners_entry_of_a_parks_area_survives_a_second_load():
    park = Park.objects.get(code="heishan-park")
    park.area_km2 = Decimal("6.40")
    park.name = "黑山县工业园区"
    park.save()

    plan_load()

    park.refresh_from_db()
    assert (park.name, park.area_km2) == ("黑山县工业园区", Decimal("6.40"))
    assert Park.objects.count() == 6


def test_citywide_standard_factory_programme_is_2_million_m2_for_3_billion_yuan():
    from parks.models import StandardFactoryProgramme

    programme = StandardFactoryProgramme.objects.get(year=2011)
    assert (programme.target_m2, programme.budget_wan) == (Decimal(2_000_000), Decimal(300_000))
