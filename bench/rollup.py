"""Roll-up benchmark: the set-based roll-up against a one-statement floor and a naive ORM loop.

Run by hand (`make bench`, or `.venv/bin/python bench/rollup.py [--scale city|province|both]`); never
inside the test suite. Needs PostgreSQL; it creates and drops its own database `jinzhou_bench`.

Scales: city = 15 clusters × 300 enterprises × 20 quarters (90,000 figures);
        province = 200 clusters × 1,000 enterprises × 40 quarters (8,000,000 figures).
Prints, for each scale: (a) full roll-up, (b) incremental roll-up after one figure changes,
(c) the same aggregates as one hand-written statement (the floor), (d) a per-cluster ORM loop
(the usual habit; skipped at province scale, where it would take many minutes), the ratios
a/c, b/a, d/a, and the process's memory peak. Targets: a/c ≤ 1.5; b/a < 1 % at province scale.
"""
import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, peak_memory_mb, timed

SCALES = {"city": (15, 300, 20), "province": (200, 1000, 40)}


def generate(clusters: int, enterprises: int, quarters: int) -> int:
    """Synthetic approved figures written straight into PostgreSQL; returns the figure count."""
    from django.db import connection

    with connection.cursor() as cursor:
        # Bulk generation only: the data is valid by construction, so skip per-row triggers.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("""
            INSERT INTO clusters_cluster (code, name_zh, name_en, industry, level, responsible_department_id,
                                          leading_products, is_placeholder, notes, created_at, updated_at)
            SELECT 'bench-' || g, '基准集群' || g, 'Bench cluster ' || g, '', 'city',
                   (SELECT id FROM org_department WHERE kind = 'commission' ORDER BY id OFFSET g %% 3 LIMIT 1),
                   '', false, '', now(), now()
            FROM generate_series(1, %s) g""", [clusters])
        cursor.execute("""
            INSERT INTO clusters_cluster_regions (cluster_id, region_id)
            SELECT c.id, (SELECT id FROM org_region ORDER BY id OFFSET c.id %% 10 LIMIT 1)
            FROM clusters_cluster c WHERE c.code LIKE 'bench-%%'""", [])
        cursor.execute("""
            INSERT INTO clusters_enterprise (cluster_id, name, is_leading, products, is_demo, created_at, updated_at)
            SELECT c.id, 'E' || e, false, '', false, now(), now()
            FROM clusters_cluster c CROSS JOIN generate_series(1, %s) e WHERE c.code LIKE 'bench-%%'""",
                       [enterprises])
        cursor.execute("""
            INSERT INTO clusters_quarterlyfigure (cluster_id, enterprise_id, year, quarter, output_value, status,
                                                  source, version, note, created_at, updated_at)
            SELECT e.cluster_id, e.id, 2011 + (q - 1) / 4, 1 + (q - 1) %% 4, round((random() * 10)::numeric, 4),
                   'approved', 'entered', 1, '', now(), now()
            FROM clusters_enterprise e CROSS JOIN generate_series(1, %s) q""", [quarters])
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM clusters_quarterlyfigure")
        return cursor.fetchone()[0]


FLOOR_SQL = """
    CREATE TEMP TABLE floor_rollup AS
    SELECT c.responsible_department_id AS department_id, cr.region_id, f.cluster_id, f.year, f.quarter,
           SUM(f.output_value) AS value
    FROM clusters_quarterlyfigure f
    JOIN clusters_cluster c ON c.id = f.cluster_id
    JOIN clusters_cluster_regions cr ON cr.cluster_id = f.cluster_id
    WHERE f.status = 'approved'
    GROUP BY GROUPING SETS ((f.cluster_id, f.year, f.quarter), (cr.region_id, f.year, f.quarter),
                            (c.responsible_department_id, f.year, f.quarter), (f.year, f.quarter))
"""


def floor() -> None:
    """One hand-written statement computing the same quarter sums per cluster, region, department, city."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_rollup")
        cursor.execute(FLOOR_SQL)


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


def run(scale: str, repeat: int) -> None:
    fresh_database()
    from django.core.management import call_command
    from django.db import connection

    from plan.loader import plan_load
    from progress.services import rollup_cluster_year, rollup_full

    clusters, enterprises, quarters = SCALES[scale]
    connection.close()
    call_command("migrate", verbosity=0)
    plan_load()
    count = generate(clusters, enterprises, quarters)
    print(f"\n== {scale}: {clusters} clusters × {enterprises} enterprises × {quarters} quarters = {count:,} figures "
          f"({os.cpu_count()} cores)")

    t_floor = timed(floor, repeat)
    t_full = timed(rollup_full, repeat)
    cluster_id, year = incremental_after_one_change()
    t_incremental = timed(lambda: rollup_cluster_year(cluster_id=cluster_id, year=year), repeat)
    t_naive = None if scale == "province" else timed(naive_loop, 1)

    print(f"(a) full roll-up              {t_full:9.3f} s")
    print(f"(b) incremental, one figure   {t_incremental:9.3f} s")
    print(f"(c) one-statement floor       {t_floor:9.3f} s")
    if t_naive is None:
        print("(d) naive ORM loop            skipped at province scale (8M rows through Python: many minutes)")
    else:
        print(f"(d) naive ORM loop            {t_naive:9.3f} s")
    print(f"a/c = {t_full / t_floor:.2f}   (target ≤ 1.5)")
    share = t_incremental / t_full
    print(f"b/a = {share:.4f} = {100 * share:.2f} %   (target < 1 % at province scale)")
    if t_naive is not None:
        print(f"d/a = {t_naive / t_full:.1f}")
    print(f"memory peak of this process: {peak_memory_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["city", "province", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing at city scale (median)")
    args = parser.parse_args()
    for scale in (["city", "province"] if args.scale == "both" else [args.scale]):
        run(scale, args.repeat if scale == "city" else 1)


if __name__ == "__main__":
    main()
