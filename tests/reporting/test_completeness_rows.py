"""Pages that cost what they show: the pages and the reporting period that read the quarter's completeness
run the same queries and fetch no more rows with ten times the enterprises (tests/rowcount.py).

The data: three clusters reporting by enterprise, eight quarters of history each, the last quarter in
every status (approved, submitted, draft, returned, nothing entered); small with 40 enterprises a cluster
(already more open units than the completeness page lists at once), large with 400.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from clusters.choices import FigureStatus
from clusters.models import Enterprise, QuarterlyFigure
from clusters.reporting_period import reporting_state
from core.periods import Quarter
from notices.inbox import InboxContext, quarter_deadlines
from tests.reporting.support import cluster, english
from tests.rowcount import assert_rows_bounded, cost_of

pytestmark = pytest.mark.django_db
CODES = ("pv", "auto", "linghe-main")
LAST = Quarter(2012, 4)
HISTORY = [Quarter.from_index(LAST.index - i) for i in range(7, -1, -1)]
LAST_STATUS = [FigureStatus.APPROVED, FigureStatus.SUBMITTED, FigureStatus.DRAFT, FigureStatus.RETURNED, None]
TODAY = date(2013, 1, 10)  # Q4 2012 is due on the 15th: due soon for the inbox


def _grow(to: int) -> None:
    """Each of CODES up to `to` enterprises, each with HISTORY's figures (approved, the last in LAST_STATUS's
    turn)."""
    for code in CODES:
        owner = cluster(code)
        have = owner.enterprises.count()
        added = Enterprise.objects.bulk_create(Enterprise(cluster=owner, name=f"{code}-{i:04}")
                                               for i in range(have, to))
        QuarterlyFigure.objects.bulk_create(
            QuarterlyFigure(cluster=owner, enterprise=e, year=q.year, quarter=q.quarter, output_value=Decimal(1),
                            status=FigureStatus.APPROVED if q != LAST else LAST_STATUS[i % len(LAST_STATUS)])
            for i, e in enumerate(added, start=have) for q in HISTORY
            if q != LAST or LAST_STATUS[i % len(LAST_STATUS)] is not None)


def _measure(call):
    cache.clear()
    call()  # warm what a request warms once (sessions, translations, the content types)
    cache.clear()
    return cost_of(call)


@pytest.fixture
def measured(client, planner):
    """`measure(small, large)`: the cost of each call on the small data and on the large data."""
    english(client)
    client.force_login(planner)
    department = cluster("pv").responsible_department
    shown = {"year": LAST.year, "quarter": LAST.quarter}
    calls = {
        "/": lambda: client.get(reverse("home"), shown),
        "department dashboard": lambda: client.get(reverse("department-dashboard", args=[department.pk]),
                                                   shown),
        "completeness": lambda: client.get(reverse("figure-completeness"), shown),
        "reporting state (every reporting page's header)": lambda: reporting_state(user=planner, today=TODAY),
        "inbox deadlines": lambda: quarter_deadlines(InboxContext(planner, TODAY)),
    }
    _grow(40)
    small = {name: _measure(call) for name, call in calls.items()}
    _grow(400)
    large = {name: _measure(call) for name, call in calls.items()}
    return small, large


def test_the_cost_does_not_grow_with_the_enterprises(measured):
    small, large = measured
    failed = []
    for page in small:
        assert getattr(large[page].result, "status_code", 200) == 200, page
        print(f"{page}: small {small[page].queries} queries, {small[page].rows} rows; "
              f"large {large[page].queries} queries, {large[page].rows} rows")
        try:
            assert_rows_bounded(small[page], large[page], what=page)
        except AssertionError as error:
            failed.append(str(error))
    assert not failed, "\n\n".join(failed)


def test_the_counts_are_of_the_large_data(measured):
    _, large = measured
    standing = large["completeness"].result.context["standing"]
    assert standing.total.units == 3 * 400 + 13
    assert standing.total.approved == 3 * 400 // 5
    assert len(large["completeness"].result.context["page"].object_list) == 100


def test_the_measure_catches_a_read_that_grows_with_the_data():
    """The helper's own check: reading every enterprise fetches more rows on the large data."""
    _grow(5)
    small = cost_of(lambda: list(Enterprise.objects.all()))
    _grow(50)
    with pytest.raises(AssertionError, match="rows grew"):
        assert_rows_bounded(small, cost_of(lambda: list(Enterprise.objects.all())), what="every enterprise")
