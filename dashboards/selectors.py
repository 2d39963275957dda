"""Reads of the dashboard pages that are not numbers of their own: which clusters a page lists, with their
latest rolled-up quarter. Every sum, year to date, growth and share is progress's (progress.selectors).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from clusters.models import Cluster, StageGoal
from org.models import User
from progress.models import Progress
from progress.selectors import latest_cluster_quarters, pending_clusters


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
