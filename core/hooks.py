"""Kernel hooks: how a domain app tells the layers above it that something happened, without importing them.

A domain service calls a function here inside its write's transaction; the app that cares connects a
receiver in its `AppConfig.ready()` (progress for the roll-up, notices for e-mail). Receivers run
synchronously in the caller's transaction, so what they record commits, or rolls back, with the write.

- `rollup_mark`: the approved figures of a cluster-year changed (approved, reopened). progress marks the
  cluster-year pending (`RollupMark`) and enqueues its recomputation after commit
  (`progress.receivers`); a lost message is caught up by the sweep.
- `rollup_mark_series`: a year's city-wide series changed: an investment inflow or target, an indicator's
  actual or target. progress marks the year pending (`SeriesMark`) and enqueues the recomputation of its
  inflow and indicator roll-ups after commit; the sweep catches up a lost message.
- `figure_returned_announce`: a planner sent a figure back (returned or reopened), with a reason.
  notices queues the e-mail to its editor in the outbox (`notices.receivers`).
- `figure_status_announce`: a figure moved in its cycle (submitted, approved, returned, reopened). The
  quarterly commentary follows its cluster-quarter's figures (`commentary.receivers`).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.dispatch import Signal

cluster_year_changed = Signal()  # keyword arguments: cluster_id, year
series_year_changed = Signal()  # keyword arguments: year
figure_returned = Signal()  # keyword arguments: figure, by, reason
figure_status_changed = Signal()  # keyword arguments: figure, by, reason


def _send_to_rollup(signal: Signal, **kwargs: int) -> None:
    if not signal.has_listeners():
        # Without a receiver the change would never reach the roll-up: fail the write instead.
        raise ImproperlyConfigured("No roll-up listens to the kernel's roll-up hooks: is the progress app installed?")
    signal.send(sender=None, **kwargs)


def rollup_mark(*, cluster_id: int, year: int) -> None:
    """Record, in the caller's transaction, that the approved numbers of this cluster-year changed."""
    _send_to_rollup(cluster_year_changed, cluster_id=cluster_id, year=year)


def rollup_mark_series(*, years: Iterable[int | None]) -> None:
    """Record, in the caller's transaction, that the city-wide inflows or indicators of these years changed
    (None and repeats are skipped: pass the year before and after a change)."""
    for year in sorted({y for y in years if y is not None}):
        _send_to_rollup(series_year_changed, year=year)


def figure_returned_announce(*, figure: models.Model, by: models.Model, reason: str) -> None:
    """Tell whoever listens that `by` sent `figure` back to its editor, and why."""
    figure_returned.send(sender=type(figure), figure=figure, by=by, reason=reason)


def figure_status_announce(*, figure: models.Model, by: models.Model | None, reason: str) -> None:
    """Tell whoever listens that `figure` has just moved to its current status (by `by`, for `reason`)."""
    figure_status_changed.send(sender=type(figure), figure=figure, by=by, reason=reason)
