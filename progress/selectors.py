"""Reads of the roll-up tables, scoped through the one permission layer and flagged when pending, and every
other number a page shows that is a sum, a year to date, a growth rate or a share: the dashboards read
these and compute none themselves.

Approved numbers are the roll-up's rows (`Progress`, what /api/v1/progress/ serves). "Including unapproved"
numbers (approved and submitted figures) are not stored: `cluster_values` computes them in one statement
with the roll-up's own definitions (progress.rollup): a quarter's year to date sums quarters 1..q of its
year, the year (quarter 0) sums its quarters, growth is the year to date against the same period last year.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, When

from clusters.choices import COUNTED_WITH_UNAPPROVED, FigureSource, FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure, quarter_index
from core import access
from core.periods import PLAN_YEAR, Quarter
from org.models import Department, Region, User

from .models import GROWTH_DIGITS, VALUE_DIGITS, Progress, RollupMark, Scope

_VALUE_PLACES = Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"])
_GROWTH_PLACES = Decimal(1).scaleb(-GROWTH_DIGITS["decimal_places"])

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


# --- cluster values: approved (the roll-up's rows) or including unapproved ------------------------------

@dataclass(frozen=True)
class Value:
    """One scope's output for one period (quarter 0: the whole year): the value, the year to date, the
    year-to-date growth on the same period last year (a ratio; None without last year), demo rows or not."""

    value: Decimal
    ytd_value: Decimal
    ytd_growth: Decimal | None = None
    demo: bool = False


# (scope_id, year, quarter) → Value; quarter 0 is the whole year.
Values = dict[tuple[int, int, int], Value]


def progress_values(*, scope: str, scope_ids: Iterable[int] | None, years: Iterable[int]) -> Values:
    """Roll-up rows of one scope (approved figures only), quarters and whole years. One query."""
    rows = Progress.objects.filter(scope=scope, year__in=list(years))
    if scope_ids is not None:
        rows = rows.filter(scope_id__in=list(scope_ids))
    # Tuples, not model instances: a province's overview reads 2,000 such rows, and building a model for each
    # was the largest part of its Python time.
    columns = ("scope_id", "year", "quarter", "value", "ytd_value", "ytd_yoy_growth", "demo_units")
    return {(scope_id, year, quarter): Value(value, ytd, growth, bool(demo))
            for scope_id, year, quarter, value, ytd, growth, demo in rows.values_list(*columns)}


def cluster_values(*, cluster_ids: Iterable[int], years: Iterable[int], include_unapproved: bool) -> Values:
    """Each cluster's output per quarter and per year (quarter 0). One query either way."""
    cluster_ids, years = list(cluster_ids), list(years)
    if not include_unapproved:
        return progress_values(scope=Scope.CLUSTER, scope_ids=cluster_ids, years=years)
    return _provisional_cluster_values(cluster_ids, years)


def _in(values: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _decimal(value: object, places: Decimal) -> Decimal | None:
    """A number read by raw SQL (a float on SQLite) as the Decimal the roll-up would have stored."""
    if value is None:
        return None
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(places, ROUND_HALF_UP)


def _provisional_cluster_values(cluster_ids: list[int], years: list[int]) -> Values:
    """Approved and submitted figures (drafts and returned ones never count), with the roll-up's definitions.
    Last year's rows are read too, for the growth. One statement."""
    if not cluster_ids or not years:
        return {}
    read_years = sorted({y for year in years for y in (year - 1, year)})
    figures = connection.ops.quote_name(QuarterlyFigure._meta.db_table)
    # Only the table name is interpolated; every value is a parameter.
    sql = f"""
        WITH quarters AS (
            SELECT f.cluster_id, f.year, f.quarter, SUM(f.output_value) AS value,
                   SUM(SUM(f.output_value)) OVER (PARTITION BY f.cluster_id, f.year ORDER BY f.quarter) AS ytd,
                   SUM(CASE WHEN f.source = %s THEN 1 ELSE 0 END) AS demo_units
            FROM {figures} f
            WHERE f.status IN ({_in(COUNTED_WITH_UNAPPROVED)}) AND f.cluster_id IN ({_in(cluster_ids)})
              AND f.year IN ({_in(read_years)})
            GROUP BY f.cluster_id, f.year, f.quarter
        ), periods AS (
            SELECT cluster_id, year, quarter, value, ytd, demo_units FROM quarters
            UNION ALL
            SELECT cluster_id, year, 0, SUM(value), SUM(value), SUM(demo_units) FROM quarters GROUP BY cluster_id, year
        )
        SELECT p.cluster_id, p.year, p.quarter, p.value, p.ytd, p.demo_units,
               CASE WHEN last.ytd > 0 THEN (p.ytd - last.ytd) * 1.0 / last.ytd END
        FROM periods p LEFT JOIN periods last
          ON last.cluster_id = p.cluster_id AND last.year = p.year - 1 AND last.quarter = p.quarter
        WHERE p.year IN ({_in(years)})
    """  # noqa: S608
    params = [FigureSource.DEMO.value, *COUNTED_WITH_UNAPPROVED, *cluster_ids, *read_years, *years]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(cluster_id, year, quarter): Value(_decimal(value, _VALUE_PLACES), _decimal(ytd, _VALUE_PLACES),
                                               _decimal(growth, _GROWTH_PLACES), bool(demo))
            for cluster_id, year, quarter, value, ytd, demo, growth in rows}


