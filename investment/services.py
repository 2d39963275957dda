"""Writes to investment: moving a project along its five stages, placing it on the map; inflows and targets.

A move is recorded as a `ProjectStageMove` (date, note, who) and the project's stage follows it, in
one transaction under a lock on the project. Moving back to an earlier stage needs a reason (also a
database check); the move is dated no later than today and no earlier than the project's last move.
The project's `version` the user saw is passed back, so two people changing one project cannot both win.

Inflows and targets feed the city-wide inflow roll-up (`progress.InflowProgress`): every change marks
its year, before and after the change (`core.writes.series_row_save`, through the kernel hook
`core.hooks.rollup_mark_series`), so the roll-up rows are rebuilt after commit instead of staying stale
until the nightly run. Each write is one transaction (the helpers are atomic).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from core import access
from core.exceptions import ValidationError
from core.geography import place
from core.writes import locked_for_change, save_change, series_row_delete, series_row_save
from org.models import User

from .models import InvestmentInflow, InvestmentTarget, Project, ProjectStageMove


@transaction.atomic
def project_advance_stage(*, user: User, project_id: int, expected_version: int, to_stage: int, moved_on: date,
                          note: str = "") -> ProjectStageMove:
    """Move a project the user may edit to `to_stage` on `moved_on`; backwards only with a reason in `note`."""
    project = locked_for_change(Project, project_id, user=user, action="edit", expected_version=expected_version,
                                refusal=_("You may not change this project."))
    note = note.strip()
    errors = {}
    if to_stage == project.stage:
        errors["to_stage"] = _("The project is already in this stage.")
    elif to_stage < project.stage and not note:
        errors["note"] = _("Moving a project back to an earlier stage needs a reason.")
    if moved_on > timezone.localdate():
        errors["moved_on"] = _("The date cannot be in the future.")
    last = project.stage_moves.order_by("-moved_on", "-pk").first()
    if last is not None and moved_on < last.moved_on:
        errors["moved_on"] = _("The date cannot be before the project's last move (%(date)s).") % {
            "date": last.moved_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    move = save_change(ProjectStageMove(project=project, from_stage=project.stage, to_stage=to_stage,
                                        moved_on=moved_on, note=note, moved_by=user), user=user, reason="stage moved")
    project.stage, project.stage_since, project.is_demo = to_stage, moved_on, False
    save_change(project, user=user, reason=f"stage moved: {note}" if note else "stage moved")
    return move


@transaction.atomic
def project_locate(*, user: User, project_id: int, expected_version: int | None, longitude: Decimal | None,
                   latitude: Decimal | None) -> Project:
    """Where the project lies (both coordinates inside Jinzhou, or neither: then it is listed beside the map).
    `expected_version`: the project as the user read it; a save over a newer change is refused."""
    project = locked_for_change(Project, project_id, user=user, action="edit", expected_version=expected_version,
                                refusal=_("You may not change this project."))
    return place(project, user=user, longitude=longitude, latitude=latitude)


@transaction.atomic
def project_set_pipeline(*, user: User, project_id: int, expected_version: int | None, cluster: Cluster | None,
                         expected_start_year: int | None, expected_start_quarter: int | None,
                         expected_output: Decimal | None, ramp_up_quarters: int | None) -> Project:
    """What the project is expected to add to a cluster's output: the cluster it feeds, its expected production
    start (year and quarter, or neither), its annual output at full capacity in 亿元 and its ramp-up (empty: the
    default). Refused unless the user may edit the project, and also when the new cluster would take the
    project out of what the user may edit (a department cannot hand its project to another's cluster).
    A person's entry replaces demo values (`pipeline_is_demo`). Versioned, with the change in its history."""
    project = locked_for_change(Project, project_id, user=user, action="edit", expected_version=expected_version,
                                refusal=_("You may not change this project."))
    if expected_output is not None and not expected_output.is_finite():
        raise ValidationError({"expected_output": _("Enter a number.")})
    project.cluster = cluster
    project.expected_start_year, project.expected_start_quarter = expected_start_year, expected_start_quarter
    project.expected_output, project.ramp_up_quarters = expected_output, ramp_up_quarters
    project.pipeline_is_demo = False
    save_change(project, user=user, reason="expected output changed")
    # Reach is decided on the saved row: refused after the save, the transaction rolls it back.
    if not access.may(user, "edit", project):
        raise ValidationError({"cluster": _("You may not assign this project to that cluster.")})
    return project


def inflow_save(*, user: User, inflow: InvestmentInflow, expected_version: int | None = None) -> InvestmentInflow:
    """Record a region's inflow for a quarter, or correct one (`inflow` carries the new values; a person's
    entry is real data). Refused outside the user's regions and over a newer save; marks the roll-up."""
    inflow.is_demo = False
    return series_row_save(user=user, row=inflow, expected_version=expected_version)


def inflow_delete(*, user: User, inflow: InvestmentInflow, expected_version: int | None = None) -> None:
    """Delete an inflow entered by mistake; its history keeps it. Marks the roll-up of its year."""
    series_row_delete(user=user, row=inflow, expected_version=expected_version)


def target_save(*, user: User, target: InvestmentTarget, expected_version: int | None = None) -> InvestmentTarget:
    """Set a year's investment target (planners: no department reaches a city-wide target); marks the
    roll-up, whose rows carry the target beside the inflows."""
    return series_row_save(user=user, row=target, expected_version=expected_version)


def target_delete(*, user: User, target: InvestmentTarget, expected_version: int | None = None) -> None:
    """Delete a year's target; the roll-up of its year is marked."""
    series_row_delete(user=user, row=target, expected_version=expected_version)
