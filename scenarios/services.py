"""Every write of a scenario: create, change (a new version), archive. Each asks `core.access.may(user,
"manage-scenarios")`, checks that the user may see the project and the cluster it names, validates with the
model's rules and saves with who and why into the row's history (`core.writes`). A change or an archive made on
a version someone else has changed since raises `VersionConflict`: nothing is overwritten silently."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from core import access
from core.exceptions import PermissionDenied, ValidationError
from core.writes import locked_for_change, save_change
from investment.models import Project

from .models import Scenario

if TYPE_CHECKING:
    from org.models import User


def _check_may_manage(user: User) -> None:
    if not access.may(user, "manage-scenarios"):
        raise PermissionDenied(_("Only a planner may save scenarios."))


def _check_visible(user: User, project: Project | None, cluster: Cluster | None) -> None:
    """A scenario names only rows its author may see (the forms offer no others; an API or a forged form might)."""
    errors = {}
    if project is not None and not access.can_view(user, project):
        errors["project"] = _("Choose a project you may see.")
    if cluster is not None and not access.can_view(user, cluster):
        errors["cluster"] = _("Choose a cluster you may see.")
    if errors:
        raise ValidationError(errors)


def _reason(head: str, note: str) -> str:
    note = note.strip()
    return f"{head}: {note}" if note else head


@transaction.atomic
def scenario_create(*, user: User, name: str, description: str = "", project: Project | None = None,
                    start_year: int | None = None, start_quarter: int | None = None, output: Decimal | None = None,
                    cluster: Cluster | None = None, growth: Decimal | None = None) -> Scenario:
    """Save the what-if as a new named scenario, version 1."""
    _check_may_manage(user)
    _check_visible(user, project, cluster)
    scenario = Scenario(name=name, description=description, project=project, start_year=start_year,
                        start_quarter=start_quarter, output=output, cluster=cluster, growth=growth,
                        created_by=user, updated_by=user)
    return save_change(scenario, user=user, reason="created")


@transaction.atomic
def scenario_update(*, user: User, scenario_id: int, expected_version: int, name: str, description: str = "",
                    project: Project | None = None, start_year: int | None = None, start_quarter: int | None = None,
                    output: Decimal | None = None, cluster: Cluster | None = None, growth: Decimal | None = None,
                    note: str = "") -> Scenario:
    """Save new values as the scenario's next version; the one before stays in its history, with `note` as the
    reason given. An archived scenario is not changed."""
    _check_may_manage(user)
    scenario = locked_for_change(Scenario, scenario_id, user=user, action="manage-scenarios",
                                 expected_version=expected_version)
    if scenario.is_archived:
        raise ValidationError(_("This scenario is archived; it can no longer be changed."))
    _check_visible(user, project, cluster)
    for field, value in (("name", name), ("description", description), ("project", project),
                         ("start_year", start_year), ("start_quarter", start_quarter), ("output", output),
                         ("cluster", cluster), ("growth", growth)):
        setattr(scenario, field, value)
    scenario.updated_by = user
    return save_change(scenario, user=user, reason=_reason("updated", note))


@transaction.atomic
def scenario_archive(*, user: User, scenario_id: int, expected_version: int) -> Scenario:
    """Archive the scenario: it leaves the list and frees its name; the row and its history are kept."""
    _check_may_manage(user)
    scenario = locked_for_change(Scenario, scenario_id, user=user, action="manage-scenarios",
                                 expected_version=expected_version)
    if scenario.is_archived:
        return scenario
    scenario.archived_at = timezone.now()
    scenario.updated_by = user
    return save_change(scenario, user=user, reason="archived")
