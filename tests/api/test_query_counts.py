"""Every list endpoint runs the same number of SQL queries at 10 and at 500 objects.

Each test builds 10 objects, counts the queries of one full page (page_size=1000), builds 490 more,
counts again: the two counts must be equal and within the endpoint's budget. Run as a planner (no
scoping) and as an API client of the owning department (the scoped sub-selects).
"""
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters.choices import FigureStatus, GoalKind
from clusters.models import Cluster, Enterprise, QuarterlyFigure, StageGoal
from commentary.models import GoalRemark, QuarterCommentary
from funds.models import Disbursement, Fund
from investment.choices import Currency, Origin
from investment.models import InvestmentInflow, Project, ProjectStageMove
from org.models import Department, Region, User
from parks.models import Park, ParkReadinessItem
from progress.models import Progress, RollupMark, Scope

pytestmark = pytest.mark.django_db
_serial = count(1)


def _nlb() -> Department:
    return Department.objects.get(code="nlb")


def _heishan() -> Region:
    return Region.objects.get(code="heishan")


def _heishan_cluster() -> Cluster:
    return Cluster.objects.get(code="heishan-main")


def departments(n):
    Department.objects.bulk_create([Department(code=f"q{i}", name_zh=f"部门{i}", name_en=f"D{i}", kind="support")
                                    for i in (next(_serial) for _ in range(n))])


def regions(n):
    Region.objects.bulk_create([Region(code=f"q{i}", name_zh=f"区域{i}", name_en=f"R{i}", kind="county")
                                for i in (next(_serial) for _ in range(n))])


def clusters(n):
    created = Cluster.objects.bulk_create([
        Cluster(code=f"q{i}", name_zh=f"集群{i}", name_en=f"C{i}", level="county", responsible_department=_nlb())
        for i in (next(_serial) for _ in range(n))])
    Cluster.regions.through.objects.bulk_create(
        [Cluster.regions.through(cluster=c, region=_heishan()) for c in created])
    Cluster.supporting_departments.through.objects.bulk_create(
        [Cluster.supporting_departments.through(cluster=c, department=d) for c in created
         for d in Department.objects.filter(kind="support")[:2]])
    now = timezone.now()
    Progress.objects.bulk_create([
        Progress(scope=Scope.CLUSTER, scope_id=c.pk, year=2011, quarter=q, value=1, ytd_value=q, units=1, demo_units=0,
                 data_version=1, computed_at=now) for c in created for q in (1, 2)])
    RollupMark.objects.bulk_create([RollupMark(cluster=c, year=2011, version=2, done_version=1) for c in created[::2]])


def figures(n):
    enterprises = Enterprise.objects.bulk_create([Enterprise(cluster=_heishan_cluster(), name=f"企业{next(_serial)}")
                                                  for _ in range(n)])
    QuarterlyFigure.objects.bulk_create([
        QuarterlyFigure(cluster=_heishan_cluster(), enterprise=e, year=2011, quarter=1, output_value=Decimal("1.5"),
                        status=FigureStatus.APPROVED) for e in enterprises])


def commentary(n):
    """n commentaries of nlb's county clusters, each with a 原因及措施 (the remarks are prefetched in one query)."""
    clusters = list(Cluster.objects.filter(code__in=("heishan-main", "beizhen-main", "linghai-main", "yixian-main")))
    goal = StageGoal.objects.get(code="s1-heishan-100")
    rows, start = [], QuarterCommentary.objects.count()
    for i in range(start, start + n):
        cluster, slot = clusters[i % 4], i // 4
        rows.append(QuarterCommentary(cluster=cluster, year=2010 + slot // 4, quarter=1 + slot % 4,
                                      progress=f"进展{i}", status=FigureStatus.APPROVED))
    created = QuarterCommentary.objects.bulk_create(rows)
    GoalRemark.objects.bulk_create([GoalRemark(commentary=c, goal=goal, text="原因") for c in created])


def goals(n):
    StageGoal.objects.bulk_create([
        StageGoal(code=f"q{i}", stage=3, deadline_year=2015, kind=GoalKind.CLUSTER_VALUE, cluster=_heishan_cluster(),
                  threshold=Decimal(100 + i), description_zh=f"目标{i}", description_en=f"Goal {i}")
        for i in (next(_serial) for _ in range(n))])


