"""progress.selectors: the numbers the dashboards read. "Including unapproved" values are computed, not stored,
with the roll-up's own definitions: over approved figures only they equal the roll-up's rows exactly."""
from datetime import date
from decimal import Decimal

import pytest

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from core.periods import Quarter
from plan.demo import demo_load
from progress.selectors import (
    Value,
    cluster_values,
    quarter_sums,
    running_totals,
    share,
    year_so_far,
)
from progress.services import rollup_full
from tests.reporting.support import figure

pytestmark = pytest.mark.django_db
YEARS = range(2011, 2016)


def test_over_approved_figures_the_provisional_values_equal_the_roll_up():
    demo_load()
    # The demo's latest quarter awaits review; as drafts those figures count in neither.
    QuarterlyFigure.objects.exclude(status=FigureStatus.APPROVED).update(status=FigureStatus.DRAFT)
    rollup_full()
    ids = list(Cluster.objects.values_list("pk", flat=True))
    approved = cluster_values(cluster_ids=ids, years=YEARS, include_unapproved=False)
    provisional = cluster_values(cluster_ids=ids, years=YEARS, include_unapproved=True)
    assert len(approved) > 16 * 5 * 4
    assert provisional == approved


def test_submitted_figures_count_with_unapproved_and_drafts_never():
    figure("pv", 2011, 1, "10")
    figure("pv", 2011, 2, "20", status=FigureStatus.SUBMITTED)
    figure("pv", 2011, 3, "40", status=FigureStatus.DRAFT)
    figure("pv", 2010, 2, "15")
    pv = Cluster.objects.get(code="pv").pk
    values = cluster_values(cluster_ids=[pv], years=[2011], include_unapproved=True)
    assert values[(pv, 2011, 1)] == Value(Decimal("10.0000"), Decimal("10.0000"), None, False)
    assert values[(pv, 2011, 2)].ytd_value == Decimal("30.0000")
    assert values[(pv, 2011, 2)].ytd_growth == Decimal("1.000000")  # 30 against 2010's 15 by Q2
    assert values[(pv, 2011, 0)].value == Decimal("30.0000")
    assert (pv, 2011, 3) not in values
    assert (pv, 2010, 2) not in values  # read for the growth only


def test_the_year_so_far_is_the_latest_quarter_with_a_value():
    values = {(1, 2011, 1): Value(Decimal(5), Decimal(5)), (1, 2011, 3): Value(Decimal(7), Decimal(12))}
    assert year_so_far(values, 1, 2011, 2).ytd_value == 5
    assert year_so_far(values, 1, 2011, 4).ytd_value == 12
    assert year_so_far(values, 2, 2011, 4) is None


def test_sums_shares_and_running_totals():
    q1, q2, q3 = Quarter(2011, 1), Quarter(2011, 2), Quarter(2011, 3)
    assert quarter_sums([(q1, Decimal(2)), (q3, Decimal(3)), (q1, Decimal(1))], [q1, q2, q3]) == [3, 0, 3]
    assert running_totals([Decimal(3), None, Decimal(3)]) == [3, 3, 6]
    assert share(Decimal(1), Decimal(4)) == Decimal("0.25")
    assert share(Decimal(1), Decimal(0)) is None
    assert share(None, Decimal(4)) is None
    assert Quarter.containing(date(2011, 5, 1)) == q2
