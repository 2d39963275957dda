"""What the plan states (shared/DOMAIN.md, from the 2011 report), as data for `load_plan`.

Every entry is either stated by the report or an explicit placeholder (`placeholder=True`,
shown as 待定) that a planner edits in the browser. Codes are the natural keys `load_plan`
uses to stay idempotent. Amounts: cluster output in 亿元; funds in 万元; investment in 亿
of the stated currency.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# The base year lives in the kernel, where the roll-up and the dashboards read it without importing plan/.
from core.periods import PLAN_YEAR

# (code, name_zh, name_en, kind)
REGIONS = [
    ("heishan", "黑山县", "Heishan County", "county"),
    ("beizhen", "北镇市", "Beizhen City", "county"),
    ("linghai", "凌海市", "Linghai City", "county"),
    ("yixian", "义县", "Yi County", "county"),
    ("linghe", "凌河区", "Linghe District", "urban"),
    ("guta", "古塔区", "Guta District", "urban"),
    ("taihe", "太和区", "Taihe District", "urban"),
    ("songshan", "松山新区", "Songshan New District", "urban"),
    ("kaifaqu", "开发区", "Economic and Technological Development Zone", "zone"),
    ("longqiwan", "龙栖湾新区", "Longqi Bay New Area", "zone"),
]
COUNTY_CODES = ["heishan", "beizhen", "linghai", "yixian"]
URBAN_CODES = ["linghe", "guta", "taihe", "songshan"]
ZONE_CODES = ["kaifaqu", "longqiwan"]


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name_zh: str
    name_en: str
    kind: str
    responsibility: str
    region: str | None = None
    placeholder: bool = False


DEPARTMENTS = [
    DepartmentSpec(
        "jxw", "市经信委", "Municipal Economic and Information Commission", "commission",
        "全市工业产业集群的主管部门，负责宏观指导调度、按省定标准规范产业集群，"
        "抓市级工业产业集群（包括开发区、龙栖湾和太和区的钛及特种金属产业集群）。",
    ),
    DepartmentSpec(
        "nlb", "市农领办", "Municipal Agriculture Leading-Group Office", "commission",
        "负责抓4个县域工业产业集群（黑山县、北镇市、凌海市、义县）。",
    ),
    DepartmentSpec(
        "fwy", "市服务业委", "Municipal Service Industry Commission", "commission",
        "负责抓城区工业产业集群（凌河区、古塔区、太和区和松山新区）。",
    ),
    DepartmentSpec("land", "市土地部门", "Municipal land department", "support",
                   "按照责任分工，密切配合、全力支持（土地供应）。", placeholder=True),
    DepartmentSpec("finance", "市财政部门", "Municipal finance department", "support",
                   "按照责任分工，密切配合、全力支持（资金）。", placeholder=True),
    DepartmentSpec("environment", "市环保部门", "Municipal environmental protection department", "support",
                   "按照责任分工，密切配合、全力支持（环保审批）。", placeholder=True),
    DepartmentSpec("financial_services", "市金融部门", "Municipal financial services department", "support",
                   "按照责任分工，密切配合、全力支持（融资）。", placeholder=True),
]
SUPPORT_DEPARTMENT_CODES = ["land", "finance", "environment", "financial_services"]
GOVERNMENT_RESPONSIBILITY = "发展本地工业产业集群的责任主体，承担全部责任。"


def government_code(region_code: str) -> str:
    return f"gov-{region_code}"


def government_spec(region_code: str, name_zh: str, name_en: str, kind: str) -> DepartmentSpec:
    """The responsible subject of a region: its Party committee and government (各县(市)区党委和政府).

    The report names these for counties and districts only; a zone's managing body is a placeholder.
    """
    if kind == "zone":
        return DepartmentSpec(government_code(region_code), f"{name_zh}管理机构（待定）",
                              f"{name_en} administration (TBD)", "government", GOVERNMENT_RESPONSIBILITY,
                              region=region_code, placeholder=True)
    return DepartmentSpec(government_code(region_code), f"{name_zh}党委和政府",
                          f"{name_en} Party committee and government", "government", GOVERNMENT_RESPONSIBILITY,
                          region=region_code)


GOVERNMENTS = [government_spec(*region) for region in REGIONS]


@dataclass(frozen=True)
class ClusterSpec:
    code: str
    name_zh: str
    name_en: str
    industry: str
    level: str
    department: str
    regions: tuple[str, ...] = ()
    placeholder: bool = False
    notes: str = ""


# The six clusters the report names by industry. Their regions and level are not stated,
# except for 钛及特种金属 (太和区, a city-level cluster run by 市经信委).
NAMED_CLUSTERS = [
    ClusterSpec("pv", "光伏产业集群", "Photovoltaics", "光伏", "city", "jxw",
                notes="“双千亿”产业基地之一；2015年把锦州打造成中国的光伏之都。所在区域未在规划中载明。"),
    ClusterSpec("petrochem", "石化轻纺产业集群", "Petrochemical and light textile", "石化轻纺", "city", "jxw",
                notes="“双千亿”产业基地之一。所在区域未在规划中载明。"),
    ClusterSpec("auto", "汽车及零部件产业集群", "Automobiles and parts", "汽车及零部件", "city", "jxw",
                notes="所在区域未在规划中载明。"),
    ClusterSpec("finechem", "精细化工产业集群", "Fine chemicals", "精细化工", "city", "jxw",
                notes="所在区域未在规划中载明。"),
    ClusterSpec("titanium", "钛及特种金属产业集群", "Titanium and special metals", "钛及特种金属", "city", "jxw",
                regions=("taihe",), notes="太和区的钛及特种金属产业集群，由市经信委抓。"),
    ClusterSpec("agri", "农产品深加工产业集群", "Agricultural product deep processing", "农产品深加工", "city", "jxw",
                notes="所在区域未在规划中载明。"),
]

# Territories the report gives a cluster without naming its industry: one placeholder each.
_LEVEL_AND_DEPARTMENT = {"county": ("county", "nlb"), "urban": ("urban", "fwy"), "zone": ("city", "jxw")}


def _territorial_clusters() -> list[ClusterSpec]:
    specs = []
    for code, name_zh, name_en, kind in REGIONS:
        level, department = _LEVEL_AND_DEPARTMENT[kind]
        specs.append(ClusterSpec(
            f"{code}-main", f"{name_zh}主导产业集群（待定）", f"{name_en} leading cluster (TBD)", "", level,
            department, regions=(code,), placeholder=True,
            notes="规划载明该区域有产业集群，但未载明其产业；请规划人员据实修改名称与产业。",
        ))
    return specs


CLUSTERS = NAMED_CLUSTERS + _territorial_clusters()


@dataclass(frozen=True)
class GoalSpec:
    code: str
    stage: int
    deadline_year: int
    kind: str
    description_zh: str
    description_en: str
    source_text: str
    cluster: str | None = None
    threshold: Decimal | None = None
    unit: str = ""
    target_count: int | None = None


_S1 = "2011年，全市将有8个产业集群达到100亿元规模以上，其中，光伏产业集群将达200亿元以上，黑山、北镇、凌海、义县4个县(市)都有1个产业集群突破100亿元，汽车及零部件、精细化工、钛及特种金属、农产品深加工等产业集群都将实现100亿元以上。"
_S2 = "第二个阶段，即到2013年末，光伏产业集群具备1000亿元的规模，差别化纤维生产能力力争达到240万吨，形成上下游产业链齐全配套、公共服务平台完备的石化轻纺产业集群，争取实现1000亿元的规划目标。"
_S3 = "到2015年，100亿元以上的产业集群将达到15个，其中光伏、石化轻纺两个产业集群将分别达到1000亿元以上，把锦州打造成中国的光伏之都；11个产业集群达到200亿元以上，其中汽车及零部件和精细化工产业集群分别实现300亿元。"
YI = "亿元"


def _value(code, stage, year, cluster, threshold, zh, en, source):
    return GoalSpec(code, stage, year, "cluster_value", zh, en, source, cluster=cluster,
                    threshold=Decimal(threshold), unit=YI)


def _count(code, stage, year, count, threshold, zh, en, source):
    return GoalSpec(code, stage, year, "cluster_count", zh, en, source, threshold=Decimal(threshold), unit=YI,
                    target_count=count)


GOALS = [
    _count("s1-count-100", 1, 2011, 8, 100, "8个产业集群达到100亿元以上", "8 clusters at 10 bn yuan or more", _S1),
    _value("s1-pv-200", 1, 2011, "pv", 200, "光伏产业集群达200亿元以上", "Photovoltaics at 20 bn yuan or more", _S1),
    *[
        _value(f"s1-{code}-100", 1, 2011, f"{code}-main", 100, f"{zh}有1个产业集群突破100亿元",
               f"{en}: one cluster above 10 bn yuan", _S1)
        for code, zh, en, _kind in REGIONS if code in COUNTY_CODES
    ],
    _value("s1-auto-100", 1, 2011, "auto", 100, "汽车及零部件产业集群实现100亿元以上",
           "Automobiles and parts at 10 bn yuan or more", _S1),
    _value("s1-finechem-100", 1, 2011, "finechem", 100, "精细化工产业集群实现100亿元以上",
           "Fine chemicals at 10 bn yuan or more", _S1),
    _value("s1-titanium-100", 1, 2011, "titanium", 100, "钛及特种金属产业集群实现100亿元以上",
           "Titanium and special metals at 10 bn yuan or more", _S1),
    _value("s1-agri-100", 1, 2011, "agri", 100, "农产品深加工产业集群实现100亿元以上",
           "Agricultural product deep processing at 10 bn yuan or more", _S1),
    _value("s2-pv-1000", 2, 2013, "pv", 1000, "光伏产业集群具备1000亿元规模",
           "Photovoltaics at 100 bn yuan", _S2),
    GoalSpec("s2-fibre-240", 2, 2013, "capacity", "差别化纤维生产能力力争达到240万吨",
             "Differentiated-fibre capacity of 2.4 million tonnes", _S2, cluster="petrochem",
             threshold=Decimal(240), unit="万吨"),
    _value("s2-petrochem-1000", 2, 2013, "petrochem", 1000, "石化轻纺产业集群争取实现1000亿元",
           "Petrochemical and light textile at 100 bn yuan", _S2),
    GoalSpec("s2-petrochem-chain", 2, 2013, "qualitative", "石化轻纺产业集群上下游产业链齐全配套、公共服务平台完备",
             "Petrochemical and light textile: complete up/downstream chain and public-service platforms", _S2,
             cluster="petrochem"),
    _count("s3-count-100", 3, 2015, 15, 100, "15个产业集群达到100亿元以上", "15 clusters at 10 bn yuan or more", _S3),
    _count("s3-count-1000", 3, 2015, 2, 1000, "2个产业集群达到1000亿元以上", "2 clusters at 100 bn yuan or more", _S3),
    _count("s3-count-200", 3, 2015, 11, 200, "11个产业集群达到200亿元以上", "11 clusters at 20 bn yuan or more", _S3),
    _value("s3-pv-1000", 3, 2015, "pv", 1000, "光伏产业集群达到1000亿元以上",
           "Photovoltaics at 100 bn yuan or more", _S3),
    _value("s3-petrochem-1000", 3, 2015, "petrochem", 1000, "石化轻纺产业集群达到1000亿元以上",
           "Petrochemical and light textile at 100 bn yuan or more", _S3),
    _value("s3-auto-300", 3, 2015, "auto", 300, "汽车及零部件产业集群实现300亿元",
           "Automobiles and parts at 30 bn yuan", _S3),
    _value("s3-finechem-300", 3, 2015, "finechem", 300, "精细化工产业集群实现300亿元",
           "Fine chemicals at 30 bn yuan", _S3),
    GoalSpec("s3-pv-capital", 3, 2015, "qualitative", "把锦州打造成中国的光伏之都",
             "Make Jinzhou China's photovoltaics capital", _S3, cluster="pv"),
]

# Parks: the four county parks and the two named zones. Targets as stated for every key park.
# Their names are not stated; the competent department follows the region's clusters.
PARK_REGION_CODES = COUNTY_CODES + ZONE_CODES
PARK_DEPARTMENT = {"county": "nlb", "zone": "jxw"}
PARK_AREA_TARGET_KM2 = Decimal(5)
PARK_AREA_STRETCH_KM2 = Decimal(10)
PARK_FACTORY_MIN_M2 = Decimal(100_000)
PARK_FACTORY_MAX_M2 = Decimal(200_000)
READINESS_DEADLINE = date(PLAN_YEAR, 6, 30)  # existing area: "6月底前达到七通一平"
READINESS_FINAL_DEADLINE = date(PLAN_YEAR, 7, 31)  # all parks: "7月底前全部实现七通一平"
READINESS_KINDS = ["road", "water", "drainage", "power", "telecom", "heating", "gas", "levelling"]
CITYWIDE_FACTORY_TARGET_M2 = Decimal(2_000_000)  # "投入30亿元建设标准化厂房200万平方米"
CITYWIDE_FACTORY_BUDGET_WAN = Decimal(300_000)


@dataclass(frozen=True)
class FundSpec:
    code: str
    name_zh: str
    name_en: str
    amount_wan: Decimal | None
    purpose: str
    requires_matching_fund: bool
    source_text: str


FUNDS = [
    FundSpec("land-revolving", "土地整理周转金", "Land-consolidation revolving fund", Decimal(50_000),
             "征地补偿、土地平整、办理土地证等；确保年底前所有产业园区规模达到10平方公里以上。", False,
             "市里拿出5亿元作为土地整理周转金，确保年底前所有产业园区规模达到10平方公里以上"),
    FundSpec("park-cluster", "园区建设和产业集群发展基金", "Park construction and cluster development fund",
             Decimal(40_000), "七通一平与园区建设；确保产业园区7月底前全部实现“七通一平”。", False,
             "同时拿出4亿元作为园区建设和产业集群发展基金，确保产业园区7月底前全部实现“七通一平”"),
    FundSpec("cluster-special", "产业集群专项资金", "Cluster special fund", Decimal(3_500),
             "支持和奖励产业集群发展的补贴、贴息、奖励和公共服务平台建设。", True,
             "增设专项资金3500万元，重点用于支持和奖励产业集群发展的补贴、贴息、奖励和公共服务平台建设等"),
    FundSpec("industry-special", "发展工业专项资金", "Industrial development special fund", None,
             "用于工业及产业集群的发展（工业五项工程）。金额未在规划中载明（待定）。", True,
             "锦州市政府设立了发展工业专项资金，各县(市)区也将设立专项配套资金，用于工业及产业集群的发展，"
             "不设专项配套资金的原则上市专项不予支持。"),
]


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    cluster: str | None
    stage: int
    source_text: str
    capacity: Decimal | None = None
    capacity_unit: str = ""


_PROJECTS_UNDER_WAY = "年产240万吨差别化纤维、300兆瓦太阳能电池、500兆瓦太阳能组件和200兆瓦多晶硅锭及硅片生产线项目建设进展顺利。"
_PROJECTS_STARTING = "年产15万吨高碳铬铁、锦恒汽车安全系统一体化项目近期开工。"
_PROJECT_TIO2 = "锦州钛业年产20万吨钛白粉一期工程选址已经确定并开展编制可研论证。"

# Stages as the report implies them: "建设进展顺利" is under construction (3); "近期开工" is signed
# and sited, not yet started (2); "选址已经确定并开展编制可研论证" names no signing, so it stays
# at negotiation (1) until a planner records more.
KEY_PROJECTS = [
    ProjectSpec("年产240万吨差别化纤维项目", "petrochem", 3, _PROJECTS_UNDER_WAY, Decimal(240), "万吨/年"),
    ProjectSpec("300兆瓦太阳能电池项目", "pv", 3, _PROJECTS_UNDER_WAY, Decimal(300), "MW"),
    ProjectSpec("500兆瓦太阳能组件项目", "pv", 3, _PROJECTS_UNDER_WAY, Decimal(500), "MW"),
    ProjectSpec("200兆瓦多晶硅锭及硅片生产线项目", "pv", 3, _PROJECTS_UNDER_WAY, Decimal(200), "MW"),
    ProjectSpec("年产15万吨高碳铬铁项目", None, 2, _PROJECTS_STARTING, Decimal(15), "万吨/年"),
    ProjectSpec("锦恒汽车安全系统一体化项目", "auto", 2, _PROJECTS_STARTING),
    ProjectSpec("锦州钛业年产20万吨钛白粉一期工程", "titanium", 1, _PROJECT_TIO2, Decimal(20), "万吨/年"),
]

# (origin, amount in 亿 of currency, currency, wording)
INVESTMENT_TARGETS = [
    ("foreign", Decimal(15), "USD", "今年全年要确保完成实际利用外资15亿美元"),
    ("domestic", Decimal(700), "CNY", "引进内资700亿元"),
]


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name_zh: str
    name_en: str
    comparison: str
    target_percent: Decimal
    source_text: str = field(default="到今年底，锦州工业经济占三次产业的比重将突破50%，对财政的贡献率要达到65%以上，对就业的贡献率要达到53%以上")


INDICATORS = [
    IndicatorSpec("industry-share", "工业占三次产业比重", "Industry's share of the three sectors", "gt", Decimal(50)),
    IndicatorSpec("fiscal-contribution", "工业对财政的贡献率", "Industry's contribution to fiscal revenue", "gte",
                  Decimal(65)),
    IndicatorSpec("employment-contribution", "工业对就业的贡献率", "Industry's contribution to employment", "gte",
                  Decimal(53)),
]

# The assessment ranking's weights are not stated: every criterion starts at this editable default.
DEFAULT_ASSESSMENT_WEIGHT = Decimal(1)
