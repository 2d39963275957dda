"""Completeness benchmark: the SQL counts and the paged unit list (clusters.completeness) against the per-unit
computation they replaced (a Python row per reporting unit: `_clusters_with_modes` + `reporting_units` +
`_figures`).

Run by hand (`python bench/completeness.py [--clusters N] [--enterprises N] [--quarters N] [--reuse]`), never
inside the test suite. Creates and drops its own database like bench/rollup.py (bench/common.py). The last
quarter's figures are spread over every status (a fifth each, a fifth not entered).
Prints, with the rows each fetched: the counts of 4 quarters (what every reporting page's header asks), the
first page of open units and its count (the completeness page), and the old per-unit computation of one
quarter.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, timed, use_database


def generate(clusters: int, enterprises: int, quarters: int) -> int:
    """Synthetic approved figures by enterprise, written straight into PostgreSQL (valid by construction, so
    without per-row triggers); returns the figure count."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("""
            INSERT INTO clusters_cluster (code, name_zh, name_en, industry, level, responsible_department_id,
                                          leading_products, is_placeholder, notes, version, created_at, updated_at)
            SELECT 'bench-' || g, '基准集群' || g, 'Bench cluster ' || g, '', 'city',
                   (SELECT id FROM org_department ORDER BY id OFFSET g %% 10 LIMIT 1), '', false, '', 1, now(), now()
            FROM generate_series(1, %s) g""", [clusters])
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
            SELECT e.cluster_id, e.id, 2011 + (q - 1) / 4, 1 + (q - 1) %% 4, 1, 'approved', 'entered', 1, '', '',
                   'quarter', now(), now()
            FROM clusters_enterprise e CROSS JOIN generate_series(1, %s) q""", [quarters])
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SELECT count(*) FROM clusters_quarterlyfigure")
        return cursor.fetchone()[0]


def _spread_last_quarter(quarters: int) -> None:
    from django.db import connection

    year, quarter = 2011 + (quarters - 1) // 4, 1 + (quarters - 1) % 4
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("""
            UPDATE clusters_quarterlyfigure SET status = (ARRAY['approved', 'submitted', 'draft', 'returned'])[
                1 + enterprise_id %% 4] WHERE year = %s AND quarter = %s""", [year, quarter])
        cursor.execute("DELETE FROM clusters_quarterlyfigure WHERE year = %s AND quarter = %s "
                       "AND enterprise_id %% 5 = 0", [year, quarter])
        cursor.execute("SET session_replication_role = DEFAULT")
        # VACUUM too: the counts are index-only scans, which read the heap for pages the visibility map does not
        # mark all-visible; fresh rows are in none until a vacuum (autovacuum does it in a running system).
        cursor.execute("VACUUM ANALYZE clusters_cluster, clusters_enterprise, clusters_quarterlyfigure")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clusters", type=int, default=216)
    parser.add_argument("--enterprises", type=int, default=200)
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--skip-old", action="store_true", help="not the per-unit computation (minutes at scale)")
    args = parser.parse_args()
    if args.reuse:
        use_database()
    else:
        fresh_database()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from clusters import tally
        from plan.loader import plan_load

        plan_load()
        print(f"{generate(args.clusters, args.enterprises, args.quarters)} figures")
        _spread_last_quarter(args.quarters)
        tally.rebuild()  # the figures were written with the triggers that keep it off

    from clusters.completeness import completeness, standings
    from clusters.models import Cluster, QuarterlyFigure
    from clusters.selectors import _clusters_with_modes, _figures, reporting_units
    from core.periods import Quarter
    from tests.rowcount import cost_of

    last = Quarter(2011 + (args.quarters - 1) // 4, 1 + (args.quarters - 1) % 4)
    quarters = [Quarter.from_index(last.index - i) for i in range(4)]
    clusters = Cluster.objects.all()

    def old() -> int:
        modes = _clusters_with_modes(clusters, [last])
        figures = _figures([c.pk for c in modes], [last])
        return len([figures.get((u.cluster.pk, u.enterprise_id, last.year, last.quarter))
                    for u in reporting_units(modes, last)])

    def page() -> int:
        units = completeness(user=None, quarter=last, clusters=clusters).units()
        return len(units[:100]) + units.count()

    print(f"{QuarterlyFigure.objects.count()} figures, {Cluster.objects.count()} clusters")
    measured = [("counts, 4 quarters", lambda: standings(clusters=clusters, quarters=quarters)),
                ("units page (100) + count", page), ("old per-unit, 1 quarter", old)]
    for name, call in measured[:2] if args.skip_old else measured:
        cost = cost_of(call)
        print(f"{name:28} {timed(call, repeat=3):7.2f} s   {cost.queries} queries, {cost.rows} rows fetched")


if __name__ == "__main__":
    main()
