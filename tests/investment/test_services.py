"""Inflow and target writes: one transaction, history, and the inflow roll-up marked (both years when an
inflow moves to another year), so its rows are rebuilt after commit instead of at the nightly run."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.exceptions import VersionConflict
from investment import services
from investment.choices import Currency, Origin
from investment.models import InvestmentInflow, InvestmentTarget
from org.models import Region, User
from progress.models import SeriesMark

pytestmark = pytest.mark.django_db


def _marks() -> dict[int, int]:
    return dict(SeriesMark.objects.values_list("year", "version"))


@pytest.fixture
def heishan() -> Region:
    return Region.objects.get(code="heishan")


def _inflow(region: Region, **values) -> InvestmentInflow:
    return InvestmentInflow(**{"year": 2012, "quarter": 1, "region": region, "origin": Origin.DOMESTIC,
                               "currency": Currency.CNY, "amount": Decimal("3.5")} | values)


def test_a_county_government_records_its_inflow_and_the_year_is_marked(make_user, heishan):
    editor = make_user(User.Role.EDITOR, "gov-heishan")
    inflow = services.inflow_save(user=editor, inflow=_inflow(heishan, is_demo=True))
    record = inflow.history.get()
    assert (record.history_user, record.history_change_reason, inflow.is_demo) == (editor, "created", False)
    assert _marks() == {2012: 1}


def test_an_inflow_outside_the_users_regions_is_refused_and_not_saved(make_user, heishan):
    with pytest.raises(PermissionDenied):
        services.inflow_save(user=make_user(User.Role.EDITOR, "fwy"), inflow=_inflow(heishan))
    assert not InvestmentInflow.objects.exists()
    assert _marks() == {}


def test_moving_an_inflow_to_another_year_marks_both_years(planner, heishan):
    inflow = services.inflow_save(user=planner, inflow=_inflow(heishan))
    inflow.year = 2013
    services.inflow_save(user=planner, inflow=inflow, expected_version=1)
    assert (inflow.version, _marks()) == (2, {2012: 2, 2013: 1})


def test_a_stale_inflow_correction_is_a_conflict(planner, heishan):
    inflow = services.inflow_save(user=planner, inflow=_inflow(heishan))
    services.inflow_save(user=planner, inflow=inflow, expected_version=1)
    inflow.amount = Decimal(9)
    with pytest.raises(VersionConflict):
        services.inflow_save(user=planner, inflow=inflow, expected_version=1)
    assert InvestmentInflow.objects.get().amount == Decimal("3.5")


def test_deleting_an_inflow_marks_its_year_and_keeps_who(planner, heishan):
    inflow = services.inflow_save(user=planner, inflow=_inflow(heishan))
    pk = inflow.pk
    services.inflow_delete(user=planner, inflow=inflow, expected_version=1)
    record = InvestmentInflow.history.filter(id=pk).first()
    assert (record.history_type, record.history_user, _marks()) == ("-", planner, {2012: 2})


def test_a_target_change_marks_its_year(planner):
    target = InvestmentTarget.objects.get(year=2011, origin=Origin.FOREIGN)
    target.amount = Decimal(5)
    services.target_save(user=planner, target=target, expected_version=1)
    assert (target.version, target.history.first().history_change_reason, _marks()) == (2, "updated", {2011: 1})


def test_a_department_editor_may_not_change_a_city_wide_target(make_user):
    target = InvestmentTarget.objects.get(year=2011, origin=Origin.FOREIGN)
    with pytest.raises(PermissionDenied):
        services.target_save(user=make_user(User.Role.EDITOR, "gov-heishan"), target=target, expected_version=1)
