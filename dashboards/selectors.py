"""The numbers every dashboard draws, read in a fixed number of queries whatever the data size.

Approved numbers come from the roll-up tables (`progress.Progress`), the same rows the API's
/api/v1/progress/ serves, so a chart and an API client always agree. With "including unapproved"
the cluster values are summed straight from the quarterly figures that are approved or submitted
(awaiting review), in one GROUP BY; drafts and returned figures never count.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from clusters.choices import COUNTED_WITH_UNAPPROVED, FigureSource
from clusters.models import Cluster, QuarterlyFigure, StageGoal
from org.models import User
from progress.models import Progress, Scope
from progress.selectors import latest_cluster_quarters, pending_clusters


@dataclass(frozen=True)
class Value:
    """One scope's output for one period, and whether demo rows fed it."""

    value: Decimal
    demo: bool = False


# (scope_id, year, quarter) → Value; quarter 0 is the whole year.
Values = dict[tuple[int, int, int], Value]


def progress_values(*, scope: str, scope_ids: Iterable[int] | None, years: Iterable[int]) -> Values:
    """Roll-up rows of one scope (approved figures only), quarters and whole years. One query."""
    rows = Progress.objects.filter(scope=scope, year__in=list(years))
    if scope_ids is not None:
        rows = rows.filter(scope_id__in=list(scope_ids))
    return {(r.scope_id, r.year, r.quarter): Value(r.value, bool(r.demo_units))
            for r in rows.only("scope_id", "year", "quarter", "value", "demo_units")}


def cluster_values(*, cluster_ids: Iterable[int], years: Iterable[int], include_unapproved: bool) -> Values:
    """Each cluster's output per quarter and per year (quarter 0). One query either way."""
    cluster_ids, years = list(cluster_ids), list(years)
    if not include_unapproved:
        return progress_values(scope=Scope.CLUSTER, scope_ids=cluster_ids, years=years)
    rows = (QuarterlyFigure.objects
            .filter(cluster_id__in=cluster_ids, year__in=years, status__in=COUNTED_WITH_UNAPPROVED)
            .values("cluster_id", "year", "quarter")
            .annotate(total=Sum("output_value"), demo=Count("pk", filter=Q(source=FigureSource.DEMO))))
    values: Values = {}
    for row in rows:
        values[(row["cluster_id"], row["year"], row["quarter"])] = Value(row["total"], row["demo"] > 0)
        year_key = (row["cluster_id"], row["year"], 0)
        so_far = values.get(year_key, Value(Decimal(0)))
        values[year_key] = Value(so_far.value + row["total"], so_far.demo or row["demo"] > 0)
    return values


@dataclass(frozen=True)
class ClusterRow:
    cluster: Cluster
    latest: Progress | None
    pending: bool


def cluster_overview(*, user: User) -> list[ClusterRow]:
    """The clusters `user` may see, with department, regions, goals, latest rolled-up quarter and
    whether a roll-up is pending. Five queries, whatever the number of clusters or figures."""
    clusters = list(
        Cluster.objects.visible_to(user)
        .select_related("responsible_department")
        .prefetch_related("regions", Prefetch("goals", queryset=StageGoal.objects.order_by("stage", "deadline_year")))
        .order_by("level", "code")
    )
    ids = [c.pk for c in clusters]
    latest = latest_cluster_quarters(ids)
    pending = pending_clusters(ids)
    return [ClusterRow(cluster=c, latest=latest.get(c.pk), pending=c.pk in pending) for c in clusters]
