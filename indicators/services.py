"""Writes to the city indicators and their quarterly actuals, each in one transaction.

Actuals and targets feed the indicator roll-up (`progress.IndicatorProgress`: actual beside target, met
or not): every change marks the indicator's year, before and after the change, through the kernel hook
(`core.hooks.rollup_mark_series`), so the roll-up rows are rebuilt after commit instead of staying stale
until the nightly run. City indicators are city-wide: only planners reach them (`core.access`).
"""
from __future__ import annotations

from django.db import transaction

from core import hooks
from core.writes import row_delete, row_save
from org.models import User

from .models import CityIndicator, IndicatorActual


def _mark_years_of(*indicator_ids: int | None) -> None:
    years = CityIndicator.objects.filter(pk__in=[pk for pk in indicator_ids if pk]).values_list("year", flat=True)
    hooks.rollup_mark_series(years=years)


@transaction.atomic
def indicator_actual_save(*, user: User, actual: IndicatorActual,
                          expected_version: int | None = None) -> IndicatorActual:
    """Record an indicator's value for a quarter, or correct one (a person's entry is real data)."""
    actual.is_demo = False
    before = row_save(user=user, row=actual, expected_version=expected_version)
    _mark_years_of(actual.indicator_id, before and before.indicator_id)
    return actual


@transaction.atomic
def indicator_actual_delete(*, user: User, actual: IndicatorActual, expected_version: int | None = None) -> None:
    """Delete a quarter's value entered by mistake; its history keeps it."""
    deleted = row_delete(user=user, row=actual, expected_version=expected_version)
    _mark_years_of(deleted.indicator_id)


@transaction.atomic
def indicator_save(*, user: User, indicator: CityIndicator, expected_version: int | None = None) -> CityIndicator:
    """Set an indicator's target (or its wording) for a year; the roll-up compares the actuals with it."""
    before = row_save(user=user, row=indicator, expected_version=expected_version)
    hooks.rollup_mark_series(years=(indicator.year, before and before.year))
    return indicator


@transaction.atomic
def indicator_delete(*, user: User, indicator: CityIndicator, expected_version: int | None = None) -> None:
    """Delete an indicator with its actuals (and their roll-up rows)."""
    deleted = row_delete(user=user, row=indicator, expected_version=expected_version)
    hooks.rollup_mark_series(years=(deleted.year,))
