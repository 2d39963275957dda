"""Reads of the dashboard pages that are not numbers of their own: which clusters a page lists, with their
latest rolled-up quarter. Every sum, year to date, growth and share is progress's (progress.selectors).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
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


CLUSTERS_PER_PAGE = 50


def cluster_overview(*, user: User, page: int | str | None = None) -> tuple[list[ClusterRow], Page | None]:
    """The clusters `user` may see, with department, regions, goals, latest rolled-up quarter and whether a
    roll-up is pending: those of one `page` (CLUSTERS_PER_PAGE a page, with the page; one query more, its
    count), or all of them without one (an export; no page). Five queries, whatever the number of clusters or
    figures."""
    goals = StageGoal.objects.order_by("stage", "deadline_year")
    clusters = (Cluster.objects.visible_to(user).order_by("level", "code").select_related("responsible_department")
                .prefetch_related("regions", Prefetch("goals", queryset=goals)))
    shown = None if page is None else Paginator(clusters, CLUSTERS_PER_PAGE).get_page(page)
    clusters = list(clusters if shown is None else shown.object_list)
    ids = [c.pk for c in clusters]
    latest = latest_cluster_quarters(ids)
    pending = pending_clusters(ids)
    return [ClusterRow(cluster=c, latest=latest.get(c.pk), pending=c.pk in pending) for c in clusters], shown
