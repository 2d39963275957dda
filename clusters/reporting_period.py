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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, QuerySet
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


def _bounds(clusters: QuerySet[Cluster], last: Quarter) -> tuple[Quarter | None, Quarter | None]:
    """The earliest quarter up to `last` holding a figure of `clusters` that is not approved, and the latest
    holding an approved one. One query of two index walks that stop at their first row of those clusters with
    figures (the figure tally's partial indexes `figure_tally_open` and `figure_tally_approved`), not an
    aggregate over every tally row: the tally is rewritten on every figure write, its heap is as large as those
    writes left it."""
    tally = FigureTally.objects.filter(cluster_id__in=clusters.order_by().values("pk"), figures__gt=0,
                                       year__lte=last.year).annotate(period=F("year") * 4 + F("quarter") - 1)
    tally = tally.filter(period__lte=last.index).values("period")
    first_open = tally.exclude(status=FigureStatus.APPROVED).order_by("year", "quarter")[:1]
    last_approved = tally.filter(status=FigureStatus.APPROVED).order_by("-year", "-quarter")[:1]
    try:
        open_sql, open_params = first_open.query.sql_with_params()
        approved_sql, approved_params = last_approved.query.sql_with_params()
    except EmptyResultSet:  # clusters that can hold nothing (a user who sees none): no figure, no bound
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({open_sql}), ({approved_sql})", [*open_params, *approved_params])
        indexes = cursor.fetchone()
    return tuple(Quarter.from_index(index) if index is not None else None for index in indexes)


def _period(earliest_open: Quarter | None, latest_approved: Quarter | None, last: Quarter,
            fully_approved: Callable[[Quarter], bool]) -> Quarter:
    """The rule of the module docstring, given the bounds; `fully_approved(quarter)` is asked of the latest
    approved quarter only, and only when no quarter is open."""
    if earliest_open is not None:
        return earliest_open
    if latest_approved is None:
        return last
    return min(latest_approved.next, last) if fully_approved(latest_approved) else latest_approved


def reporting_state(*, user: User, today: date | None = None, also: Iterable[Quarter] = ()) -> ReportingState:
    """The reporting period of `user` on `today` (module docstring), with the standings of the quarters it
    looked at plus `also` (counts, not units: `clusters.completeness`). Three queries, whatever the data."""
    today = today or timezone.localdate()
    last = Quarter.last_ended(today)
    clusters = reporting_clusters(user)
    earliest_open, latest_approved = _bounds(clusters, last)
    # Every quarter the period may turn out to be, so that its standing is there for the inbox.
    looked_at = {last, *also} | {q for q in (earliest_open, latest_approved) if q is not None}
    if latest_approved is not None and latest_approved < last:
        looked_at.add(latest_approved.next)
    standing = standings(clusters=clusters, quarters=looked_at, today=today)
    period = _period(earliest_open, latest_approved, last, lambda quarter: standing[quarter].fully_approved)
    return ReportingState(period, last, standing)


def reporting_period(*, user: User, today: date | None = None) -> Quarter:
    """The quarter the reporting screens open at for `user` (module docstring). One query while a quarter is
    open (figures in draft, submitted or returned), else three: the standing of the latest approved quarter
    decides whether it is complete."""
    today = today or timezone.localdate()
    last = Quarter.last_ended(today)
    clusters = reporting_clusters(user)
    earliest_open, latest_approved = _bounds(clusters, last)
    return _period(earliest_open, latest_approved, last, lambda quarter: standings(
        clusters=clusters, quarters=[quarter], today=today)[quarter].fully_approved)