def year_so_far(values: Values, scope_id: int, year: int, quarter: int) -> Value | None:
    """The year to date as of `quarter`: the latest quarter up to it that has a value (None before any)."""
    return next((values[(scope_id, year, q)] for q in range(quarter, 0, -1) if (scope_id, year, q) in values), None)


# --- other sums a page shows ------------------------------------------------------------------------------

def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """`part` as a ratio of `whole` (0.25 = a quarter of it), unrounded; None when either is missing or zero."""
    if part is None or not whole:
        return None
    return Decimal(part) / whole


def running_totals(amounts: Sequence[Decimal | None]) -> list[Decimal]:
    """The running total after each amount (a missing amount adds nothing)."""
    totals, total = [], Decimal(0)
    for amount in amounts:
        total += amount or 0
        totals.append(total)
    return totals


def quarter_sums(amounts: Iterable[tuple[Quarter, Decimal]], quarters: Sequence[Quarter]) -> list[Decimal]:
    """Σ of the amounts that fall in each of `quarters` (zero for a quarter without any)."""
    sums = dict.fromkeys(quarters, Decimal(0))
    for quarter, amount in amounts:
        sums[quarter] += amount
    return [sums[quarter] for quarter in quarters]


@dataclass(frozen=True)
class EnterpriseOutputs:
    """A cluster's enterprises with their output over a period (`output`, None without a figure) and their share of
    all of the enterprises' output (`share`, a ratio), largest first: the first `limit` of them (`rows`), and what all
    of them hold (`count` enterprises, `total` output, `demo`: whether demo figures are summed in it)."""

    rows: list[Enterprise]
    count: int
    total: Decimal
    demo: bool

    @property
    def left_out(self) -> int:
        return self.count - len(self.rows)

    @property
    def rest(self) -> Decimal:
        """The output of the enterprises not in `rows`."""
        return self.total - sum((e.output or Decimal(0) for e in self.rows), Decimal(0))


