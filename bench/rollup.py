"""Roll-up benchmark: the full roll-up against the fastest one-statement floor, the incremental path and
a naive ORM loop.

Run by hand (`make bench`, or `python bench/rollup.py [--scale city|province|both] [--repeat N] [--reuse]`);
never inside the test suite. Needs PostgreSQL; it creates and drops its own throw-away databases, one per
scale: `jinzhou_bench_city` and `jinzhou_bench_province`, or `<name>_city` and `<name>_province` for the
`jinzhou_bench*` database that BENCH_DATABASE_URL names (bench/common.py). `--reuse` keeps a scale's
database when it already holds that scale's figures (bench/api.py and bench/pages.py reuse them too).

Scales: city = 15 clusters × 300 enterprises × 20 quarters (90,000 figures);
        province = 200 clusters × 1,000 enterprises × 40 quarters (8,000,000 figures).
Prints, for each scale: (a) full roll-up, (b) incremental roll-up after one figure changes,
(c) the floor: the fastest single statement we know that returns the same rows as the roll-up (every
cluster's, region's, department's and the city's quarter and year sums: summed per cluster first, then
rolled up from those few thousand rows), checked equal to the roll-up's rows before anything is timed,
(d) a per-cluster ORM loop (the usual habit; skipped at province scale, where it would take many
minutes), the ratios a/c, b/a, d/a, the load average while timing and the process's memory peak.
(a) and (c) alternate `--repeat` times (medians shown, every run listed): the machine is shared. The
roll-up tables are vacuumed before each pair, as autovacuum would between two full runs
(bench.common.vacuum_rollup_tables).
Targets: a/c ≤ 1.5; b/a < 1 % at province scale.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    fresh_database,
    load_average,
    peak_memory_mb,
    scale_url,
    timed,
    use_database,
    vacuum_rollup_tables,
)

SCALES = {"city": (15, 300, 20), "province": (200, 1000, 40)}


def generate(clusters: int, enterprises: int, quarters: int) -> int:
    """Synthetic approved figures written straight into PostgreSQL; returns the figure count."""
    from django.db import connection

    from clusters import tally

    with connection.cursor() as cursor:
        # Bulk generation only: the data is valid by construction, so skip per-row triggers.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("""
            INSERT INTO clusters_cluster (code, name_zh, name_en, industry, level, responsible_department_id,
                                          leading_products, is_placeholder, notes, version, created_at, updated_at)
            SELECT 'bench-' || g, '基准集群' || g, 'Bench cluster ' || g, '', 'city',
                   (SELECT id FROM org_department WHERE kind = 'commission' ORDER BY id OFFSET g %% 3 LIMIT 1),
                   '', false, '', 1, now(), now()
            FROM generate_series(1, %s) g""", [clusters])
        cursor.execute("""
            INSERT INTO clusters_cluster_regions (cluster_id, region_id)
            SELECT c.id, (SELECT id FROM org_region ORDER BY id OFFSET c.id %% 10 LIMIT 1)
            FROM clusters_cluster c WHERE c.code LIKE 'bench-%%'""", [])
        cursor.execute("""
            INSERT INTO clusters_enterprise (cluster_id, name, is_leading, products, is_demo, version, created_at,
                                             updated_at)
            SELECT c.id, 'E' || e, false, '', false, 1, now(), now()
            FROM clusters_cluster c CROSS JOIN generate_series(1, %s) e WHERE c.code LIKE 'bench-%%'""",
                       [enterprises])
        cursor.execute("""
            INSERT INTO clusters_quarterlyfigure (cluster_id, enterprise_id, year, quarter, output_value, status,
                                                  source, version, note, return_reason, entry_mode, created_at,
                                                  updated_at)
            SELECT e.cluster_id, e.id, 2011 + (q - 1) / 4, 1 + (q - 1) %% 4, round((random() * 10)::numeric, 4),
                   'approved', 'entered', 1, '', '', 'quarter', now(), now()
            FROM clusters_enterprise e CROSS JOIN generate_series(1, %s) q""", [quarters])
        cursor.execute("SET session_replication_role = DEFAULT")
    tally.rebuild()  # the triggers that keep it were off
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM clusters_quarterlyfigure")
        return cursor.fetchone()[0]


# Sum each cluster's figures once (the only pass over the figures), then roll those few thousand rows up
# to regions, departments and the city; each GROUPING SETS adds the year rows (quarter 0).
FLOOR_SQL = """
    WITH per_cluster AS MATERIALIZED (
        SELECT cluster_id, year, quarter, SUM(output_value) AS value
        FROM clusters_quarterlyfigure WHERE status = 'approved'
        GROUP BY cluster_id, year, quarter
    )
    SELECT 'cluster', cluster_id, year, COALESCE(quarter, 0), SUM(value) FROM per_cluster
    GROUP BY GROUPING SETS ((cluster_id, year, quarter), (cluster_id, year))
    UNION ALL
    SELECT 'region', cr.region_id, year, COALESCE(quarter, 0), SUM(value)
    FROM per_cluster JOIN clusters_cluster_regions cr USING (cluster_id)
    GROUP BY GROUPING SETS ((cr.region_id, year, quarter), (cr.region_id, year))
    UNION ALL
    SELECT 'department', c.responsible_department_id, year, COALESCE(quarter, 0), SUM(value)
    FROM per_cluster JOIN clusters_cluster c ON c.id = per_cluster.cluster_id
    GROUP BY GROUPING SETS ((c.responsible_department_id, year, quarter), (c.responsible_department_id, year))
    UNION ALL
    SELECT 'city', 0, year, COALESCE(quarter, 0), SUM(value) FROM per_cluster
    GROUP BY GROUPING SETS ((year, quarter), (year))
