"""The roll-up as set-based SQL: a fixed handful of aggregate statements per run.

`recompute(years, cluster_ids)` rebuilds the `Progress` rows of the given years for the given
clusters (None: every cluster) and for the regions, departments and city they belong to. The
statement count is the same for 15 clusters or 200,000 enterprises. Runs inside the caller's
transaction (see `progress.services`), which also holds the per-year lock.

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
        regions = Cluster.regions.through.objects.filter(cluster_id__in=cluster_ids).values_list("region_id", flat=True)
        departments = Cluster.objects.filter(pk__in=cluster_ids).values_list("responsible_department_id", flat=True)
        return cls(tuple(cluster_ids), tuple(set(regions)), tuple(set(departments)))

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
        parts.append("scope = %s")
        params.append(Scope.CITY.value)
        return "(" + " OR ".join(parts) + ")", params


def data_version() -> int:
    """The newest figure change included: the last history id of quarterly figures."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(history_id), 0) FROM {FIG_HISTORY}")
        return int(cursor.fetchone()[0])


def _aggregate_from_clusters(scope: Scope, key: str | None, join: str, ids: Sequence[int] | None,
                             years_sql: str, years: list[int], stamp: list) -> tuple[str, list]:
    """Region / department / city quarter rows, summed from the cluster rows just written.

    `key` is the column that names the scope (None for the city, whose scope_id is 0).
    """
    where, ids_params = _in(key, ids) if key else ("1=1", [])
    partition = f"{key}, p.year" if key else "p.year"
    sql = f"""
        INSERT INTO {P} ({_COLUMNS})
        SELECT %s, {key or 0}, p.year, p.quarter, SUM(p.value),
               SUM(SUM(p.value)) OVER (PARTITION BY {partition} ORDER BY p.quarter),
               COUNT(*), SUM(p.demo_units), %s, %s
        FROM {P} p {join}
        WHERE p.scope = %s AND p.quarter > 0 AND {years_sql} AND {where}
        GROUP BY {partition}, p.quarter
    """
    return sql, [scope.value, *stamp, Scope.CLUSTER.value, *years, *ids_params]


def recompute(*, years: Sequence[int], touched: Touched, now: datetime) -> int:
    """Rebuild the Progress rows of `years` for the `touched` scopes. Returns the data version used."""
    version = data_version()
    stamp = [version, connection.ops.adapt_datetimefield_value(now)]
    years = sorted(set(years))
    years_sql, years_params = _in("year", years)
    p_years_sql, _ = _in("p.year", years)
    f_years_sql, _ = _in("f.year", years)
    scopes_sql, scopes_params = touched.condition()
    clusters_sql, clusters_params = _in("f.cluster_id", touched.clusters)

    statements: list[tuple[str, list]] = [
        (f"DELETE FROM {P} WHERE {years_sql} AND {scopes_sql}", [*years_params, *scopes_params]),
        (f"""
            INSERT INTO {P} ({_COLUMNS})
            SELECT %s, f.cluster_id, f.year, f.quarter, SUM(f.output_value),
                   SUM(SUM(f.output_value)) OVER (PARTITION BY f.cluster_id, f.year ORDER BY f.quarter),
                   COUNT(*), SUM(CASE WHEN f.source = %s THEN 1 ELSE 0 END), %s, %s
            FROM {FIG} f
            WHERE f.status = %s AND {f_years_sql} AND {clusters_sql}
            GROUP BY f.cluster_id, f.year, f.quarter
        """, [Scope.CLUSTER.value, FigureSource.DEMO.value, *stamp, FigureStatus.APPROVED.value, *years_params,
              *clusters_params]),
        _aggregate_from_clusters(Scope.REGION, "cr.region_id",
                                 f"JOIN {CLUSTER_REGIONS} cr ON cr.cluster_id = p.scope_id", touched.regions,
                                 p_years_sql, years_params, stamp),
        _aggregate_from_clusters(Scope.DEPARTMENT, "c.responsible_department_id",
                                 f"JOIN {CLUSTER} c ON c.id = p.scope_id", touched.departments, p_years_sql,
                                 years_params, stamp),
        _aggregate_from_clusters(Scope.CITY, None, "", None, p_years_sql, years_params, stamp),
        (f"""
            INSERT INTO {P} ({_COLUMNS})
            SELECT scope, scope_id, year, 0, SUM(value), SUM(value), COUNT(*), SUM(demo_units), %s, %s
            FROM {P} WHERE quarter > 0 AND {years_sql} AND {scopes_sql}
            GROUP BY scope, scope_id, year
        """, [*stamp, *years_params, *scopes_params]),
        (f"""
            UPDATE {P} SET
              prev_value = (SELECT q.value FROM {P} q WHERE q.scope = {P}.scope AND q.scope_id = {P}.scope_id
                            AND q.year = {P}.year - 1 AND q.quarter = {P}.quarter),
              prev_ytd_value = (SELECT q.ytd_value FROM {P} q WHERE q.scope = {P}.scope
                                AND q.scope_id = {P}.scope_id AND q.year = {P}.year - 1 AND q.quarter = {P}.quarter)
            WHERE {years_sql} AND {scopes_sql}
        """, [*years_params, *scopes_params]),
        # `* 1.0` keeps SQLite from integer division when both sides are whole numbers.
        (f"""
            UPDATE {P} SET
              yoy_growth = CASE WHEN prev_value > 0 THEN (value - prev_value) * 1.0 / prev_value END,
              ytd_yoy_growth = CASE WHEN prev_ytd_value > 0
                                    THEN (ytd_value - prev_ytd_value) * 1.0 / prev_ytd_value END
            WHERE {years_sql} AND {scopes_sql}
        """, [*years_params, *scopes_params]),
    ]
    _execute(statements)
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
    """Every year that has figures, inflows, indicator targets or roll-up rows (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT year FROM {FIG} UNION SELECT year FROM {P} UNION SELECT year FROM {INFLOW}
            UNION SELECT year FROM {INDICATOR}
        """)
        return sorted(row[0] for row in cursor.fetchall())
