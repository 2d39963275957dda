"""City indicators and their actuals: integrity in the model and the database, visibility through the one
permission layer (every signed-in user reads them; only planners change them)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from indicators.models import CityIndicator, Comparison, IndicatorActual
from org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def industry_share() -> CityIndicator:
    return CityIndicator.objects.get(code="industry-share", year=2011)


def test_the_plan_states_three_indicators_with_their_targets():
    rows = CityIndicator.objects.filter(year=2011).order_by("code").values_list("code", "comparison", "target_percent")
    assert list(rows) == [("employment-contribution", Comparison.AT_LEAST, Decimal("53.00")),
                          ("fiscal-contribution", Comparison.AT_LEAST, Decimal("65.00")),
                          ("industry-share", Comparison.GREATER, Decimal("50.00"))]


def test_a_second_target_for_the_same_year_is_refused_with_a_reason(industry_share):
    twin = CityIndicator(code=industry_share.code, name_zh="x", name_en="x", year=2011, comparison=Comparison.GREATER,
                         target_percent=Decimal(40))
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        twin.full_clean()
    assert "already has a target for that year" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.parametrize("target", [Decimal("-1"), Decimal("100.01")])
def test_a_target_outside_0_to_100_percent_is_refused_by_the_model_and_the_database(target):
    indicator = CityIndicator(code="new", name_zh="新", name_en="new", year=2012, comparison=Comparison.AT_LEAST,
                              target_percent=target)
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "target_percent" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        indicator.save()


@pytest.mark.parametrize(("quarter", "value"), [(0, "50"), (5, "50"), (1, "-0.01"), (1, "100.5")])
def test_an_actual_needs_a_quarter_1_to_4_and_a_percentage(industry_share, quarter, value):
    actual = IndicatorActual(indicator=industry_share, quarter=quarter, value_percent=Decimal(value))
    with pytest.raises(ValidationError):
        actual.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        actual.save()


def test_one_actual_per_indicator_and_quarter(industry_share):
    IndicatorActual.objects.create(indicator=industry_share, quarter=2, value_percent=Decimal("48.5"))
    again = IndicatorActual(indicator=industry_share, quarter=2, value_percent=Decimal("49"))
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        again.full_clean()
    assert "already has a value for that quarter" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.VIEWER, User.Role.API_CLIENT])
def test_every_signed_in_user_reads_the_indicators_and_only_planners_change_them(make_user, planner, role,
                                                                                 industry_share):
    IndicatorActual.objects.create(indicator=industry_share, quarter=1, value_percent=Decimal(51))
    user = make_user(role, "nlb" if role != User.Role.API_CLIENT else None)
    assert CityIndicator.objects.visible_to(user).count() == CityIndicator.objects.count() == 3
    assert IndicatorActual.objects.visible_to(user).count() == 1
    assert not CityIndicator.objects.editable_by(user).exists()
    assert not IndicatorActual.objects.editable_by(user).exists()
    assert CityIndicator.objects.editable_by(planner).count() == 3


def test_changes_keep_their_history(industry_share):
    industry_share.target_percent = Decimal(55)
    industry_share.save()
    assert [h.target_percent for h in industry_share.history.order_by("history_id")][-2:] == [Decimal(50), Decimal(55)]
