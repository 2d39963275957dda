"""The kernel's write helper (core.writes): lock, permission, version, the model's rules, history."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import VersionConflict
from core.writes import delete_change, locked_for_change, row_delete, row_save, save_change
from org.models import User
from parks.models import Park, StandardFactoryProgramme

pytestmark = pytest.mark.django_db


@pytest.fixture
def park() -> Park:
    return Park.objects.get(code="heishan-park")


def test_a_locked_row_is_refused_to_a_user_who_may_not_edit_it(park, make_user):
    with pytest.raises(PermissionDenied):
        locked_for_change(Park, park.pk, user=make_user(User.Role.EDITOR, "fwy"), action="edit", expected_version=1)


def test_a_locked_row_of_another_version_is_a_conflict_carrying_the_current_row(park, planner):
    park.area_km2 = Decimal("6")
    row_save(user=planner, row=park, expected_version=1)
    with pytest.raises(VersionConflict) as conflict:
        locked_for_change(Park, park.pk, user=planner, action="edit", expected_version=1)
    assert (conflict.value.current.version, conflict.value.current.area_km2) == (2, Decimal("6.00"))


def test_the_action_asked_is_the_one_named(park, make_user):
    editor = make_user(User.Role.EDITOR, "nlb")
    assert locked_for_change(Park, park.pk, user=editor, action="edit", expected_version=None) == park
    with pytest.raises(PermissionDenied):
        locked_for_change(Park, park.pk, user=editor, action="delete", expected_version=None)


def test_save_change_counts_the_version_and_records_who_and_why(park, planner):
    park.factory_built_m2 = Decimal("1000")
    save_change(park, user=planner, reason="updated")
    record = park.history.first()
    assert (park.version, record.version, record.history_user, record.history_change_reason) == (
        2, 2, planner, "updated")


def test_save_change_keeps_version_1_for_a_new_row(planner):
    programme = save_change(StandardFactoryProgramme(year=2016, target_m2=Decimal(1), budget_wan=Decimal(1)),
                            user=planner, reason="created")
    assert programme.version == 1
    assert programme.history.get().history_change_reason == "created"


def test_save_change_checks_the_models_rules_and_saves_nothing_when_they_fail(park, planner):
    park.area_km2 = Decimal("-1")
    with pytest.raises(ValidationError):
        save_change(park, user=planner, reason="updated")
    park.refresh_from_db()
    assert (park.area_km2, park.version, park.history.count()) == (None, 1, 1)


def test_delete_change_keeps_who_deleted_the_row_and_why(planner):
    programme = StandardFactoryProgramme.objects.get(year=2011)
    pk = programme.pk
    delete_change(programme, user=planner, reason="deleted")
    record = StandardFactoryProgramme.history.filter(id=pk).first()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("-", planner, "deleted")


def test_row_save_refuses_a_new_row_the_user_could_not_edit_and_rolls_it_back(make_user):
    viewer = make_user(User.Role.EDITOR, "nlb")  # a department editor: city-wide plan rows are planners'
    with pytest.raises(PermissionDenied):
        row_save(user=viewer, row=StandardFactoryProgramme(year=2016, target_m2=Decimal(1), budget_wan=Decimal(1)))
    assert not StandardFactoryProgramme.objects.filter(year=2016).exists()


def test_row_save_returns_the_row_as_it_was(park, planner):
    park.area_km2 = Decimal("7")
    before = row_save(user=planner, row=park, expected_version=1)
    assert (before.area_km2, before.version, park.version) == (None, 1, 2)


def test_row_delete_needs_the_delete_action(make_user, planner):
    programme = StandardFactoryProgramme.objects.get(year=2011)
    with pytest.raises(PermissionDenied):
        row_delete(user=make_user(User.Role.EDITOR, "jxw"), row=programme)
    row_delete(user=planner, row=programme, expected_version=1)
    assert not StandardFactoryProgramme.objects.filter(year=2011).exists()
