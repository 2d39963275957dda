"""Indicator actual and target writes: history, versions, and the indicator roll-up marked for the
indicator's year (both years when an actual moves to another year's indicator)."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators import services
from indicators.models import CityIndicator, IndicatorActual
from org.models import User
from progress.models import SeriesMark

pytestmark = pytest.mark.django_db


def _marks() -> dict[int, int]:
    return dict(SeriesMark.objects.values_list("year", "version"))


@pytest.fixture
def indicator() -> CityIndicator:
    return CityIndicator.objects.get(code="industry-share")


def test_a_planner_records_an_actual_and_its_year_is_marked(planner, indicator):
    actual = services.indicator_actual_save(
        user=planner, actual=IndicatorActual(indicator=indicator, quarter=2, value_percent=Decimal("47.2")))
    record = actual.history.get()
    assert (record.history_user, record.history_change_reason, actual.version) == (planner, "created", 1)
    assert _marks() == {indicator.year: 1}


def test_a_department_may_not_record_a_city_indicator(make_user, indicator):
    with pytest.raises(PermissionDenied):
        services.indicator_actual_save(user=make_user(User.Role.EDITOR, "nlb"),
                                       actual=IndicatorActual(indicator=indicator, quarter=2, value_percent=1))
    assert not IndicatorActual.objects.exists()


def test_moving_an_actual_to_another_years_indicator_marks_both_years(planner, indicator):
    other = CityIndicator.objects.create(code=indicator.code, name_zh=indicator.name_zh, name_en=indicator.name_en,
                                         year=indicator.year + 2, comparison=indicator.comparison,
                                         target_percent=indicator.target_percent)
    actual = services.indicator_actual_save(
        user=planner, actual=IndicatorActual(indicator=indicator, quarter=2, value_percent=Decimal(40)))
    actual.indicator = other
    services.indicator_actual_save(user=planner, actual=actual, expected_version=1)
    assert _marks() == {indicator.year: 2, other.year: 1}


def test_deleting_an_actual_marks_its_year(planner, indicator):
    actual = services.indicator_actual_save(
        user=planner, actual=IndicatorActual(indicator=indicator, quarter=3, value_percent=Decimal(40)))
    services.indicator_actual_delete(user=planner, actual=actual, expected_version=1)
    assert not IndicatorActual.objects.exists()
    assert _marks() == {indicator.year: 2}


def test_a_target_change_is_versioned_and_marks_its_year(planner, indicator):
    indicator.target_percent = Decimal(46)
    services.indicator_save(user=planner, indicator=indicator, expected_version=1)
    assert (indicator.version, _marks()) == (2, {indicator.year: 1})
