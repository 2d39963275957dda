"""Writes to parks and their 七通一平 items: one transaction each, through the permission layer.

A person's edit makes demo values real (`is_demo` cleared), as `core.admin.RealEditAdmin` does.
Parks and items carry no version field: the `updated_at` the user read serves as one, so a save over
someone else's newer change is refused (`VersionConflict`) instead of silently overwriting it.
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

from .choices import ReadinessStatus
from .models import Park, ParkReadinessItem


def _locked(model, *, user: User, pk: int, expected_updated_at: datetime | None):
    obj = model.objects.select_for_update().get(pk=pk)
    if not access.can_edit(user, obj):
        raise PermissionDenied(_("You may not change this park."))
    if expected_updated_at is not None and obj.updated_at != expected_updated_at:
        raise VersionConflict(obj)
    return obj


def _save_real(obj, changes: dict, reason: str, user: User):
    """Apply `changes`; if any value differs, the row becomes real data and is saved with `reason`."""
    if all(getattr(obj, name) == value for name, value in changes.items()):
        return obj
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.is_demo = False
    obj.full_clean()
    obj._change_reason = reason
    obj._history_user = user
    obj.save()
    return obj


@transaction.atomic
def park_update(*, user: User, park_id: int, expected_updated_at: datetime | None, area_km2: Decimal | None,
                factory_built_m2: Decimal) -> Park:
    """A park's progress: its current area (km²) and the standard-factory floor space built (m²)."""
    park = _locked(Park, user=user, pk=park_id, expected_updated_at=expected_updated_at)
    return _save_real(park, {"area_km2": area_km2, "factory_built_m2": factory_built_m2}, "updated", user)


@transaction.atomic
def readiness_item_update(*, user: User, item_id: int, expected_updated_at: datetime | None, status: str,
                          completed_on: date | None, note: str = "") -> ParkReadinessItem:
    """One 七通一平 item's status; a completion date when, and only when, it is done, never in the future."""
    item = _locked(ParkReadinessItem, user=user, pk=item_id, expected_updated_at=expected_updated_at)
    if status == ReadinessStatus.DONE and completed_on and completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    return _save_real(item, {"status": status, "completed_on": completed_on, "note": note.strip()}, "updated", user)


@transaction.atomic
def park_locate(*, user: User, park_id: int, expected_updated_at: datetime | None, longitude: Decimal | None,
                latitude: Decimal | None) -> Park:
    """Where the park lies (both coordinates inside Jinzhou, or neither: then it is listed beside the map)."""
    park = _locked(Park, user=user, pk=park_id, expected_updated_at=expected_updated_at)
    return place(park, user=user, longitude=longitude, latitude=latitude)
