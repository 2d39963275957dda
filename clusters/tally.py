"""The figure tally (`FigureTally`): per cluster, quarter, reporting mode, status and `belongs`, how many figures
and their output, kept by database triggers so that it is right whoever writes the figures (services, imports,
the admin, `QuerySet.update`, a migration) and in the same transaction.

`belongs`: the figure is the cluster's own or its enterprise belongs to the cluster now. Completeness counts
only those (an enterprise moved to another cluster leaves its old figures behind, and they stop counting in
either); lists of figures (the review queue) count them all. So:
- a figure inserted, deleted or changed (status, output, cluster, enterprise, quarter) moves its count from the
  old key to the new one;
- an enterprise moved to another cluster turns its figures in the old cluster into ones that do not belong, and
  those it holds in the new cluster (usually none) into ones that do.
`EnterpriseTally` keeps each cluster's number of enterprises the same way (an enterprise added, removed or
moved), for completeness's units.

The triggers are created by migration `clusters.0013` on PostgreSQL (a PL/pgSQL function) and SQLite (one
trigger per event); `rebuild` recounts everything from the figures (the migration's backfill, and after bulk
writes made with triggers off: the benchmarks' generators). `tests/clusters/test_tally.py` checks the tally
against a recount after every kind of write.
"""
# ruff: noqa: S608 - the SQL here is built from this module's constant table and column names, never from input
from __future__ import annotations

from django.db import connection

TALLY, FIGURE, ENTERPRISE = "clusters_figuretally", "clusters_quarterlyfigure", "clusters_enterprise"
ENTERPRISES = "clusters_enterprisetally"
_KEY = "cluster_id, year, quarter, by_enterprise, status, belongs"
_ADD = (f"ON CONFLICT ({_KEY}) DO UPDATE SET figures = {TALLY}.figures + excluded.figures, "
        f"output = {TALLY}.output + excluded.output")


def _belongs(row: str) -> str:
    """SQL: whether the figure `row` (OLD or NEW) belongs to its cluster (module docstring)."""
    return (f"({row}.enterprise_id IS NULL OR EXISTS (SELECT 1 FROM {ENTERPRISE} e "
            f"WHERE e.id = {row}.enterprise_id AND e.cluster_id = {row}.cluster_id))")


def _add(row: str, sign: str) -> str:
    """SQL: add (`sign` "+") or take away ("-") the figure `row` to or from its key."""
    return (f"INSERT INTO {TALLY} ({_KEY}, figures, output) VALUES ({row}.cluster_id, {row}.year, {row}.quarter, "
            f"{row}.enterprise_id IS NOT NULL, {row}.status, {_belongs(row)}, {sign}1, {sign}{row}.output_value) "
            f"{_ADD}")


# An update that changes none of these leaves the tally alone (most edits: notes, revenue, versions).
_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}"
                       for c in ("cluster_id", "enterprise_id", "year", "quarter", "status", "output_value"))


def _enterprise_moved(true: str, where: str) -> str:
    """SQL: an enterprise moved from OLD.cluster_id to NEW.cluster_id: its figures in the old cluster stop
    belonging, those in the new one start (`true`: the dialect's true; `where`: SQLite needs a WHERE before its
    ON CONFLICT). Each figure's count leaves one `belongs` and joins the other: +1 where the figure's cluster
    being the new one agrees with `belongs`, else −1."""
    return f"""
        INSERT INTO {TALLY} ({_KEY}, figures, output)
        SELECT f.cluster_id, f.year, f.quarter, {true}, f.status, s.belongs,
               SUM(CASE WHEN (f.cluster_id = NEW.cluster_id) = s.belongs THEN 1 ELSE -1 END),
               SUM(CASE WHEN (f.cluster_id = NEW.cluster_id) = s.belongs THEN f.output_value ELSE -f.output_value END)
        FROM {FIGURE} f CROSS JOIN (SELECT {true} AS belongs UNION ALL SELECT NOT {true}) s
        WHERE f.enterprise_id = NEW.id AND f.cluster_id IN (OLD.cluster_id, NEW.cluster_id)
        GROUP BY f.cluster_id, f.year, f.quarter, f.status, s.belongs
        {where} {_ADD}"""


def _count_enterprise(row: str, sign: str) -> str:
    """SQL: add (`sign` "+") or take away ("-") the enterprise `row` to or from its cluster's count."""
    return (f"INSERT INTO {ENTERPRISES} (cluster_id, enterprises) VALUES ({row}.cluster_id, {sign}1) "
            f"ON CONFLICT (cluster_id) DO UPDATE SET enterprises = {ENTERPRISES}.enterprises + excluded.enterprises")


POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION clusters_figure_tally() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {_add("OLD", "-")}; END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {_add("NEW", "+")}; END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""CREATE TRIGGER clusters_figure_tally_write AFTER INSERT OR DELETE ON {FIGURE}
        FOR EACH ROW EXECUTE FUNCTION clusters_figure_tally();""",
    f"""CREATE TRIGGER clusters_figure_tally_update AFTER UPDATE ON {FIGURE}
        FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION clusters_figure_tally();""",
    f"""
    CREATE FUNCTION clusters_enterprise_tally() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {_count_enterprise("OLD", "-")}; END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {_count_enterprise("NEW", "+")}; END IF;
        IF TG_OP = 'UPDATE' THEN {_enterprise_moved("true", "")}; END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""CREATE TRIGGER clusters_enterprise_count AFTER INSERT OR DELETE ON {ENTERPRISE}
        FOR EACH ROW EXECUTE FUNCTION clusters_enterprise_tally();""",
    f"""CREATE TRIGGER clusters_enterprise_tally AFTER UPDATE OF cluster_id ON {ENTERPRISE}
        FOR EACH ROW WHEN (OLD.cluster_id IS DISTINCT FROM NEW.cluster_id)
        EXECUTE FUNCTION clusters_enterprise_tally();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS clusters_figure_tally_write ON {FIGURE};",
    f"DROP TRIGGER IF EXISTS clusters_figure_tally_update ON {FIGURE};",
    "DROP FUNCTION IF EXISTS clusters_figure_tally();",
    f"DROP TRIGGER IF EXISTS clusters_enterprise_tally ON {ENTERPRISE};",
    f"DROP TRIGGER IF EXISTS clusters_enterprise_count ON {ENTERPRISE};",
    "DROP FUNCTION IF EXISTS clusters_enterprise_tally();",
]
SQLITE_FORWARD = [
    f"""CREATE TRIGGER clusters_figure_tally_insert AFTER INSERT ON {FIGURE} BEGIN {_add("NEW", "+")}; END;""",
    f"""CREATE TRIGGER clusters_figure_tally_delete AFTER DELETE ON {FIGURE} BEGIN {_add("OLD", "-")}; END;""",
    # Two triggers for an update (SQLite has no IF): take the old key away, add the new one, in either order.
    f"""CREATE TRIGGER clusters_figure_tally_update_new AFTER UPDATE ON {FIGURE}
        WHEN {_CHANGED} BEGIN {_add("NEW", "+")}; END;""",
    f"""CREATE TRIGGER clusters_figure_tally_update_old AFTER UPDATE ON {FIGURE}
        WHEN {_CHANGED} BEGIN {_add("OLD", "-")}; END;""",
    # SQLite parses `SELECT … ON CONFLICT` only with something closing the SELECT before it (its documented
    # ambiguity): `HAVING true` does, after the GROUP BY.
    f"""CREATE TRIGGER clusters_enterprise_tally AFTER UPDATE OF cluster_id ON {ENTERPRISE}
        WHEN OLD.cluster_id IS NOT NEW.cluster_id
        BEGIN {_enterprise_moved("1", "HAVING true")}; {_count_enterprise("OLD", "-")};
              {_count_enterprise("NEW", "+")}; END;""",
    f"""CREATE TRIGGER clusters_enterprise_count_insert AFTER INSERT ON {ENTERPRISE}
        BEGIN {_count_enterprise("NEW", "+")}; END;""",
    f"""CREATE TRIGGER clusters_enterprise_count_delete AFTER DELETE ON {ENTERPRISE}
        BEGIN {_count_enterprise("OLD", "-")}; END;""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name};" for name in (
    "clusters_figure_tally_insert", "clusters_figure_tally_delete", "clusters_figure_tally_update_new",
    "clusters_figure_tally_update_old", "clusters_enterprise_tally", "clusters_enterprise_count_insert",
    "clusters_enterprise_count_delete")]
TRIGGERS = {"postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD), "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD)}


def recount_sql() -> str:
    """SQL: the tally counted afresh from the figures (what the triggers keep)."""
    belongs = "(f.enterprise_id IS NULL OR e.cluster_id = f.cluster_id)"
    return f"""
        SELECT f.cluster_id, f.year, f.quarter, f.enterprise_id IS NOT NULL, f.status, {belongs}, COUNT(*),
               SUM(f.output_value)
        FROM {FIGURE} f LEFT JOIN {ENTERPRISE} e ON e.id = f.enterprise_id
        GROUP BY f.cluster_id, f.year, f.quarter, f.enterprise_id IS NOT NULL, f.status, {belongs}"""


def enterprises_sql() -> str:
    """SQL: each cluster's enterprises counted afresh (what the triggers keep)."""
    return f"SELECT cluster_id, COUNT(*) FROM {ENTERPRISE} GROUP BY cluster_id"


def rebuild(using=connection) -> None:
    """Recount the whole tally from the figures and enterprises (one transaction of the caller's; a few seconds at
    8 M figures)."""
    with using.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY}")
        cursor.execute(f"INSERT INTO {TALLY} ({_KEY}, figures, output) {recount_sql()}")
        cursor.execute(f"DELETE FROM {ENTERPRISES}")
        cursor.execute(f"INSERT INTO {ENTERPRISES} (cluster_id, enterprises) {enterprises_sql()}")