"""


def floor() -> list[tuple]:
    """The floor: one statement returning every roll-up row's key and value."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        return cursor.fetchall()


def check_floor_equals_rollup() -> int:
    """The floor's rows are the roll-up's (scope, scope_id, year, quarter, value); returns how many."""
    from progress.models import Progress

    stored = set(Progress.objects.values_list("scope", "scope_id", "year", "quarter", "value"))
    computed = set(floor())
    if stored != computed:
        raise SystemExit(f"the floor differs from the roll-up: {len(computed - stored)} rows only in the floor, "
                         f"{len(stored - computed)} only in the roll-up")
    return len(stored)


def naive_loop() -> None:
    """What a first version usually does: per cluster, iterate its figures in Python, save row by row."""
    from collections import defaultdict
    from decimal import Decimal

    from django.utils import timezone

    from clusters.models import Cluster, QuarterlyFigure
    from progress.models import Progress

    for cluster in Cluster.objects.all():
        sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for figure in QuarterlyFigure.objects.filter(cluster=cluster, status="approved"):
            sums[(figure.year, figure.quarter)] += figure.output_value
        for (year, quarter), value in sums.items():
            Progress.objects.update_or_create(
                scope="naive", scope_id=cluster.pk, year=year, quarter=quarter,
                defaults={"value": value, "ytd_value": value, "units": 0, "demo_units": 0, "data_version": 0,
                          "computed_at": timezone.now()})


def incremental_after_one_change() -> tuple[int, int]:
    """Reopen one approved figure the way the service does (status + mark); return its cluster-year."""
    from django.db import transaction

    from clusters.models import QuarterlyFigure
    from progress.services import marks_bump

    figure = QuarterlyFigure.objects.filter(status="approved").order_by("-year", "cluster_id").first()
    with transaction.atomic():
        QuarterlyFigure.objects.filter(pk=figure.pk).update(status="returned")
        marks_bump(cluster_ids=[figure.cluster_id], years=[figure.year])
    return figure.cluster_id, figure.year


