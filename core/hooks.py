"""Kernel hooks: how a domain app tells the layers above it that something happened, without importing them.

A domain service calls a function here inside its write's transaction; the app that cares connects a
receiver in its `AppConfig.ready()` (progress for the roll-up, notices for e-mail). Receivers run
synchronously in the caller's transaction, so what they record commits, or rolls back, with the write.

- `rollup_mark`: the approved figures of a cluster-year changed (approved, reopened). progress marks the
  cluster-year pending (`RollupMark`) and enqueues its recomputation after commit
  (`progress.receivers`); a lost message is caught up by the sweep.
- `figure_returned_announce`: a planner sent a figure back (returned or reopened), with a reason.
  notices queues the e-mail to its editor in the outbox (`notices.receivers`).
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.dispatch import Signal

cluster_year_changed = Signal()  # keyword arguments: cluster_id, year
figure_returned = Signal()  # keyword arguments: figure, by, reason


def rollup_mark(*, cluster_id: int, year: int) -> None:
    """Record, in the caller's transaction, that the approved numbers of this cluster-year changed."""
    if not cluster_year_changed.has_listeners():
        # Without a receiver the change would never reach the roll-up: fail the write instead.
        raise ImproperlyConfigured("No roll-up listens to cluster_year_changed: is the progress app installed?")
    cluster_year_changed.send(sender=None, cluster_id=cluster_id, year=year)


def figure_returned_announce(*, figure: models.Model, by: models.Model, reason: str) -> None:
    """Tell whoever listens that `by` sent `figure` back to its editor, and why."""
    figure_returned.send(sender=type(figure), figure=figure, by=by, reason=reason)
