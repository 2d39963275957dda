"""The roll-up as set-based SQL: a fixed handful of aggregate statements per run.

A roll-up computes, then swaps. `stage(years, touched)` computes the `Progress` rows of the given
years for the touched clusters (all of them, or a few) and the regions, departments and city they
belong to into a temporary table of the connection, reading figures and the stored rows but
writing nothing shared; `replace()` then deletes the old rows and inserts the staged ones with
their previous-year values and growth. A full run stages without any lock (the long part: every
figure is read) and swaps under the year locks in a short transaction; an incremental run does
both under the locks (`recompute`). See `progress.services`. The statement count is the same for
15 clusters or 200,000 enterprises.

Portable SQL: PostgreSQL and SQLite (≥ 3.25, window functions) run the same statements.
Rows with `quarter = 0` are whole years. A quarter's `ytd_value` sums quarters 1..q of its year;
`prev_*` are the same period one year earlier; growth is a ratio (0.25 = +25 %).
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from clusters.choices import FigureSource, FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from indicators.models import CityIndicator, IndicatorActual
from investment.models import InvestmentInflow, InvestmentTarget

from .models import IndicatorProgress, InflowProgress, Progress, Scope

P = Progress._meta.db_table
FIG = QuarterlyFigure._meta.db_table
FIG_HISTORY = QuarterlyFigure.history.model._meta.db_table
CLUSTER = Cluster._meta.db_table
CLUSTER_REGIONS = Cluster.regions.through._meta.db_table
INFLOW = InvestmentInflow._meta.db_table
TARGET = InvestmentTarget._meta.db_table
INFLOW_P = InflowProgress._meta.db_table
INDICATOR = CityIndicator._meta.db_table
ACTUAL = IndicatorActual._meta.db_table
INDICATOR_P = IndicatorProgress._meta.db_table

_COLUMNS = "scope, scope_id, year, quarter, value, ytd_value, units, demo_units, data_version, computed_at"
# The rows a roll-up computes before it swaps them into P: a temporary table of the connection (it would
# hide a table of the same name; Django never names one with a leading underscore).
STAGE = "_rollup_stage"


def _in(column: str, values: Iterable[int] | None) -> tuple[str, list[int]]:
    """`column IN (…)` with parameters; None means no filter."""
    if values is None:
        return "1=1", []
    values = list(values)
    if not values:
        return "1=0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


@dataclass(frozen=True)
class Touched:
    """The scopes a recompute rebuilds; None everywhere means all of them."""

    clusters: Sequence[int] | None
    regions: Sequence[int] | None
    departments: Sequence[int] | None

    @classmethod
    def everything(cls) -> "Touched":
        return cls(None, None, None)

    @classmethod
    def of_clusters(cls, cluster_ids: Sequence[int]) -> "Touched":
        pairs = list(Cluster.objects.filter(pk__in=cluster_ids).values_list("responsible_department_id", "regions"))
        regions = {region for _, region in pairs if region is not None}
        return cls(tuple(cluster_ids), tuple(sorted(regions)), tuple(sorted({department for department, _ in pairs})))

    def condition(self) -> tuple[str, list[int]]:
        """SQL matching the Progress rows of these scopes (unqualified columns of P)."""
        if self.clusters is None:
            return "1=1", []
        parts, params = [], []
        for scope, ids in ((Scope.CLUSTER, self.clusters), (Scope.REGION, self.regions),
                           (Scope.DEPARTMENT, self.departments)):
            sql, ids_params = _in("scope_id", ids)
            parts.append(f"(scope = %s AND {sql})")
            params += [scope.value, *ids_params]
        parts.append("(scope = %s AND scope_id = 0)")
        params.append(Scope.CITY.value)
        return "(" + " OR ".join(parts) + ")", params


def data_version() -> int:
    """The newest figure change included: the last history id of quarterly figures."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(history_id), 0) FROM {FIG_HISTORY}")
        return int(cursor.fetchone()[0])


def _aggregate(scope: Scope, key: str | None, join: str, ids: Sequence[int] | None) -> tuple[str, list]:
    """Region / department / city quarters summed from the cluster quarters (c) of `stage`.

    `key` is the column that names the scope (None for the city, whose scope_id is 0).
    """
    where, ids_params = _in(key, ids) if key else ("1=1", [])
    group = f"{key}, c.year, c.quarter" if key else "c.year, c.quarter"
    sql = f"""
        SELECT %s, {key or 0}, c.year, c.quarter, SUM(c.value), COUNT(*), SUM(c.demo_units)
        FROM cluster_quarters c {join} WHERE {where} GROUP BY {group}
    """
    return sql, [scope.value, *ids_params]


