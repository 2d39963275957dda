"""Writes to the city indicators and their quarterly actuals, each in one transaction (the kernel's write
helpers are atomic).

Actuals and targets feed the indicator roll-up (`progress.IndicatorProgress`: actual beside target, met
or not): every change marks the indicator's year, before and after the change (`core.writes.series_row_save`,
through the kernel hook `core.hooks.rollup_mark_series`), so the roll-up rows are rebuilt after commit
instead of staying stale until the nightly run. City indicators are city-wide: only planners reach them
(`core.access`).
"""
from __future__ import annotations

from core.writes import series_row_delete, series_row_save
from org.models import User

from .models import CityIndicator, IndicatorActual


def _year_of(actual: IndicatorActual) -> int:
    return actual.indicator.year


def indicator_actual_save(*, user: User, actual: IndicatorActual,
                          expected_version: int | None = None) -> IndicatorActual:
    """Record an indicator's value for a quarter, or correct one (a person's entry is real data)."""
    actual.is_demo = False
    return series_row_save(user=user, row=actual, expected_version=expected_version, year_of=_year_of)


def indicator_actual_delete(*, user: User, actual: IndicatorActual, expected_version: int | None = None) -> None:
    """Delete a quarter's value entered by mistake; its history keeps it."""
    series_row_delete(user=user, row=actual, expected_version=expected_version, year_of=_year_of)


def indicator_save(*, user: User, indicator: CityIndicator, expected_version: int | None = None) -> CityIndicator:
    """Set an indicator's target (or its wording) for a year; the roll-up compares the actuals with it."""
    return series_row_save(user=user, row=indicator, expected_version=expected_version)


def indicator_delete(*, user: User, indicator: CityIndicator, expected_version: int | None = None) -> None:
    """Delete an indicator with its actuals (and their roll-up rows)."""
    series_row_delete(user=user, row=indicator, expected_version=expected_version)
