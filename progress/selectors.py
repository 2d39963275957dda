"""Reads of the roll-up tables, scoped through the one permission layer and flagged when pending."""
from django.db.models import Case, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, When

from clusters.models import Cluster
from core import access
from core.periods import PLAN_YEAR
from org.models import Department, Region, User

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
    """Progress rows `user` may read, from the permission layer (`core.access`), since roll-up rows have no
    foreign keys of their own: the city's totals for everybody signed in; cluster rows of the clusters it
    may view; department rows of the departments whose dashboard it may open; region rows of regions where
    it views a cluster or that such a department governs. City-wide readers read everything."""
    rows = Progress.objects.all()
    if not access.may(user, "view", Progress):
        return rows.none()
    if access.may(user, "view-all"):
        return rows
    clusters = access.restrict(Cluster.objects.all(), user, "view").values("pk")
    departments = access.restrict(Department.objects.all(), user, "see-department").values("pk")
    regions = Region.objects.filter(Q(clusters__in=clusters) | Q(departments__in=departments)).values("pk")
    return rows.filter(
        Q(scope=Scope.CITY)
        | Q(scope=Scope.CLUSTER, scope_id__in=clusters)
        | Q(scope=Scope.REGION, scope_id__in=regions)
        | Q(scope=Scope.DEPARTMENT, scope_id__in=departments)
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