def stage(*, years: Sequence[int] | None, touched: Touched) -> int:
    """Compute the Progress rows of `years` (None: every year) for the `touched` scopes into the temporary
    table STAGE, without their previous-year values; nothing shared is written. Returns the data version.

    One statement, `CREATE TEMP TABLE … AS`, which PostgreSQL may run with parallel workers (an
    `INSERT … SELECT` never is): sum the touched clusters' approved figures per quarter (the only pass
    over figures), add the other clusters' stored quarters of `years` (a region or department sums
    both), sum those to regions, departments and the city, then add year-to-date and the year rows.
    Every step after the first works on the few thousand rows per year that it produces.
    """
    version = data_version()
    years = None if years is None else sorted(set(years))
    f_years_sql, years_params = _in("f.year", years)
    p_years_sql, _ = _in("year", years)
    clusters_sql, clusters_params = _in("f.cluster_id", touched.clusters)
    others_sql, others_params = ("1=0", []) if touched.clusters is None else _in("scope_id", touched.clusters)
    if touched.clusters is not None:
        others_sql = f"NOT {others_sql}"
    aggregates = [
        _aggregate(Scope.REGION, "cr.region_id", f"JOIN {CLUSTER_REGIONS} cr ON cr.cluster_id = c.scope_id",
                   touched.regions),
        _aggregate(Scope.DEPARTMENT, "cl.responsible_department_id", f"JOIN {CLUSTER} cl ON cl.id = c.scope_id",
                   touched.departments),
        _aggregate(Scope.CITY, None, "", None),
    ]
    _execute([
        (f"DROP TABLE IF EXISTS {STAGE}", []),
        (f"""
            CREATE TEMP TABLE {STAGE} AS
            WITH figures AS (
                SELECT f.cluster_id AS scope_id, f.year, f.quarter, SUM(f.output_value) AS value, COUNT(*) AS units,
                       SUM(CASE WHEN f.source = %s THEN 1 ELSE 0 END) AS demo_units
                FROM {FIG} f
                WHERE f.status = %s AND {f_years_sql} AND {clusters_sql}
                GROUP BY f.cluster_id, f.year, f.quarter
            ), cluster_quarters AS (
                SELECT scope_id, year, quarter, value, units, demo_units FROM figures
                UNION ALL
                SELECT scope_id, year, quarter, value, units, demo_units FROM {P}
                WHERE scope = %s AND quarter > 0 AND {p_years_sql} AND {others_sql}
            ), quarters AS (
                SELECT CAST(%s AS VARCHAR(12)) AS scope, scope_id, year, quarter, value, units, demo_units
                FROM figures
                {" ".join(f"UNION ALL {sql}" for sql, _ in aggregates)}
            )
            SELECT scope, scope_id, year, quarter, value,
                   SUM(value) OVER (PARTITION BY scope, scope_id, year ORDER BY quarter) AS ytd_value, units,
                   demo_units
            FROM quarters
            UNION ALL
            SELECT scope, scope_id, year, 0, SUM(value), SUM(value), COUNT(*), SUM(demo_units)
            FROM quarters GROUP BY scope, scope_id, year
        """, [FigureSource.DEMO.value, FigureStatus.APPROVED.value, *years_params, *clusters_params,
              Scope.CLUSTER.value, *years_params, *others_params, Scope.CLUSTER.value,
              *(param for _, params in aggregates for param in params)]),
    ])
    return version


def replace(*, years: Sequence[int], touched: Touched, version: int, now: datetime) -> None:
    """Swap the staged rows in: delete the Progress rows of `years` for the `touched` scopes and insert
    STAGE's, each with the same period a year earlier (staged, or stored for a year outside `years`)
    and the growth on it. Two statements of a few thousand rows per year: the caller's short write.
    Staged rows of other years (a figure of a new year approved while every year was staged) are left
    to that figure's own roll-up."""
    years = sorted(set(years))
    years_sql, years_params = _in("year", years)
    earlier_sql, earlier_params = _in("year", sorted({y - 1 for y in years} - set(years)))
    scopes_sql, scopes_params = touched.condition()
    # `* 1.0` keeps SQLite from integer division when both sides are whole numbers.
    _execute([
        (f"DELETE FROM {P} WHERE {years_sql} AND {scopes_sql}", [*years_params, *scopes_params]),
        (f"""
            INSERT INTO {P} ({_COLUMNS}, prev_value, prev_ytd_value, yoy_growth, ytd_yoy_growth)
            SELECT s.scope, s.scope_id, s.year, s.quarter, s.value, s.ytd_value, s.units, s.demo_units, %s, %s,
                   b.value, b.ytd_value,
                   CASE WHEN b.value > 0 THEN (s.value - b.value) * 1.0 / b.value END,
                   CASE WHEN b.ytd_value > 0 THEN (s.ytd_value - b.ytd_value) * 1.0 / b.ytd_value END
            FROM (SELECT * FROM {STAGE} WHERE {years_sql} AND {scopes_sql}) s LEFT JOIN (
                SELECT scope, scope_id, year, quarter, value, ytd_value FROM {STAGE}
                UNION ALL
                SELECT scope, scope_id, year, quarter, value, ytd_value FROM {P} WHERE {earlier_sql} AND {scopes_sql}
            ) b ON b.scope = s.scope AND b.scope_id = s.scope_id AND b.year = s.year - 1 AND b.quarter = s.quarter
        """, [version, connection.ops.adapt_datetimefield_value(now), *years_params, *scopes_params,
              *earlier_params, *scopes_params]),
    ])


