"""Two data sizes for the city and department dashboards (query counts must not grow with the data)."""
from decimal import Decimal

from clusters.choices import FigureStatus, GoalKind, Level
from clusters.models import Cluster, Enterprise, QuarterlyFigure, StageGoal
from investment.models import Project
from org.models import Department, Region, User
from plan.demo import demo_load
from progress.services import rollup_full
from tests.progress.figures import approved_year

PASSWORD = "pw-jinzhou-123"


def small_city() -> None:
    """Three clusters with figures: pv 150 → 240 (2011–2013), linghe-main 90 → 120, guta-main 2011 only."""
    for year, value in ((2011, 150), (2012, 180), (2013, 240)):
        approved_year("pv", year, value)
    for year, value in ((2011, 90), (2012, 120)):
        approved_year("linghe-main", year, value)
    approved_year("guta-main", 2011, 40)
    rollup_full()


def large_city(extra_clusters: int = 12) -> None:
    """The demo data, and `extra_clusters` more clusters (half jxw's, half fwy's, each in a region), each with
    goals, enterprises reporting every quarter 2011–2015, and projects. Rolled up."""
    demo_load()
    departments = [Department.objects.get(code="jxw"), Department.objects.get(code="fwy")]
    regions = list(Region.objects.order_by("code"))
    for i in range(extra_clusters):
        cluster = Cluster.objects.create(code=f"extra-{i}", name_zh=f"新增集群{i}", name_en=f"Extra {i}",
                                         level=Level.CITY, responsible_department=departments[i % 2])
        cluster.regions.add(regions[i % len(regions)])
        StageGoal.objects.create(code=f"extra-{i}-200", stage=3, deadline_year=2015, kind=GoalKind.CLUSTER_VALUE,
                                 cluster=cluster, threshold=Decimal(200), unit="亿元",
                                 description_zh=f"新增集群{i}达到200亿元", description_en=f"Extra {i} at 200")
        for e in range(3):
            enterprise = Enterprise.objects.create(cluster=cluster, name=f"企业{i}-{e}")
            for year in range(2011, 2016):
                approved_year(cluster.code, year, 20 + i + e + year - 2011, enterprise=enterprise)
            QuarterlyFigure.objects.create(cluster=cluster, enterprise=enterprise, year=2016, quarter=1,
                                           output_value=Decimal(7), status=FigureStatus.SUBMITTED)
        for p in range(3):
            Project.objects.create(name=f"新增项目{i}-{p}", cluster=cluster, stage=p + 1,
                                   planned_amount=Decimal(p + 1), is_key=p == 0)
    rollup_full()


def user(role: str, department_code: str | None, username: str | None = None) -> User:
    department = Department.objects.get(code=department_code) if department_code else None
    return User.objects.create_user(username=username or f"{role}-{department_code or 'city'}", password=PASSWORD,
                                    role=role, department=department)