def enterprise_outputs(enterprises: QuerySet[Enterprise], *, cluster: Cluster, year: int, quarter: int,
                       include_unapproved: bool, limit: int | None = None) -> EnterpriseOutputs:
    """The cluster's `enterprises` by the output of the cluster's figures from the year's first quarter to
    `quarter`, largest first (then leading ones, then by name); all of them, or the first `limit`.

    Read from the figures' side: the cluster's figures of the period (figure_cluster_qindex) summed per enterprise,
    the largest `limit` sums, then those enterprises by key. A cluster of thousands of enterprises loads the rows
    shown, and no query reads the enterprises' rows to pick them (PostgreSQL would scan the table for a thousand
    rows scattered in it). Two queries when fewer than `limit` enterprises have output (then every sum is at hand),
    four otherwise (the total and the count read apart)."""
    statuses = COUNTED_WITH_UNAPPROVED if include_unapproved else (FigureStatus.APPROVED,)
    listed = enterprises.filter(cluster=cluster)
    figures = (QuarterlyFigure.objects.annotate(period=quarter_index())
               .filter(cluster=cluster, period__gte=Quarter(year, 1).index, period__lte=Quarter(year, quarter).index,
                       status__in=statuses, enterprise__in=listed.values("pk"))
               .order_by())
    demo_figures = Count("pk", filter=Q(source=FigureSource.DEMO))
    sums = (figures.values("enterprise").annotate(output=Sum("output_value"), demo=demo_figures)
            .order_by("-output", "enterprise").values_list("enterprise", "output", "demo"))
    top = list(sums if limit is None else sums[:limit])
    outputs = {pk: _decimal(output, _VALUE_PLACES) for pk, output, _demo in top}
    if limit is None or len(top) < limit:  # every enterprise with output is in `top`: those first, then the others
        total, demo = sum(outputs.values(), Decimal(0)), any(count for *_sum, count in top)
        ordered = listed.order_by(Case(When(pk__in=list(outputs), then=0), default=1), "-is_leading", "name", "pk")
        rows = list(ordered if limit is None else ordered[:limit])
        count = len(rows) if limit is None or len(rows) < limit else listed.count()
    else:
        rows = list(listed.filter(pk__in=list(outputs)).order_by("-is_leading", "name", "pk"))
        totals = figures.aggregate(total=Sum("output_value"), demo=demo_figures)
        total, demo = _decimal(totals["total"], _VALUE_PLACES) or Decimal(0), bool(totals["demo"])
        count = listed.count()
    for enterprise in rows:
        enterprise.output = outputs.get(enterprise.pk)
        enterprise.share = share(enterprise.output, total) if enterprise.output else None
    rows.sort(key=lambda e: (e.output is None, -(e.output or 0)))  # stable: leading, then name, among equals
    return EnterpriseOutputs(rows=rows, count=count, total=total, demo=demo)


def inflows_year_to_date(inflows: QuerySet, *, year: int) -> dict[tuple[str, int], tuple[Decimal, Decimal]]:
    """(origin, quarter) → (received in the quarter, received in the year so far), summed over `inflows` (e.g.
    the rows of the regions a user may see). One query."""
    rows = (inflows.filter(year=year).order_by().values("origin", "quarter").annotate(total=Sum("amount")))
    by_origin: dict[str, dict[int, Decimal]] = {}
    for row in rows:
        by_origin.setdefault(row["origin"], {})[row["quarter"]] = row["total"]
    result = {}
    for origin, quarters in by_origin.items():
        ordered = sorted(quarters)
        for q, total in zip(ordered, running_totals([quarters[q] for q in ordered]), strict=True):
            result[(origin, q)] = (quarters[q], total)
    return result


def provisional_year_to_date(*, user: User, year: int, quarter: int,
                             cluster_ids: list[int]) -> tuple[dict, dict]:
    """The map's "including unapproved" numbers: from approved + submitted figures, per region and per cluster,
    scope id → (Value(year to date), last year's year to date, growth). Regions only where the user may read the
    region's roll-up rows. Two queries."""
    figures = QuarterlyFigure.objects.filter(cluster_id__in=cluster_ids, year__in=[year, year - 1],
                                             quarter__lte=quarter, status__in=COUNTED_WITH_UNAPPROVED)
    demo = Count("pk", filter=Q(source=FigureSource.DEMO))
    by_region = figures  # clusters without a region group under None, which no region row takes
    if not access.may(user, "view-all"):  # the regions whose roll-up rows the user may read (visible_progress)
        by_region = figures.filter(
            cluster__regions__in=visible_progress(user).filter(scope=Scope.REGION).values("scope_id"))
    result = []
    for key, rows in (("cluster__regions", by_region), ("cluster_id", figures)):
        sums: dict[int, dict[int, tuple[Decimal, bool]]] = {}
        for row in rows.values(key, "year").annotate(total=Sum("output_value"), demo=demo).order_by():
            sums.setdefault(row[key], {})[row["year"]] = (row["total"], row["demo"] > 0)
        values = {}
        for scope_id, years in sums.items():
            if year not in years:
                continue
            total, is_demo = years[year]
            before = years.get(year - 1, (None, False))[0]
            growth = (total / before - 1) if before else None
            values[scope_id] = (Value(total, total, growth, is_demo), before, growth)
        result.append(values)
    return result[0], result[1]
