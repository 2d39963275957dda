"""Property tests of the roll-up: the incremental path the figure services trigger equals a full rebuild,
and both equal a plain Python sum of the approved figures.

Each example picks a few of the plan's clusters (some reporting as a whole, some by enterprise) and
runs a random sequence of review operations through `clusters.services`. The on-commit callbacks
(mark → Celery task, eager here) are executed after every operation, so each operation leaves the
rows the incremental roll-up wrote. After each operation:
(a) those rows equal what `rollup_full()` writes (run in a savepoint that is rolled back, so the
    incremental rows go on accumulating across the whole sequence);
(b) they equal the sums computed here from the approved figures;
(c) no roll-up mark is pending.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusters import services
from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from progress.models import Progress, RollupMark, Scope
from progress.services import rollup_full
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# Titanium and 太和区's placeholder share a region; the six named clusters share a department.
SHARED_REGION = ("titanium", "taihe-main")
CLUSTER_CODES = [
    "titanium", "taihe-main", "pv", "auto", "heishan-main", "linghe-main", "kaifaqu-main", "petrochem",
    "finechem", "agri", "beizhen-main", "linghai-main", "yixian-main", "guta-main", "songshan-main",
    "longqiwan-main",
]
YEARS = (2011, 2012, 2013)
QUARTERS = (1, 2, 3, 4)
ENTERPRISE_PREFIX = "性质测试企业-"
KEY_FIELDS = ("scope", "scope_id", "year", "quarter")
VALUE_FIELDS = ("value", "ytd_value", "prev_value", "prev_ytd_value", "yoy_growth", "ytd_yoy_growth", "units",
                "demo_units")
# Growth is stored rounded to 6 places. PostgreSQL rounds numeric half away from zero, Django's SQLite
# converter rounds a binary float half to even: either stays within half a unit of the exact ratio.
GROWTH_TOLERANCE = Decimal("0.0000005") + Decimal("1e-12")

output_values = st.decimals(min_value=0, max_value=500, places=4, allow_nan=False, allow_infinity=False)


@dataclass
class Fig:
    """What the test believes about one figure, kept independently of the database."""

    pk: int
    version: int
    cluster_id: int
    year: int
    quarter: int
    value: Decimal
    status: str


def _progress_rows() -> dict[tuple, tuple]:
    return {row[:4]: row[4:] for row in Progress.objects.values_list(*KEY_FIELDS, *VALUE_FIELDS)}


def _full_rebuild_rows() -> dict[tuple, tuple]:
    """The rows `rollup_full()` writes, without keeping them: the incremental rows stay in place."""
    savepoint = transaction.savepoint()
    try:
        rollup_full()
        return _progress_rows()
    finally:
        transaction.savepoint_rollback(savepoint)


def _growth(value: Decimal, prev: Decimal | None) -> Decimal | None:
    if prev is None or prev <= 0:
        return None
    return (value - prev) / prev


def _expected_rows(figures: list[Fig], regions_of: dict[int, list[int]], department_of: dict[int, int]):
    """Progress rows computed the straightforward way: {key: (value, ytd, prev, prev_ytd, yoy, ytd_yoy)}."""
    values: dict[tuple, Decimal] = defaultdict(Decimal)
    for fig in figures:
        if fig.status != FigureStatus.APPROVED:
            continue
        owners = [(Scope.CLUSTER, fig.cluster_id), (Scope.DEPARTMENT, department_of[fig.cluster_id]), (Scope.CITY, 0)]
        owners += [(Scope.REGION, region) for region in regions_of[fig.cluster_id]]
        for scope, scope_id in owners:
            values[(scope.value, scope_id, fig.year, fig.quarter)] += fig.value
    for (scope, scope_id, year, _quarter), value in list(values.items()):
        values[(scope, scope_id, year, 0)] += value
    ytd = {
        key: value if key[3] == 0 else sum(values.get((*key[:3], q), Decimal(0)) for q in range(1, key[3] + 1))
        for key, value in values.items()
    }
    expected = {}
    for key, value in values.items():
        scope, scope_id, year, quarter = key
        last_year = (scope, scope_id, year - 1, quarter)
        prev, prev_ytd = values.get(last_year), ytd.get(last_year)
        expected[key] = (value, ytd[key], prev, prev_ytd, _growth(value, prev), _growth(ytd[key], prev_ytd))
    return expected


def _assert_matches_python_sums(rows: dict[tuple, tuple], figures: list[Fig], regions_of, department_of) -> None:
    expected = _expected_rows(figures, regions_of, department_of)
    assert set(rows) == set(expected)
    for key, (value, ytd, prev, prev_ytd, yoy, ytd_yoy) in expected.items():
        actual = dict(zip(VALUE_FIELDS, rows[key], strict=True))
        assert (actual["value"], actual["ytd_value"]) == (value, ytd), key
        assert (actual["prev_value"], actual["prev_ytd_value"]) == (prev, prev_ytd), key
        for field, exact in (("yoy_growth", yoy), ("ytd_yoy_growth", ytd_yoy)):
            if exact is None:
                assert actual[field] is None, (key, field)
            else:
                assert actual[field] is not None, (key, field)
                assert abs(actual[field] - exact) <= GROWTH_TOLERANCE, (key, field, actual[field], exact)
    approved_per_quarter = Counter((f.cluster_id, f.year, f.quarter) for f in figures
                                   if f.status == FigureStatus.APPROVED)
    for (cluster_id, year, quarter), count in approved_per_quarter.items():
        units, demo_units = rows[(Scope.CLUSTER.value, cluster_id, year, quarter)][-2:]
        assert (units, demo_units) == (count, 0)


def _clean_slate() -> None:
    QuarterlyFigure.objects.all().delete()
    Progress.objects.all().delete()
    RollupMark.objects.all().delete()
    Enterprise.objects.filter(name__startswith=ENTERPRISE_PREFIX).delete()


class Workflow:
    """Runs review operations through the services, one on-commit capture per operation, and checks
    (a), (b) and (c) after each."""

    def __init__(self, planner, capture) -> None:
        self.planner = planner
        self.capture = capture
        self.figures: list[Fig] = []
        self.regions_of: dict[int, list[int]] = defaultdict(list)
        for cluster_id, region_id in Cluster.regions.through.objects.values_list("cluster_id", "region_id"):
            self.regions_of[cluster_id].append(region_id)
        self.department_of = dict(Cluster.objects.values_list("pk", "responsible_department_id"))

    def _remember(self, fig: Fig, figure: QuarterlyFigure) -> None:
        fig.version, fig.status, fig.value = figure.version, figure.status, figure.output_value

    def create_and_submit(self, *, cluster: Cluster, enterprise: Enterprise | None, year: int, quarter: int,
                          value: Decimal, approve: bool = True) -> Fig:
        with self.capture(execute=True):
            figure = services.figure_create(user=self.planner, cluster=cluster, enterprise=enterprise, year=year,
                                            quarter=quarter, output_value=value,
                                            note="random values: outliers are expected")
            figure = services.figure_submit(user=self.planner, figure_id=figure.pk, expected_version=figure.version)
            if approve:
                figure = services.figure_approve(user=self.planner, figure_id=figure.pk,
                                                 expected_version=figure.version)
        self.figures.append(Fig(figure.pk, figure.version, cluster.pk, year, quarter, value, figure.status))
        self.check()
        return self.figures[-1]

    def approve(self, fig: Fig) -> None:
        with self.capture(execute=True):
            figure = services.figure_approve(user=self.planner, figure_id=fig.pk, expected_version=fig.version)
        self._remember(fig, figure)
        self.check()

    def send_back(self, fig: Fig) -> None:
        """A plain return (`figure_return`, submitted) or a reopening (`figure_reopen`, approved)."""
        send = services.figure_reopen if fig.status == FigureStatus.APPROVED else services.figure_return
        with self.capture(execute=True):
            figure = send(user=self.planner, figure_id=fig.pk, expected_version=fig.version, reason="核对数据")
        self._remember(fig, figure)
        self.check()

    def resubmit_and_approve(self, fig: Fig, new_value: Decimal | None) -> None:
        with self.capture(execute=True):
            version = fig.version
            if new_value is not None:
                version = services.figure_update(user=self.planner, figure_id=fig.pk, expected_version=version,
                                                 output_value=new_value).version
            figure = services.figure_submit(user=self.planner, figure_id=fig.pk, expected_version=version)
            figure = services.figure_approve(user=self.planner, figure_id=fig.pk, expected_version=figure.version)
        self._remember(fig, figure)
        self.check()

    def in_status(self, status: str) -> list[Fig]:
        return [f for f in self.figures if f.status == status]

    def check(self) -> dict[tuple, tuple]:
        statuses = dict(QuarterlyFigure.objects.values_list("pk", "status"))
        assert statuses == {f.pk: f.status for f in self.figures}
        assert not RollupMark.objects.exclude(version=F("done_version")).exists()  # (c)
        incremental = _progress_rows()
        assert incremental == _full_rebuild_rows()  # (a)
        _assert_matches_python_sums(incremental, self.figures, self.regions_of, self.department_of)  # (b)
        return incremental


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    shared_region=st.booleans(),
    codes=st.lists(st.sampled_from(CLUSTER_CODES), min_size=1, max_size=3, unique=True),
    years=st.lists(st.sampled_from(YEARS), min_size=1, max_size=3, unique=True),
    quarters=st.lists(st.sampled_from(QUARTERS), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_incremental_rollup_equals_full_rebuild_and_python_sums(planner, django_capture_on_commit_callbacks,
                                                                 shared_region, codes, years, quarters, data):
    # given: a few clusters, each reporting as a whole (0 enterprises) or by 1-2 enterprises; half the
    # examples include both clusters of 太和区, and figures fall in a few periods so that regions sum
    # several clusters and quarters recur from year to year (growth)
    _clean_slate()
    units: list[tuple[Cluster, Enterprise | None]] = []
    if shared_region:
        codes = [*SHARED_REGION, *(code for code in codes if code not in SHARED_REGION)]
    for code in codes:
        cluster = Cluster.objects.get(code=code)
        enterprise_count = data.draw(st.integers(0, 2), label=f"enterprises of {code}")
        if enterprise_count == 0:
            units.append((cluster, None))
        for i in range(enterprise_count):
            enterprise = EnterpriseFactory(cluster=cluster, name=f"{ENTERPRISE_PREFIX}{code}-{i}")
            units.append((cluster, enterprise))
    workflow = Workflow(planner, django_capture_on_commit_callbacks)
    used_slots: set[tuple[int, int, int]] = set()

    # when: a random sequence of review operations, each checked by the workflow as it completes
    for _step in range(data.draw(st.integers(3, 15), label="operations")):
        actions = ["approve_new"] * 3 + ["submit_new"]
        actions += ["approve_submitted", "return_submitted"] if workflow.in_status(FigureStatus.SUBMITTED) else []
        actions += ["reopen"] if workflow.in_status(FigureStatus.APPROVED) else []
        actions += ["reapprove"] if workflow.in_status(FigureStatus.RETURNED) else []
        action = data.draw(st.sampled_from(actions), label="action")
        if action in ("approve_new", "submit_new"):
            free = [(u, y, q) for u in range(len(units)) for y in years for q in quarters
                    if (u, y, q) not in used_slots]
            if not free:
                continue
            # Often next to an existing figure: the same period (sums over units and clusters) or the
            # same quarter a year before or after (growth).
            near = {(y + dy, q) for _u, y, q in used_slots for dy in (-1, 0, 1)}
            near_free = [slot for slot in free if slot[1:] in near]
            if near_free and data.draw(st.booleans(), label="next to an existing figure"):
                free = near_free
            unit, year, quarter = data.draw(st.sampled_from(free), label="slot")
            used_slots.add((unit, year, quarter))
            cluster, enterprise = units[unit]
            workflow.create_and_submit(cluster=cluster, enterprise=enterprise, year=year, quarter=quarter,
                                       value=data.draw(output_values, label="value"),
                                       approve=action == "approve_new")
        elif action == "approve_submitted":
            workflow.approve(data.draw(st.sampled_from(workflow.in_status(FigureStatus.SUBMITTED))))
        elif action == "return_submitted":
            workflow.send_back(data.draw(st.sampled_from(workflow.in_status(FigureStatus.SUBMITTED))))
        elif action == "reopen":
            workflow.send_back(data.draw(st.sampled_from(workflow.in_status(FigureStatus.APPROVED))))
        else:
            fig = data.draw(st.sampled_from(workflow.in_status(FigureStatus.RETURNED)))
            workflow.resubmit_and_approve(fig, data.draw(st.none() | output_values, label="new value"))

    # then (also checked after every operation above)
    assert not RollupMark.objects.exclude(version=F("done_version")).exists()


def test_shared_region_department_and_growth_through_reopen_and_reapproval(planner,
                                                                           django_capture_on_commit_callbacks):
    """A fixed sequence that surely reaches what random examples reach only sometimes: a region of two
    clusters (太和区), enterprises summed into their cluster, growth from and to zero, a year emptied."""
    titanium, taihe, pv = (Cluster.objects.get(code=code) for code in ("titanium", "taihe-main", "pv"))
    first, second = (EnterpriseFactory(cluster=titanium, name=f"{ENTERPRISE_PREFIX}titanium-{i}") for i in (0, 1))
    workflow = Workflow(planner, django_capture_on_commit_callbacks)
    D = Decimal  # noqa: N806 - the figures read better short

    workflow.create_and_submit(cluster=titanium, enterprise=first, year=2011, quarter=1, value=D("10.5"))
    workflow.create_and_submit(cluster=titanium, enterprise=second, year=2011, quarter=1, value=D("4.25"))
    taihe_2011 = workflow.create_and_submit(cluster=taihe, enterprise=None, year=2011, quarter=1, value=D("20"))
    pv_2011 = workflow.create_and_submit(cluster=pv, enterprise=None, year=2011, quarter=1, value=D("100"))
    workflow.create_and_submit(cluster=titanium, enterprise=first, year=2012, quarter=1, value=D("12.0001"))
    workflow.create_and_submit(cluster=taihe, enterprise=None, year=2012, quarter=1, value=D("30"))
    workflow.create_and_submit(cluster=pv, enterprise=None, year=2012, quarter=1, value=D("0"))
    workflow.create_and_submit(cluster=pv, enterprise=None, year=2013, quarter=1, value=D("50"))
    workflow.create_and_submit(cluster=pv, enterprise=None, year=2012, quarter=3, value=D("7"), approve=False)
    rows = workflow.check()

    taihe_region = taihe.regions.get().pk
    assert rows[("region", taihe_region, 2011, 1)][:2] == (D("34.75"), D("34.75"))
    assert rows[("region", taihe_region, 2012, 1)][4] == D("0.208636")  # 42.0001 / 34.75 − 1 = 0.2086359…
    assert rows[("cluster", pv.pk, 2012, 1)][4] == D(-1)  # 0 after 100
    assert rows[("cluster", pv.pk, 2013, 1)][4] is None  # after 0: no growth rate

    workflow.send_back(workflow.in_status(FigureStatus.SUBMITTED)[0])  # a plain return: nothing changes
    workflow.send_back(taihe_2011)  # reopen: 太和区 2011 is titanium alone
    workflow.resubmit_and_approve(taihe_2011, D("25.5"))
    workflow.send_back(pv_2011)  # reopen the only pv figure of 2011: its 2011 rows go
    rows = workflow.check()
    assert ("cluster", pv.pk, 2011, 0) not in rows
    assert rows[("cluster", pv.pk, 2012, 1)][2] is None
