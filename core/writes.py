"""The write path every service shares: lock the row and check the user and the version, then save it
with its history.

- `locked_for_change`: the row under a lock (select_for_update), refused unless `access.may(user, action,
  row)` and unless it is still the version the caller read (`VersionConflict`, carrying the current row);
- `save_change` / `delete_change`: `full_clean`, the next `version`, who and why into the history
  (django-simple-history's `_history_user`, `_change_reason`), then save or delete;
- `row_save` / `row_delete`: the service of rows whose only rules are the model's own (the plan's
  clusters, goals, parks, departments … as planners edit them in the admin), built from the two above;
- `series_row_save` / `series_row_delete`: the same for rows that feed the city-wide series roll-up
  (inflows, targets, indicators, actuals), marking the year before and after the change
  (`core.hooks.rollup_mark_series`).

Domain services (clusters.services, funds.services, parks.services, investment.services,
indicators.services) call the helpers and add their own rules and roll-up marks. Nothing else sets
`_history_user` or `_change_reason`.
"""
from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from . import access, hooks
from .exceptions import PermissionDenied, VersionConflict

if TYPE_CHECKING:
    from org.models import User

Row = TypeVar("Row", bound=models.Model)


def _versioned(obj: models.Model) -> bool:
    return any(field.name == "version" for field in obj._meta.concrete_fields)


def locked_for_change(model: type[Row], pk: int, *, user: User, action: str, expected_version: int | None,
                      refusal: str | None = None) -> Row:
    """The row, locked until the caller's transaction ends; refused (`PermissionDenied` with `refusal`)
    unless the user may do `action` to it, and (`VersionConflict`) unless its version is still
    `expected_version`. None: the caller read no version (an admin deletion, a history revert)."""
    row = model._default_manager.select_for_update().get(pk=pk)
    if not access.may(user, action, row):
        raise PermissionDenied(refusal or _("You may not change this %(thing)s.")
                               % {"thing": model._meta.verbose_name})
    if expected_version is not None and row.version != expected_version:
        raise VersionConflict(row)
    return row


def _record(obj: models.Model, user: User | None, reason: str) -> None:
    # Who changed it, also when no request is around (admin actions, imports, tasks, commands).
    obj._history_user = user
    obj._change_reason = reason


def save_change(obj: Row, *, user: User | None, reason: str) -> Row:
    """Validate `obj` with the model's rules, give a changed row its next version, and save it with who
    (None: a command, no person) and why in its history. Call inside the service's transaction, after
    `locked_for_change` for an existing row."""
    if _versioned(obj) and not obj._state.adding:
        obj.version += 1
    obj.full_clean()
    _record(obj, user, reason)
    obj.save()
    return obj


def delete_change(obj: models.Model, *, user: User | None, reason: str) -> None:
    """Delete `obj`; its history keeps the last values, who deleted it and why."""
    _record(obj, user, reason)
    obj.delete()


@transaction.atomic
def row_save(*, user: User, row: Row, expected_version: int | None = None) -> Row | None:
    """Create `row`, or save the changes made to it, through the permission layer, the version check and
    the model's rules. A new row must be one the user may edit (asked of the saved row, so the same rule
    decides as for an existing one; a refusal rolls the insert back).

    Returns the row as it was before the change (None for a new row), for services that mark what it was.
    """
    if row._state.adding:
        save_change(row, user=user, reason="created")
        if not access.may(user, "edit", row):
            raise PermissionDenied(_("You may not add this %(thing)s.") % {"thing": row._meta.verbose_name})
        return None
    before = locked_for_change(type(row), row.pk, user=user, action="edit", expected_version=expected_version)
    if _versioned(row):
        row.version = before.version  # the form's copy may be older (a history revert): count from the row's
    save_change(row, user=user, reason="updated")
    return before


@transaction.atomic
def row_delete(*, user: User, row: Row, expected_version: int | None = None) -> Row:
    """Delete `row` if the user may (`delete`) and it is still the version read. Returns it as deleted."""
    before = locked_for_change(type(row), row.pk, user=user, action="delete", expected_version=expected_version)
    delete_change(before, user=user, reason="deleted")
    return before


@transaction.atomic
def series_row_save(*, user: User, row: Row, expected_version: int | None = None,
                    year_of: Callable[[Row], int] = attrgetter("year")) -> Row:
    """`row_save` for a row that feeds the city-wide series roll-up: the year it belonged to and the year
    it belongs to now (`year_of`) are marked for the roll-up in the same transaction."""
    before = row_save(user=user, row=row, expected_version=expected_version)
    hooks.rollup_mark_series(years=(year_of(row), before and year_of(before)))
    return row


@transaction.atomic
def series_row_delete(*, user: User, row: Row, expected_version: int | None = None,
                      year_of: Callable[[Row], int] = attrgetter("year")) -> None:
    """`row_delete` for a row that feeds the city-wide series roll-up; its year is marked."""
    hooks.rollup_mark_series(years=(year_of(row_delete(user=user, row=row, expected_version=expected_version)),))