def progress(n):
    now = timezone.now()
    Progress.objects.bulk_create([
        Progress(scope=Scope.CLUSTER, scope_id=_heishan_cluster().pk, year=2000 + i // 4, quarter=i % 4 + 1,
                 value=1, ytd_value=1, units=1, demo_units=1, data_version=1, computed_at=now)
        for i in (next(_serial) for _ in range(n))])


def parks(n):
    created = Park.objects.bulk_create([
        Park(code=f"q{i}", name=f"园区{i}", region=_heishan(), responsible_department=_nlb(),
             area_target_km2=5, area_stretch_km2=10, target_year=2011, factory_target_min_m2=1,
             factory_target_max_m2=2) for i in (next(_serial) for _ in range(n))])
    ParkReadinessItem.objects.bulk_create([
        ParkReadinessItem(park=p, kind=kind, deadline=date(2011, 6, 30), final_deadline=date(2011, 7, 31))
        for p in created for kind in ("road", "water", "power")])


def projects(n):
    created = Project.objects.bulk_create([Project(name=f"项目{next(_serial)}", cluster=_heishan_cluster())
                                           for _ in range(n)])
    ProjectStageMove.objects.bulk_create([
        ProjectStageMove(project=p, from_stage=s, to_stage=s + 1, moved_on=date(2011, s, 1))
        for p in created for s in (1, 2)])


def inflows(n):
    rows = []
    for _ in range(n):
        i = next(_serial)
        rows.append(InvestmentInflow(year=2000 + i // 8, quarter=i // 2 % 4 + 1, region=_heishan(),
                                     origin=Origin.DOMESTIC if i % 2 else Origin.FOREIGN,
                                     currency=Currency.CNY if i % 2 else Currency.USD, amount=Decimal(1)))
    InvestmentInflow.objects.bulk_create(rows)


def funds(n):
    Fund.objects.bulk_create([Fund(code=f"q{i}", name_zh=f"资金{i}", name_en=f"F{i}", purpose="-", year=2011)
                              for i in (next(_serial) for _ in range(n))])


def disbursements(n):
    fund = Fund.objects.get(code="land-revolving")
    Disbursement.objects.bulk_create([
        Disbursement(fund=fund, region=_heishan(), cluster=_heishan_cluster(), amount_wan=Decimal(1),
                     paid_on=date(2011, 5, 1), purpose="-") for _ in range(n)])


def ranking(n):
    parks(n)


# endpoint, builder, department of the scoped API client, query budget (token + page + count + prefetches)
ENDPOINTS = [
    ("departments", departments, "nlb", 3),
    ("regions", regions, "nlb", 3),
    ("clusters", clusters, "nlb", 7),
    ("figures", figures, "nlb", 3),
    ("commentary", commentary, "nlb", 4),
    ("goals", goals, "nlb", 6),
    ("progress", progress, "nlb", 3),
    ("parks", parks, "nlb", 4),
    ("projects", projects, "nlb", 4),
    ("inflows", inflows, "gov-heishan", 3),
    ("funds", funds, "nlb", 3),
    ("disbursements", disbursements, "nlb", 3),
    ("ranking", ranking, "nlb", 14),
]


def _queries(client, endpoint: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{endpoint}/", {"page_size": 1000})
    assert response.status_code == 200, response.content
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("who", ["planner", "scoped"])
@pytest.mark.parametrize(("endpoint", "build", "department", "budget"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_list_query_count_does_not_grow_with_rows(api, make_user, django_assert_max_num_queries,
                                                   endpoint, build, department, budget, who):
    user = make_user(User.Role.PLANNER, "jxw") if who == "planner" else make_user(User.Role.API_CLIENT, department)
    client = api.as_(user)
    build(10)
    with django_assert_max_num_queries(budget):
        at_10, listed_10 = _queries(client, endpoint)
    build(490)
    with django_assert_max_num_queries(budget):
        at_500, listed_500 = _queries(client, endpoint)
    assert at_10 == at_500
    assert listed_500 >= listed_10 + (490 if endpoint != "ranking" else 0)
