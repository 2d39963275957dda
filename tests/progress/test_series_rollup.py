"""The city-wide series (investment inflows against targets, indicator actuals against targets) are rolled
up when they change, not at the nightly run: a service marks the year, the task enqueued on commit
rebuilds it and settles the mark, and the sweep catches up a year whose message was lost."""
from decimal import Decimal

import pytest
from django.db.models import F

from indicators import services as indicator_services
from indicators.models import CityIndicator, IndicatorActual
from investment import services as investment_services
from investment.choices import Currency, Origin
from investment.models import InvestmentInflow
from org.models import Region
from progress.models import IndicatorProgress, InflowProgress, SeriesMark
from progress.services import rollup_series_year, rollup_sweep

pytestmark = pytest.mark.django_db


def _pending() -> set[int]:
    return set(SeriesMark.objects.filter(version__gt=F("done_version")).values_list("year", flat=True))


def _record_inflow(planner, amount: str) -> InvestmentInflow:
    return investment_services.inflow_save(user=planner, inflow=InvestmentInflow(
        year=2011, quarter=2, region=Region.objects.get(code="heishan"), origin=Origin.DOMESTIC,
        currency=Currency.CNY, amount=Decimal(amount)))


def test_an_inflow_saved_through_the_service_is_rolled_up_after_commit(planner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _record_inflow(planner, "3.5")
    row = InflowProgress.objects.get(year=2011, quarter=2, origin=Origin.DOMESTIC)
    assert (row.value, row.ytd_value) == (Decimal("3.5"), Decimal("3.5"))
    assert _pending() == set()


def test_a_corrected_inflow_replaces_the_rolled_up_value(planner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inflow = _record_inflow(planner, "3.5")
    inflow.amount = Decimal("5")
    with django_capture_on_commit_callbacks(execute=True):
        investment_services.inflow_save(user=planner, inflow=inflow, expected_version=1)
    assert InflowProgress.objects.get(year=2011, quarter=2, origin=Origin.DOMESTIC).value == Decimal(5)


def test_an_indicator_actual_is_rolled_up_against_its_target(planner, django_capture_on_commit_callbacks):
    indicator = CityIndicator.objects.get(code="industry-share")
    with django_capture_on_commit_callbacks(execute=True):
        indicator_services.indicator_actual_save(user=planner, actual=IndicatorActual(
            indicator=indicator, quarter=1, value_percent=indicator.target_percent + 1))
    row = IndicatorProgress.objects.get(indicator=indicator, quarter=1)
    assert (row.value_percent, row.target_percent, row.met) == (indicator.target_percent + 1,
                                                                 indicator.target_percent, True)


def test_a_lost_message_leaves_the_year_pending_until_the_sweep(planner):
    _record_inflow(planner, "3.5")  # committed, but the enqueued task never ran
    assert _pending() == {2011}
    assert not InflowProgress.objects.filter(year=2011, quarter=2).exists()
    rollup_sweep()
    assert _pending() == set()
    assert InflowProgress.objects.get(year=2011, quarter=2, origin=Origin.DOMESTIC).value == Decimal("3.5")


def test_the_series_rollup_of_a_year_is_four_statements_and_safe_to_run_twice(planner, django_assert_num_queries):
    _record_inflow(planner, "3.5")
    rollup_series_year(year=2011)
    first = list(InflowProgress.objects.filter(year=2011).values_list("quarter", "origin", "value"))
    # the year lock (2), the mark, data version, 4 statements, settling the mark; and the savepoint and its
    # release, as the test runs inside a transaction
    with django_assert_num_queries(11):
        rollup_series_year(year=2011)
    assert list(InflowProgress.objects.filter(year=2011).values_list("quarter", "origin", "value")) == first
