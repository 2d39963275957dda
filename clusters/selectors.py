"""Reads of clusters for pages and the API; each states its queries."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, Max, OuterRef, Prefetch, Subquery, Sum, When

from org.models import User

from .choices import FigureSource, FigureStatus
from .models import Cluster, QuarterlyFigure, StageGoal


@dataclass(frozen=True)
class LatestFigure:
    year: int
    quarter: int
    output_value: Decimal
    is_demo: bool


@dataclass(frozen=True)
class ClusterRow:
    cluster: Cluster
    latest: LatestFigure | None


def latest_approved_outputs(cluster_ids: list[int]) -> dict[int, LatestFigure]:
    """Each cluster's latest quarter with approved figures, summed over its reporting units. One query."""
    approved = QuarterlyFigure.objects.filter(status=FigureStatus.APPROVED).annotate(
        period=F("year") * 4 + F("quarter")
    )
    latest_period = (
        approved.filter(cluster_id=OuterRef("cluster_id")).values("cluster_id").annotate(last=Max("period"))
        .values("last")
    )
    grouped = (
        approved.filter(cluster_id__in=cluster_ids, period=Subquery(latest_period))
        .values("cluster_id", "year", "quarter")
        .annotate(total=Sum("output_value"), demo=Max(Case(When(source=FigureSource.DEMO, then=1), default=0)))
    )
    return {
        row["cluster_id"]: LatestFigure(row["year"], row["quarter"], row["total"], bool(row["demo"]))
        for row in grouped
    }


def cluster_overview(*, user: User) -> list[ClusterRow]:
    """The clusters `user` may see, with department, regions, goals and latest approved output. Four queries."""
    clusters = list(
        Cluster.objects.visible_to(user)
        .select_related("responsible_department")
        .prefetch_related("regions", Prefetch("goals", queryset=StageGoal.objects.order_by("stage", "deadline_year")))
        .order_by("level", "code")
    )
    latest = latest_approved_outputs([c.pk for c in clusters])
    return [ClusterRow(cluster=c, latest=latest.get(c.pk)) for c in clusters]
