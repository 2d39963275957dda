"""Data and people shared by the detail-page tests (cluster, park, investment, assessment)."""
from decimal import Decimal

from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from org.models import Department, User
from progress.services import rollup_full
from tests.progress.figures import approved_quarters, approved_year

PASSWORD = "pw-jinzhou-123"


def small_data() -> None:
    """pv 150 (2011) and 180 (2012); heishan-main 120 (2011); auto by two enterprises in 2012. Rolled up."""
    approved_year("pv", 2011, 150)
    approved_year("pv", 2012, 180)
    approved_year("heishan-main", 2011, 120)
    auto = Cluster.objects.get(code="auto")
    big = Enterprise.objects.create(cluster=auto, name="锦恒", is_leading=True)
    small = Enterprise.objects.create(cluster=auto, name="小厂")
    approved_quarters("auto", 2012, [30, 30], enterprise=big)
    approved_quarters("auto", 2012, [10, 10], enterprise=small)
    rollup_full()


def more_data() -> None:
    """Every cluster gets three more years of figures; enterprises everywhere it may have them. Rolled up."""
    for cluster in Cluster.objects.exclude(code__in=["pv", "heishan-main", "auto"]):
        for year in (2011, 2012, 2013):
            approved_year(cluster.code, year, 50 + year - 2011)
    approved_year("pv", 2013, 240)
    for i in range(6):
        enterprise = Enterprise.objects.create(cluster=Cluster.objects.get(code="auto"), name=f"企业 {i}")
        approved_quarters("auto", 2012, [0, 0, 5, 5], enterprise=enterprise)
    rollup_full()


def submitted(code: str, year: int, quarter: int, value: str) -> QuarterlyFigure:
    return QuarterlyFigure.objects.create(cluster=Cluster.objects.get(code=code), year=year, quarter=quarter,
                                          output_value=Decimal(value), status=FigureStatus.SUBMITTED)


def viewer(department_code: str, username: str | None = None) -> User:
    return User.objects.create_user(username=username or f"viewer-{department_code}", password=PASSWORD,
                                    role=User.Role.VIEWER, department=Department.objects.get(code=department_code))
