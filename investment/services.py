"""Writes to investment projects: moving a project along its five stages, placing it on the map.

A move is recorded as a `ProjectStageMove` (date, note, who) and the project's stage follows it, in
one transaction under a lock on the project. Moving back to an earlier stage needs a reason (also a
database check); the move is dated no later than today and no earlier than the project's last move.
The stage the user saw is passed back, so two people moving one project cannot both win.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.exceptions import PermissionDenied, ValidationError, VersionConflict
from core.geography import place
from org.models import User

from .models import Project, ProjectStageMove


@transaction.atomic
def project_advance_stage(*, user: User, project_id: int, expected_stage: int, to_stage: int, moved_on: date,
                          note: str = "") -> ProjectStageMove:
    """Move a project the user may edit to `to_stage` on `moved_on`; backwards only with a reason in `note`."""
    project = Project.objects.select_for_update().get(pk=project_id)
    if not access.can_edit(user, project):
        raise PermissionDenied(_("You may not change this project."))
    if project.stage != expected_stage:
        raise VersionConflict(project)
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
    move = ProjectStageMove(project=project, from_stage=project.stage, to_stage=to_stage, moved_on=moved_on,
                            note=note, moved_by=user)
    move.full_clean()
    move._change_reason = "stage moved"
    move._history_user = user
    move.save()
    project.stage, project.stage_since, project.is_demo = to_stage, moved_on, False
    project.full_clean()
    project._change_reason = f"stage moved: {note}" if note else "stage moved"
    project._history_user = user
    project.save()
    return move


@transaction.atomic
def project_locate(*, user: User, project_id: int, expected_updated_at: datetime | None, longitude: Decimal | None,
                   latitude: Decimal | None) -> Project:
    """Where the project lies (both coordinates inside Jinzhou, or neither: then it is listed beside the map).
    `expected_updated_at`: the project as the user read it; a save over a newer change is refused."""
    project = Project.objects.select_for_update().get(pk=project_id)
    if not access.can_edit(user, project):
        raise PermissionDenied(_("You may not change this project."))
    if expected_updated_at is not None and project.updated_at != expected_updated_at:
        raise VersionConflict(project)
    return place(project, user=user, longitude=longitude, latitude=latitude)