def drop_stage() -> None:
    _execute([(f"DROP TABLE IF EXISTS {STAGE}", [])])


def recompute(*, years: Sequence[int], touched: Touched, now: datetime) -> int:
    """Rebuild the Progress rows of `years` for the `touched` scopes at once (the caller holds the year
    locks). Returns the data version used."""
    version = stage(years=years, touched=touched)
    replace(years=years, touched=touched, version=version, now=now)
    return version


def recompute_inflows_and_indicators(*, years: Sequence[int], now: datetime) -> None:
    """City-wide inflows against the year's targets, and indicator actuals against theirs."""
    stamp = [data_version(), connection.ops.adapt_datetimefield_value(now)]
    years = sorted(set(years))
    i_years, years_params = _in("i.year", years)
    c_years, _ = _in("c.year", years)
    plain_years, _ = _in("year", years)
    _execute([
        (f"DELETE FROM {INFLOW_P} WHERE {plain_years}", years_params),
        (f"""
            INSERT INTO {INFLOW_P} (year, quarter, origin, currency, value, ytd_value, target, demo_units,
                                    data_version, computed_at)
            SELECT i.year, i.quarter, i.origin, MAX(i.currency), SUM(i.amount),
                   SUM(SUM(i.amount)) OVER (PARTITION BY i.year, i.origin ORDER BY i.quarter),
                   MAX(t.amount), SUM(CASE WHEN i.is_demo THEN 1 ELSE 0 END), %s, %s
            FROM {INFLOW} i LEFT JOIN {TARGET} t ON t.year = i.year AND t.origin = i.origin
            WHERE {i_years}
            GROUP BY i.year, i.quarter, i.origin
        """, [*stamp, *years_params]),
        (f"DELETE FROM {INDICATOR_P} WHERE {plain_years}", years_params),
        (f"""
            INSERT INTO {INDICATOR_P} (indicator_id, year, quarter, value_percent, target_percent, met, demo_units,
                                       data_version, computed_at)
            SELECT a.indicator_id, c.year, a.quarter, a.value_percent, c.target_percent,
                   CASE WHEN (c.comparison = 'gt' AND a.value_percent > c.target_percent)
                          OR (c.comparison = 'gte' AND a.value_percent >= c.target_percent) THEN TRUE ELSE FALSE END,
                   CASE WHEN a.is_demo THEN 1 ELSE 0 END, %s, %s
            FROM {ACTUAL} a JOIN {INDICATOR} c ON c.id = a.indicator_id
            WHERE {c_years}
        """, [*stamp, *years_params]),
    ])


def _execute(statements: list[tuple[str, list]]) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def years_with_data() -> list[int]:
    """Every year that has figures, inflows, indicator targets or roll-up rows (one query).

    The figures' years come from their (year, quarter, status) index, one probe per year (a loose
    index scan): reading millions of figures to find a dozen years was half of a full roll-up.
    The other tables hold a few thousand rows at most.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"""
            WITH RECURSIVE figure_years(year) AS (
                SELECT (SELECT year FROM {FIG} ORDER BY year LIMIT 1)
                UNION ALL
                SELECT (SELECT f.year FROM {FIG} f WHERE f.year > figure_years.year ORDER BY f.year LIMIT 1)
                FROM figure_years WHERE figure_years.year IS NOT NULL
            )
            SELECT year FROM figure_years WHERE year IS NOT NULL
            UNION SELECT year FROM {P} UNION SELECT year FROM {INFLOW} UNION SELECT year FROM {INDICATOR}
        """)
        return sorted(row[0] for row in cursor.fetchall())