def swap_seconds() -> float:
    """One more full run, adding up its statements from the year lock on: how long it holds the locks
    (what an incremental roll-up may wait for; approvals wait for nothing). The commit is not counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from progress.services import rollup_full

    with CaptureQueriesContext(connection) as queries:
        rollup_full()
    statements = queries.captured_queries
    first = next(i for i, q in enumerate(statements) if "progress_rollupyear" in q["sql"] and "FOR UPDATE" in q["sql"])
    return sum(float(q["time"]) for q in statements[first:])


def prepare(scale: str, reuse: bool) -> int:
    """The scale's benchmark database holding its figures (migrated); returns their number."""
    url = scale_url(scale)
    clusters, enterprises, quarters = SCALES[scale]
    expected = clusters * enterprises * quarters
    if reuse:
        use_database(url)
        from django.core.management import call_command
        from django.db import OperationalError

        from clusters.models import QuarterlyFigure

        try:
            call_command("migrate", verbosity=0)
            if QuarterlyFigure.objects.filter(cluster__code__startswith="bench-").count() == expected:
                return expected
        except OperationalError:  # no such database yet
            pass
        print(f"--reuse: {url} does not hold the {scale} data; generating it")
    fresh_database(url)
    from django.core.management import call_command
    from django.db import connection

    from plan.loader import plan_load

    connection.close()
    call_command("migrate", verbosity=0)
    plan_load()
    started = time.perf_counter()
    count = generate(clusters, enterprises, quarters)
    print(f"generated {count:,} figures in {time.perf_counter() - started:.0f} s", flush=True)
    return count


def rolled_up(scale: str, reuse: bool) -> int:
    """`prepare`, then a full roll-up unless the database holds one, and the roll-up tables vacuumed: the data
    the API and page benchmarks serve. Returns the number of figures."""
    count = prepare(scale, reuse)
    from progress.models import Progress, Scope
    from progress.services import rollup_full

    if not Progress.objects.filter(scope=Scope.CITY).exists():
        started = time.perf_counter()
        rollup_full()
        print(f"rolled up in {time.perf_counter() - started:.0f} s", flush=True)
    vacuum_rollup_tables()
    return count


def run(scale: str, repeat: int, reuse: bool) -> None:
    count = prepare(scale, reuse)
    from progress.services import rollup_cluster_year, rollup_full

    clusters, enterprises, quarters = SCALES[scale]
    print(f"\n== {scale}: {clusters} clusters × {enterprises} enterprises × {quarters} quarters = {count:,} figures "
          f"({os.cpu_count()} cores)", flush=True)

    rollup_full()
    print(f"floor rows = roll-up rows: {check_floor_equals_rollup():,}", flush=True)
    floors, fulls, loads = [], [], []
    for _ in range(repeat):
        vacuum_rollup_tables()
        loads.append(load_average())
        floors.append(timed(floor))
        fulls.append(timed(rollup_full))
    loads.append(load_average())
    t_floor, t_full = statistics.median(floors), statistics.median(fulls)
    vacuum_rollup_tables()
    t_swap = swap_seconds()
    vacuum_rollup_tables()
    cluster_id, year = incremental_after_one_change()
    incrementals = [timed(lambda: rollup_cluster_year(cluster_id=cluster_id, year=year)) for _ in range(repeat)]
    t_incremental = statistics.median(incrementals)
    t_naive = None if scale == "province" else timed(naive_loop, 1)

    print(f"(a) full roll-up              {t_full:9.3f} s   runs: {', '.join(f'{t:.3f}' for t in fulls)}")
    print(f"    of which under the year locks (the swap; one more run) {t_swap:.3f} s")
    print(f"(b) incremental, one figure   {t_incremental:9.3f} s   runs: {', '.join(f'{t:.3f}' for t in incrementals)}")
    print(f"(c) one-statement floor       {t_floor:9.3f} s   runs: {', '.join(f'{t:.3f}' for t in floors)}")
    if t_naive is None:
        print("(d) naive ORM loop            skipped at province scale (8M rows through Python: many minutes)")
    else:
        print(f"(d) naive ORM loop            {t_naive:9.3f} s")
    print(f"a/c = {t_full / t_floor:.2f}   (target ≤ 1.5)   per pair: "
          f"{', '.join(f'{a / c:.2f}' for a, c in zip(fulls, floors, strict=True))}")
    share = t_incremental / t_full
    print(f"b/a = {share:.4f} = {100 * share:.2f} %   (target < 1 % at province scale)")
    if t_naive is not None:
        print(f"d/a = {t_naive / t_full:.1f}")
    print(f"load average (1 min) before each pair and after: {' '.join(loads)}")
    print(f"memory peak of this process: {peak_memory_mb():.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["city", "province", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="floor / full-run pairs per scale (medians shown)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the benchmark database if it already holds the scale's figures")
    args = parser.parse_args()
    for scale in (["city", "province"] if args.scale == "both" else [args.scale]):
        run(scale, args.repeat, args.reuse)


if __name__ == "__main__":
    main()
