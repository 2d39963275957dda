"""The scenario services: saved through the permission layer, validated by the model, versioned with their history,
a stale version refused, archived without being deleted."""
from decimal import Decimal

import pytest

from core.exceptions import PermissionDenied, ValidationError, VersionConflict
from core.history import object_history
from org.models import User
from scenarios import selectors, services
from scenarios.models import Scenario

pytestmark = pytest.mark.django_db


def _update(user, scenario, *, version, **changes):
    values = {"name": scenario.name, "description": scenario.description, "project": scenario.project,
              "start_year": scenario.start_year, "start_quarter": scenario.start_quarter, "output": scenario.output,
              "cluster": scenario.cluster, "growth": scenario.growth} | changes
    return services.scenario_update(user=user, scenario_id=scenario.pk, expected_version=version, **values)


def test_a_saved_scenario_is_version_1_with_its_author_and_a_history_record(planner, save_scenario):
    scenario = save_scenario()
    assert (scenario.version, scenario.created_by, scenario.updated_by) == (1, planner, planner)
    [record] = scenario.history.all()
    assert (record.history_user, record.history_change_reason) == (planner, "created")


def test_a_change_is_the_next_version_and_the_history_keeps_the_one_before(planner, save_scenario):
    scenario = save_scenario()
    _update(planner, scenario, version=1, start_year=2015, note="推迟到2015年")
    scenario.refresh_from_db()
    assert (scenario.version, scenario.start_year) == (2, 2015)
    records = list(scenario.history.order_by("history_id"))
    assert [(r.version, r.start_year) for r in records] == [(1, 2014), (2, 2015)]
    assert records[-1].history_change_reason == "updated: 推迟到2015年"
    [latest, _created] = object_history(scenario)
    assert any(change.old == "2014" and change.new == "2015" for change in latest.changes)


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(planner, make_user, save_scenario):
    other = make_user(User.Role.PLANNER, "jxw")
    scenario = save_scenario()
    _update(other, scenario, version=1, start_year=2015)
    with pytest.raises(VersionConflict) as conflict:
        _update(planner, scenario, version=1, start_year=2016)
    assert conflict.value.current.version == 2
    scenario.refresh_from_db()
    assert (scenario.start_year, scenario.updated_by) == (2015, other)


def test_the_name_is_unique_among_live_scenarios_only(planner, save_scenario):
    first = save_scenario("同名")
    with pytest.raises(ValidationError):
        save_scenario("同名")
    services.scenario_archive(user=planner, scenario_id=first.pk, expected_version=1)
    assert save_scenario("同名").pk != first.pk


def test_archiving_keeps_the_row_and_its_history_and_takes_it_off_the_list(planner, save_scenario):
    scenario = save_scenario()
    archived = services.scenario_archive(user=planner, scenario_id=scenario.pk, expected_version=1)
    assert archived.archived_at is not None
    assert archived.version == 2
    assert scenario.history.order_by("-history_id").first().history_change_reason == "archived"
    assert list(selectors.scenarios_for(planner)) == []
    assert list(selectors.scenarios_for(planner, archived=True)) == [scenario]
    with pytest.raises(ValidationError):
        _update(planner, scenario, version=2, start_year=2016)


@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.VIEWER, User.Role.API_CLIENT])
def test_only_planners_save_change_or_archive(make_user, save_scenario, cells, role):
    user = make_user(role, "nlb")
    with pytest.raises(PermissionDenied):
        save_scenario("部门情景", user=user)
    scenario = save_scenario()
    with pytest.raises(PermissionDenied):
        _update(user, scenario, version=1, start_year=2015)
    with pytest.raises(PermissionDenied):
        services.scenario_archive(user=user, scenario_id=scenario.pk, expected_version=1)
    assert Scenario.objects.count() == 1


@pytest.mark.parametrize(("inputs", "field"), [
    ({}, "__all__"),  # changes nothing
    ({"cluster": "pv"}, "__all__"),  # a cluster without its growth
    ({"start_year": 2014}, "__all__"),  # a start without a project
    ({"cluster": "pv", "growth": Decimal("1001")}, "growth"),
    ({"cluster": "pv", "growth": Decimal("-101")}, "growth"),
    ({"project": "cells", "start_quarter": 5}, "start_quarter"),
    ({"project": "cells", "start_year": 1999}, "start_year"),
    ({"project": "cells", "output": Decimal("-1")}, "output"),
])
def test_the_model_refuses_what_cannot_be_computed(planner, cells, pv, inputs, field):
    rows = {"cells": cells, "pv": pv}
    inputs = {key: rows.get(value, value) if isinstance(value, str) else value for key, value in inputs.items()}
    with pytest.raises(ValidationError) as refused:
        services.scenario_create(user=planner, name="不行", **inputs)
    assert field in refused.value.message_dict
    assert not Scenario.objects.exists()


def test_a_project_without_a_start_or_output_of_its_own_needs_them_given(planner, cells):
    type(cells).objects.filter(pk=cells.pk).update(expected_output=None)
    cells.refresh_from_db()
    with pytest.raises(ValidationError):
        services.scenario_create(user=planner, name="缺产值", project=cells, start_year=2014)
    assert services.scenario_create(user=planner, name="有产值", project=cells, output=Decimal("250")).pk
