"""Completeness and timeliness: where the reporting units stand for a quarter, counted in the database.

A quarter's reporting units follow the rule of `clusters.selectors.reporting_units`, written here in SQL
(`_UNIT_MODES`): a cluster reports by its enterprises when its latest figure up to that quarter was an
enterprise's, as a whole when it was the cluster's own, and, with no figure yet, by enterprise if it has any.

`standings` counts the units of each quarter per department (and per cluster when asked) by standing: one
query for the counts and one for the departments, and rows bounded by departments (clusters) × quarters,
whatever the number of enterprises and figures. `Completeness.units` lists the units themselves (units LEFT
JOIN figures, so the missing ones too), filtered, ordered and paged in SQL, for what names them: the
completeness page 100 at a time, its export streamed, the reminders a few and "N more".

The SQL runs on PostgreSQL and on SQLite (a bare machine's database). Where PostgreSQL needs a LATERAL join to
read from indexes alone (docs/performance.md) SQLite, which has none, gets the same rows by a plain join
(`_lateral`); the rest is written in what both understand.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import in_language
from core.periods import Quarter
from org.models import Department, User

from .choices import FigureStatus
from .models import Cluster, Enterprise, EnterpriseTally, FigureTally, QuarterlyFigure
from .services import UnitKey

CLUSTER, ENTERPRISE, FIGURE, TALLY, ENTERPRISES = (
    m._meta.db_table for m in (Cluster, Enterprise, QuarterlyFigure, FigureTally, EnterpriseTally))
DEPARTMENT = Department._meta.db_table


def _lateral() -> bool:
    """Whether the database joins LATERAL and materializes a CTE when told (PostgreSQL; SQLite does not)."""
    return connection.vendor == "postgresql"


def _in(values: Sequence) -> str:
    """`IN (%s, …)` for `values` (ANY(array) is PostgreSQL's alone)."""
    return f"IN ({', '.join(['%s'] * len(values))})"


class Standing:
    """Where a reporting unit stands for a quarter."""

    MISSING, DRAFT, RETURNED, SUBMITTED, APPROVED = "missing", "draft", "returned", "submitted", "approved"
    NOT_SUBMITTED = (MISSING, DRAFT, RETURNED)
    ALL = (MISSING, DRAFT, RETURNED, SUBMITTED, APPROVED)  # least advanced first
    OPEN = (MISSING, DRAFT, RETURNED, SUBMITTED)


@dataclass
class Counts:
    """How many reporting units stand where; `late`: the quarter's deadline has passed."""

    units: int = 0
    draft: int = 0
    returned: int = 0
    submitted: int = 0
    approved: int = 0
    late: bool = False

    @property
    def missing(self) -> int:
        return self.units - self.draft - self.returned - self.submitted - self.approved

    @property
    def not_submitted(self) -> int:
        return self.missing + self.draft + self.returned

    @property
    def awaiting_review(self) -> int:
        return self.submitted

    @property
    def open(self) -> int:
        """Not approved."""
        return self.units - self.approved

    @property
    def overdue(self) -> int:
        return self.not_submitted if self.late else 0

    @property
    def least_advanced(self) -> str:
        """The least advanced standing of its units (missing when it has none)."""
        counts = dict(zip(Standing.ALL, (self.missing, self.draft, self.returned, self.submitted, self.approved),
                          strict=True))
        return next((s for s in Standing.ALL if counts[s]), Standing.MISSING)

    def add(self, other: Counts) -> None:
        for name in ("units", "draft", "returned", "submitted", "approved"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(kw_only=True)
class DepartmentSummary(Counts):
    department: Department


@dataclass(frozen=True)
class UnitRow:
    """One reporting unit as a list shows it (a row of SQL, no model instance)."""

    cluster_id: int
    cluster: str
    enterprise_id: int | None
    enterprise: str | None
    department: str
    figure_id: int | None
    standing: str
    overdue: bool

    @property
    def key(self) -> str:
        return str(UnitKey.of(self.cluster_id, self.enterprise_id))

    @property
    def status_label(self) -> str:
        return FigureStatus(self.standing).label if self.figure_id else _("not entered")

    def __str__(self) -> str:
        return f"{self.cluster} · {self.enterprise}" if self.enterprise_id else self.cluster


def _unit_modes(clusters: QuerySet[Cluster], quarters: Sequence[Quarter]) -> tuple[str, list]:
    """The CTEs `q` (the quarters), `c` (the clusters) and `m` (cluster × quarter → by_enterprise): the
    by-enterprise rule of the module docstring. The latest figure is one backward step of the index on
    (cluster, `quarter_index`) per cluster and quarter (`figure_cluster_qindex`: the expression, written as
    the index has it, is what keeps PostgreSQL from walking a (year, quarter) index instead)."""
    try:
        cluster_sql, cluster_params = clusters.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a set that can hold nothing (e.g. `pk__in=[]`: a user who sees no cluster)
        cluster_sql, cluster_params = "SELECT CAST(NULL AS INTEGER) WHERE 1 = 0", ()
    values = ", ".join(["(CAST(%s AS INTEGER), CAST(%s AS INTEGER))"] * len(quarters))
    # Computed once per row: PostgreSQL inlines a CTE read once, and then evaluates the lookups for every use of
    # `by_enterprise` (the join condition and the select: three times a row, 6 → 3.5 ms for 216 clusters).
    # SQLite knows the keyword from 3.35 only (a bare machine may have an older one).
    materialized = "MATERIALIZED" if _lateral() else ""
    sql = f"""
    q (year, quarter) AS (VALUES {values}),
    c AS (SELECT id, responsible_department_id AS department_id FROM {CLUSTER} WHERE id IN ({cluster_sql})),
    m AS {materialized} (
        SELECT c.id AS cluster_id, c.department_id, q.year, q.quarter, COALESCE(
            (SELECT f.enterprise_id IS NOT NULL FROM {FIGURE} f
              WHERE f.cluster_id = c.id AND f.year * 4 + f.quarter - 1 <= q.year * 4 + q.quarter - 1
              ORDER BY f.year * 4 + f.quarter - 1 DESC LIMIT 1),
            EXISTS (SELECT 1 FROM {ENTERPRISE} e WHERE e.cluster_id = c.id)) AS by_enterprise
        FROM c CROSS JOIN q)"""  # noqa: S608 (table names from the models, values as parameters)
    return sql, [n for quarter in quarters for n in (quarter.year, quarter.quarter)] + list(cluster_params)


_STATUSES = (FigureStatus.DRAFT, FigureStatus.RETURNED, FigureStatus.SUBMITTED, FigureStatus.APPROVED)


def _counts(clusters: QuerySet[Cluster], quarters: Sequence[Quarter], by_cluster: bool) -> list[tuple]:
    """(year, quarter, department, cluster or None, units, draft, returned, submitted, approved) per quarter ×
    department (× cluster). Units are the enterprises of a cluster reporting by enterprise (counted per
    cluster), else the cluster; figures are counted by status where they match the quarter's mode. One query.

    The figures are not read: their counts are the figure tally's (`clusters.tally`, kept by triggers: those
    that belong to their cluster), a few rows per cluster and quarter, whatever the number of enterprises; the
    enterprises of a cluster are the enterprise tally's count."""
    modes, params = _unit_modes(clusters, quarters)
    cluster = "m.cluster_id" if by_cluster else "CAST(NULL AS INTEGER)"
    sums = ", ".join(f"SUM(CASE WHEN t.status = %s THEN t.figures ELSE 0 END) AS {s}" for s in _STATUSES)
    sql = f"""
    WITH {modes},
    e AS (SELECT cluster_id, enterprises AS n FROM {ENTERPRISES} WHERE cluster_id IN (SELECT id FROM c)),
    f AS (SELECT t.cluster_id, t.year, t.quarter, t.by_enterprise, {sums}
          FROM q JOIN {TALLY} t ON t.year = q.year AND t.quarter = q.quarter
          WHERE t.cluster_id IN (SELECT id FROM c) AND t.belongs = %s GROUP BY 1, 2, 3, 4)
    SELECT m.year, m.quarter, m.department_id, {cluster},
           SUM(CASE WHEN m.by_enterprise THEN COALESCE(e.n, 0) ELSE 1 END),
           {", ".join(f"SUM(COALESCE(f.{s}, 0))" for s in _STATUSES)}
    FROM m LEFT JOIN e ON e.cluster_id = m.cluster_id
    LEFT JOIN f ON f.cluster_id = m.cluster_id AND f.year = m.year AND f.quarter = m.quarter
                   AND f.by_enterprise = m.by_enterprise
    GROUP BY 1, 2, 3, 4"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *_STATUSES, True])
        return cursor.fetchall()


@dataclass
class Completeness:
    """A quarter's standing of the reporting units of `clusters`: counts per department (`departments`,
    most overdue first) and, when asked for, per cluster (`by_cluster`: cluster id → counts); `units` lists
    the units themselves."""

    quarter: Quarter
    deadline: date
    overdue: bool
    departments: list[DepartmentSummary]
    clusters: QuerySet[Cluster]
    by_cluster: dict[int, Counts] = field(default_factory=dict)

    @property
    def total(self) -> Counts:
        total = Counts(late=self.overdue)
        for summary in self.departments:
            total.add(summary)
        return total

    @property
    def fully_approved(self) -> bool:
        return not self.total.open

    def units(self, *, standings: Iterable[str] = Standing.ALL, department: int | None = None,
              cluster: int | None = None, search: str = "") -> UnitList:
        """The units in `standings` (of `department`, of `cluster`, whose cluster or enterprise name holds
        `search`), ordered by department, cluster and enterprise; lazy: count it, slice it or iterate it."""
        return UnitList(self, tuple(standings), department, cluster, search.strip())

    @property
    def not_submitted_units(self) -> UnitList:
        return self.units(standings=Standing.NOT_SUBMITTED)

    @property
    def awaiting_review_units(self) -> UnitList:
        return self.units(standings=[Standing.SUBMITTED])


def standings(*, clusters: QuerySet[Cluster], quarters: Iterable[Quarter], today: date | None = None,
              by_cluster: bool = False) -> dict[Quarter, Completeness]:
    """For each of `quarters`: how many reporting units of `clusters` stand where, per department (per cluster
    too with `by_cluster`); overdue when the deadline has passed and they have not submitted. Two queries,
    whatever the data and however many quarters."""
    today = today or timezone.localdate()
    quarters = sorted(set(quarters))
    if not quarters:
        return {}
    rows = _counts(clusters, quarters, by_cluster)
    departments = Department.objects.in_bulk({row[2] for row in rows})
    result = {q: Completeness(q, q.deadline, q.is_overdue(today), [], clusters) for q in quarters}
    summaries: dict[tuple, DepartmentSummary] = {}
    for year, number, department_id, cluster_id, *numbers in rows:
        standing = result[Quarter(year, number)]
        counts = Counts(*map(int, numbers), late=standing.overdue)
        if not counts.units:  # a cluster by enterprise that has none left: no unit to stand anywhere
            continue
        key = (standing.quarter, department_id)
        if key not in summaries:
            summaries[key] = DepartmentSummary(late=standing.overdue, department=departments[department_id])
            standing.departments.append(summaries[key])
        summaries[key].add(counts)
        if by_cluster:
            standing.by_cluster[cluster_id] = counts
    for standing in result.values():
        standing.departments.sort(key=lambda s: (-s.overdue, -s.not_submitted, s.department.code))
    return result


def completeness(*, user: User | None, quarter: Quarter, today: date | None = None,
                 clusters: QuerySet[Cluster] | None = None, by_cluster: bool = False) -> Completeness:
    """`standings` of one quarter for the clusters `user` may see (`clusters` narrows the set, e.g. to what
    one editor may edit). Two queries, whatever the data."""
    clusters = clusters if clusters is not None else Cluster.objects.visible_to(user)
    return standings(clusters=clusters, quarters=[quarter], today=today, by_cluster=by_cluster)[quarter]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class UnitList:
    """`Completeness.units`: a query over the quarter's units LEFT JOIN their figures, run when counted,
    sliced (LIMIT/OFFSET: what Django's Paginator does) or iterated (streamed from a server-side cursor)."""

    standing: Completeness
    standings: tuple[str, ...]
    department: int | None
    cluster: int | None
    search: str

    def _sql(self, select: str, tail: str = "") -> tuple[str, list]:
        """The query: each cluster's units (a lateral subquery) after the cluster's, so that a page in the
        list's order sorts the clusters and then only the units of the clusters it reaches (an incremental
        sort), not every unit of the quarter; the quarter joins the figures as a constant. The clusters `k`
        come sorted already (a few hundred rows): joined unsorted, PostgreSQL took the department order
        from the departments' index and sorted a whole department's units (66,000 at province: 0.15 s)."""
        modes, params = _unit_modes(self.standing.clusters, [self.standing.quarter])
        where, more = [f"COALESCE(u.status, 'missing') {_in(self.standings)}"], list(self.standings)
        if self.department is not None:
            where.append("k.department_id = %s")
            more.append(self.department)
        if self.cluster is not None:
            where.append("k.cluster_id = %s")
            more.append(self.cluster)
        if self.search:
            like = "ILIKE" if _lateral() else "LIKE"  # SQLite's LIKE ignores case (ASCII) already
            where.append(" OR ".join(f"{column} {like} %s ESCAPE '\\'"
                                     for column in ("k.cluster_zh", "k.cluster_en", "u.enterprise")).join("()"))
            more += [_like(self.search)] * 3
        sql = f"""
        WITH {modes}
        SELECT {select}
        FROM (SELECT m.cluster_id, m.department_id, m.by_enterprise, cl.name_zh AS cluster_zh,
                     cl.name_en AS cluster_en, cl.level, cl.code, d.code AS department_code,
                     d.name_zh AS department_zh, d.name_en AS department_en
              FROM m JOIN {CLUSTER} cl ON cl.id = m.cluster_id JOIN {DEPARTMENT} d ON d.id = m.department_id
              ORDER BY d.code, cl.level, cl.code) k
        {self._units()}
        WHERE {" AND ".join(where)} {tail}"""  # noqa: S608
        quarter = self.standing.quarter
        return sql, [*params, *(quarter.year, quarter.quarter) * 2, *more]

    @staticmethod
    def _units() -> str:
        """The join of each row of `m` to its units `u` (enterprise, figure, status), the quarter's year and
        quarter as parameters twice: a lateral subquery on PostgreSQL (`_sql`), a join to both kinds of unit
        elsewhere."""
        if not _lateral():
            return f"""JOIN (
            SELECT e.cluster_id, 1 AS by_enterprise, e.id AS enterprise_id, e.name AS enterprise, f.id AS figure_id,
                   f.status
            FROM {ENTERPRISE} e
            LEFT JOIN {FIGURE} f ON f.enterprise_id = e.id AND f.cluster_id = e.cluster_id AND f.year = %s
                                    AND f.quarter = %s
            WHERE e.cluster_id IN (SELECT id FROM c)
            UNION ALL
            SELECT c.id, 0, NULL, NULL, f.id, f.status
            FROM c LEFT JOIN {FIGURE} f ON f.cluster_id = c.id AND f.enterprise_id IS NULL AND f.year = %s
                                           AND f.quarter = %s
            ) u ON u.cluster_id = k.cluster_id AND u.by_enterprise = k.by_enterprise"""  # noqa: S608
        return f"""CROSS JOIN LATERAL (
            SELECT e.id AS enterprise_id, e.name AS enterprise, f.id AS figure_id, f.status
            FROM {ENTERPRISE} e
            LEFT JOIN {FIGURE} f ON f.enterprise_id = e.id AND f.cluster_id = e.cluster_id AND f.year = %s
                                    AND f.quarter = %s
            WHERE k.by_enterprise AND e.cluster_id = k.cluster_id
            UNION ALL
            SELECT NULL, NULL, f.id, f.status
            FROM (VALUES (1)) one (n)
            LEFT JOIN {FIGURE} f ON f.cluster_id = k.cluster_id AND f.enterprise_id IS NULL AND f.year = %s
                                    AND f.quarter = %s
            WHERE NOT k.by_enterprise) u"""  # noqa: S608

    def _counted(self) -> Counts | None:
        """What `standings` already counted of these units, where no name search narrows them: the total, a
        department's summary, or a cluster's counts when they were made per cluster."""
        if self.search:
            return None
        if self.cluster is not None:
            known = self.department is None and self.cluster in self.standing.by_cluster
            return self.standing.by_cluster[self.cluster] if known else None
        if self.department is not None:  # a department with no summary has no unit
            return next((s for s in self.standing.departments if s.department.pk == self.department), Counts())
        return self.standing.total

    def count(self) -> int:
        """From the counts already made when they say it (no query), else COUNT(*) over the units in SQL."""
        if (counts := self._counted()) is not None:
            return sum(getattr(counts, standing) for standing in self.standings)
        sql, params = self._sql("COUNT(*)")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    _COLUMNS = ("k.cluster_id, k.cluster_zh, k.cluster_en, u.enterprise_id, u.enterprise, k.department_zh, "
                "k.department_en, u.figure_id, COALESCE(u.status, 'missing')")
    _ORDER = "ORDER BY k.department_code, k.level, k.code, u.enterprise NULLS FIRST, u.enterprise_id"

    def _row(self, row: tuple) -> UnitRow:
        cluster_id, cluster_zh, cluster_en, enterprise_id, enterprise, dept_zh, dept_en, figure_id, standing = row
        return UnitRow(cluster_id, in_language(cluster_zh, cluster_en), enterprise_id, enterprise,
                       in_language(dept_zh, dept_en), figure_id, standing,
                       overdue=self.standing.overdue and standing in Standing.NOT_SUBMITTED)

    def __getitem__(self, page: slice) -> list[UnitRow]:
        start, stop = page.start or 0, page.stop
        if stop is None:  # LIMIT NULL is PostgreSQL's alone
            return list(itertools.islice(self, start, None))
        sql, params = self._sql(self._COLUMNS, f"{self._ORDER} LIMIT %s OFFSET %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, stop - start, start])
            return [self._row(row) for row in cursor.fetchall()]

    def __iter__(self) -> Iterator[UnitRow]:
        sql, params = self._sql(self._COLUMNS, self._ORDER)
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor:
                yield self._row(row)

    def first(self, n: int) -> tuple[list[UnitRow], int]:
        """The first `n` units and how many more there are (two queries)."""
        rows = self[:n]
        return rows, (self.count() - len(rows) if len(rows) == n else 0)
