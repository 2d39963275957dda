"""`manage.py rollup`: --full (every year, or --year Y and Y+1), the sweep of pending marks, demo data,
and a statement count that does not grow with the data."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from plan.demo import demo_load
from progress.models import InflowProgress, Progress, RollupMark, Scope
from progress.services import marks_bump, rollup_full
from tests.factories import EnterpriseFactory
from tests.progress.figures import approved_quarters, approved_year

pytestmark = pytest.mark.django_db


def _rollup(*args: str) -> str:
    out = StringIO()
    call_command("rollup", *args, stdout=out)
    return out.getvalue().strip()


def _pending() -> set[tuple[str, int]]:
    return set(RollupMark.objects.filter(version__gt=F("done_version")).values_list("cluster__code", "year"))


def _city(year: int, quarter: int = 0) -> Progress | None:
    return Progress.objects.filter(scope=Scope.CITY, scope_id=0, year=year, quarter=quarter).first()


def _imported(code: str, years: dict[int, str]) -> None:
    """Approved figures written past the services (an import): marked pending, not rolled up."""
    for year, total in years.items():
        approved_year(code, year, total)
    marks_bump(cluster_ids=[Cluster.objects.get(code=code).pk], years=list(years))


def test_full_rebuilds_every_year_with_data_and_settles_the_marks():
    _imported("pv", {2011: "150", 2012: "180"})
    _imported("auto", {2012: "100"})
    assert not Progress.objects.exists()

    assert _rollup("--full") == "rollup: rebuilt years [2011, 2012]"

    assert (_city(2011).value, _city(2012).value) == (Decimal(150), Decimal(280))
    assert _city(2012).prev_value == Decimal(150)
    assert _city(2012).yoy_growth == Decimal("0.866667")  # 280 / 150 − 1
    assert _pending() == set()


def test_full_for_one_year_rebuilds_that_year_and_the_next_only():
    _imported("pv", {2011: "150", 2012: "180"})

    assert _rollup("--full", "--year", "2012") == "rollup: rebuilt years [2012, 2013]"

    assert set(Progress.objects.values_list("year", flat=True)) == {2012}
    assert _city(2012).value == Decimal(180)
    assert _city(2012).prev_value is None  # 2011 is not rolled up yet
    assert _pending() == {("pv", 2011)}


def test_sweep_rebuilds_the_years_of_pending_marks_and_then_has_nothing_pending():
    _imported("pv", {2011: "150", 2012: "180"})
    _rollup("--full", "--year", "2012")

    # the 2011 mark is still pending: its year and the next are rebuilt, so 2012 now compares with 2011
    assert _rollup() == "rollup: rebuilt years [2011, 2012]"
    assert _city(2012).prev_value == Decimal(150)
    assert _city(2012).yoy_growth == Decimal("0.2")
    assert _pending() == set()

    assert _rollup() == "rollup: nothing pending"


def test_sweep_with_nothing_pending_says_so_and_writes_nothing():
    assert _rollup() == "rollup: nothing pending"
    assert not Progress.objects.exists()


def test_demo_data_stays_pending_until_a_rollup_runs():
    demo_load()

    clusters = set(Cluster.objects.values_list("code", flat=True))
    assert _pending() == {(code, year) for code in clusters for year in range(2011, 2016)}
    assert not Progress.objects.exists()

    assert _rollup() == "rollup: rebuilt years [2011, 2012, 2013, 2014, 2015, 2016]"

    assert _pending() == set()
    approved_2011 = QuarterlyFigure.objects.filter(year=2011, status=FigureStatus.APPROVED)
    assert _city(2011).value == approved_2011.aggregate(total=Sum("output_value"))["total"]
    assert _city(2011).demo_units == approved_2011.count()  # every contributing figure is demo data
    assert _city(2015, quarter=4) is None  # the last quarter is still in review
    assert not Progress.objects.filter(scope=Scope.CLUSTER, demo_units=0).exists()
    assert InflowProgress.objects.filter(year=2011).exists()


def test_an_extreme_but_valid_growth_ratio_does_not_break_the_rollup():
    # given: a first quarter of 0.0001亿 (10,000 yuan), the same quarter a year later at 10,001亿
    approved_quarters("pv", 2011, ["0.0001"])
    approved_quarters("pv", 2012, ["10001"])

    assert _rollup("--full") == "rollup: rebuilt years [2011, 2012]"

    assert _city(2012, quarter=1).value == Decimal(10001)


def _figures_for_every_cluster_by_enterprise(years: range) -> None:
    for cluster in Cluster.objects.all():
        for i in range(3):
            enterprise = EnterpriseFactory(cluster=cluster, name=f"规模测试企业 {cluster.code}-{i}")
            for year in years:
                approved_year(cluster.code, year, "40", enterprise=enterprise)
    marks_bump(cluster_ids=list(Cluster.objects.values_list("pk", flat=True)), years=list(years))


def test_rollup_statement_count_does_not_grow_with_the_data():
    # given: two clusters reporting as a whole for one year
    _imported("pv", {2011: "150"})
    _imported("auto", {2011: "100"})
    with CaptureQueriesContext(connection) as small:
        rollup_full()
    assert Progress.objects.filter(scope=Scope.CLUSTER).count() == 2 * 5

    # and: all sixteen clusters, three enterprises each, five years
    QuarterlyFigure.objects.all().delete()
    _figures_for_every_cluster_by_enterprise(range(2011, 2016))
    with CaptureQueriesContext(connection) as large:
        rollup_full()
    assert Progress.objects.filter(scope=Scope.CLUSTER).count() == 16 * 5 * 5

    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
