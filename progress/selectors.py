"""Reads of the roll-up tables, scoped through the one permission layer and flagged when pending."""
from django.db.models import Case, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, When

from clusters.models import Cluster
from core.periods import PLAN_YEAR
from org.models import Region, User

from .models import Progress, RollupMark, Scope

_PENDING = RollupMark.objects.filter(version__gt=F("done_version"), year=OuterRef("year"))


def with_pending(queryset: QuerySet[Progress]) -> QuerySet[Progress]:
    """Annotate `pending`: a cluster-year under this row has changed since it was rolled up."""
    return queryset.annotate(pending=Case(
        When(scope=Scope.CLUSTER, then=Exists(_PENDING.filter(cluster_id=OuterRef("scope_id")))),
        When(scope=Scope.REGION, then=Exists(_PENDING.filter(cluster__regions=OuterRef("scope_id")))),
        When(scope=Scope.DEPARTMENT,
             then=Exists(_PENDING.filter(cluster__responsible_department=OuterRef("scope_id")))),
        default=Exists(_PENDING),
    ))


def visible_progress(user: User) -> QuerySet[Progress]:
    """Progress rows `user` may read: the city's totals for everybody signed in; cluster rows of the
    clusters it may view; region rows of regions where it views a cluster or that it governs; its own
    department's rows. Planners and city-wide API clients read everything."""
    rows = Progress.objects.all()
    if not (user.is_authenticated and user.is_active):
        return rows.none()
    if user.sees_everything:
        return rows
    clusters = Cluster.objects.visible_to(user).values("pk")
    regions = Region.objects.filter(Q(clusters__in=clusters) | Q(departments=user.department_id)).values("pk")
    return rows.filter(
        Q(scope=Scope.CITY)
        | Q(scope=Scope.CLUSTER, scope_id__in=clusters)
        | Q(scope=Scope.REGION, scope_id__in=regions)
        | Q(scope=Scope.DEPARTMENT, scope_id=user.department_id or 0)
    )


def latest_cluster_quarters(cluster_ids: list[int]) -> dict[int, Progress]:
    """Each cluster's latest rolled-up quarter, with `pending`. One query.

    Driven from the clusters: one index lookup (newest first, LIMIT 1) per cluster on the
    (scope, scope_id, year, quarter) unique index, instead of a max() per candidate row.
    """
    newest = (Progress.objects.filter(scope=Scope.CLUSTER, scope_id=OuterRef("pk"), quarter__gt=0)
              .order_by("-year", "-quarter").values("pk")[:1])
    latest_ids = Cluster.objects.filter(pk__in=cluster_ids).annotate(latest=Subquery(newest)).values("latest")
    return {row.scope_id: row for row in with_pending(Progress.objects.filter(pk__in=latest_ids))}


def pending_clusters(cluster_ids: list[int]) -> set[int]:
    """Clusters with any change not yet rolled up (any year). One query."""
    return set(RollupMark.objects.filter(cluster_id__in=cluster_ids, version__gt=F("done_version"))
               .values_list("cluster_id", flat=True))


def latest_period() -> tuple[int, int]:
    """The latest (year, quarter) the city roll-up holds; the plan's first quarter when empty. Two queries."""
    year = Progress.objects.filter(scope=Scope.CITY, quarter__gt=0).aggregate(year=Max("year"))["year"]
    if year is None:
        return PLAN_YEAR, 1
    quarter = Progress.objects.filter(scope=Scope.CITY, year=year, quarter__gt=0).aggregate(q=Max("quarter"))["q"]
    return year, quarter
