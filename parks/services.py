"""Writes to parks and their 七通一平 items: one transaction each, through the kernel's write helper.

A person's edit makes demo values real (`is_demo` cleared), as `core.admin.RealEditAdmin` does. The page
passes back the `version` the user read, so a save over someone else's newer change is refused
(`VersionConflict`) instead of silently overwriting it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationError
from core.geography import place
from core.writes import locked_for_change, save_change
from org.models import User

from .choices import ReadinessStatus
from .models import Park, ParkReadinessItem


def _locked(model: type[models.Model], pk: int, *, user: User, expected_version: int | None) -> models.Model:
    return locked_for_change(model, pk, user=user, action="edit", expected_version=expected_version,
                             refusal=_("You may not change this park."))


def _save_real(obj: models.Model, *, user: User, changes: dict) -> models.Model:
    """Apply `changes` to the locked row; if any value differs, the row becomes real data and is saved."""
    if all(getattr(obj, name) == value for name, value in changes.items()):
        return obj
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.is_demo = False
    return save_change(obj, user=user, reason="updated")


@transaction.atomic
def park_update(*, user: User, park_id: int, expected_version: int | None, area_km2: Decimal | None,
                factory_built_m2: Decimal) -> Park:
    """A park's progress: its current area (km²) and the standard-factory floor space built (m²)."""
    park = _locked(Park, park_id, user=user, expected_version=expected_version)
    return _save_real(park, user=user, changes={"area_km2": area_km2, "factory_built_m2": factory_built_m2})


@transaction.atomic
def readiness_item_update(*, user: User, item_id: int, expected_version: int | None, status: str,
                          completed_on: date | None, note: str = "") -> ParkReadinessItem:
    """One 七通一平 item's status; a completion date when, and only when, it is done, never in the future."""
    item = _locked(ParkReadinessItem, item_id, user=user, expected_version=expected_version)
    if status == ReadinessStatus.DONE and completed_on and completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    return _save_real(item, user=user, changes={"status": status, "completed_on": completed_on, "note": note.strip()})


@transaction.atomic
def park_locate(*, user: User, park_id: int, expected_version: int | None, longitude: Decimal | None,
                latitude: Decimal | None) -> Park:
    """Where the park lies (both coordinates inside Jinzhou, or neither: then it is listed beside the map)."""
    park = _locked(Park, park_id, user=user, expected_version=expected_version)
    return place(park, user=user, longitude=longitude, latitude=latitude)
