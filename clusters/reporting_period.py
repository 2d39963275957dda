"""The reporting period: the one quarter every reporting screen opens at (entry, review, completeness,
import, the inbox), for the user looking at it.

The rule: the earliest quarter, up to the last quarter that has ended, that is not yet fully approved for
the user's reporting units (the clusters it may edit if it may write, else those it may view):
- the earliest quarter holding a figure of theirs that is not approved (draft, submitted, returned; read
  from the figure tally);
- else, if the latest quarter holding approved figures lacks an approved figure for some unit, that one;
- else the quarter after it, or the last quarter that has ended, whichever is earlier (so also with no
  figure at all).
A live database opens at the quarter being collected, a demo database at its last quarter still in review.

Units that never reported in older quarters do not hold the period back (a cluster added later, or an
enterprise added to a cluster, would otherwise pin it to the plan's first quarter for ever); the
completeness page shows them for any quarter asked for.

The dashboards do not use this rule: they show the latest quarter with approved figures (the roll-up).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Max, Min, Q, QuerySet
from django.utils import timezone

from core import access
from core.periods import Quarter
from org.models import User

from .choices import FigureStatus
from .completeness import Completeness, standings
from .models import Cluster, FigureTally


@dataclass(frozen=True)
class ReportingState:
    """The user's reporting period, the last quarter that has ended, and the standing of the user's units
    in each quarter looked at (the period, the last ended, and whatever the caller asked for)."""

    period: Quarter
    last_ended: Quarter
    standings: dict[Quarter, Completeness]


def reporting_clusters(user: User) -> QuerySet[Cluster]:
    """The clusters whose reporting is the user's concern: those it may edit if it may write, else those
    it may view."""
    return Cluster.objects.editable_by(user) if access.may(user, "edit", Cluster) else Cluster.objects.visible_to(user)


def reporting_state(*, user: User, today: date | None = None, also: Iterable[Quarter] = ()) -> ReportingState:
    """The reporting period of `user` on `today` (module docstring), with the standings of the quarters it
    looked at plus `also` (counts, not units: `clusters.completeness`). Three queries, whatever the data."""
    today = today or timezone.localdate()
    last = Quarter.last_ended(today)
    clusters = reporting_clusters(user)
    # From the figure tally (`clusters.tally`): a few rows per cluster and quarter, not the figures.
    bounds = (FigureTally.objects.filter(cluster_id__in=clusters.order_by().values("pk"), figures__gt=0)
              .annotate(period=F("year") * 4 + F("quarter") - 1).filter(period__lte=last.index)
              .aggregate(open=Min("period", filter=~Q(status=FigureStatus.APPROVED)),
                         approved=Max("period", filter=Q(status=FigureStatus.APPROVED))))
    earliest_open = Quarter.from_index(bounds["open"]) if bounds["open"] is not None else None
    latest_approved = Quarter.from_index(bounds["approved"]) if bounds["approved"] is not None else None
    # Every quarter the period may turn out to be, so that its standing is there for the inbox.
    looked_at = {last, *also} | {q for q in (earliest_open, latest_approved) if q is not None}
    if latest_approved is not None and latest_approved < last:
        looked_at.add(latest_approved.next)
    standing = standings(clusters=clusters, quarters=looked_at, today=today)
    if earliest_open is not None:
        period = earliest_open
    elif latest_approved is None:
        period = last
    elif standing[latest_approved].fully_approved:
        period = min(latest_approved.next, last)
    else:
        period = latest_approved
    return ReportingState(period, last, standing)


def reporting_period(*, user: User, today: date | None = None) -> Quarter:
    """The quarter the reporting screens open at for `user` (module docstring). Three queries."""
    return reporting_state(user=user, today=today).period
