"""The figure tally (`FigureTally`): per cluster, quarter, reporting mode and status, how many figures and their
output, kept by database triggers so that it is right whoever writes the figures (services, imports, the
admin, `QuerySet.update`, a migration) and in the same transaction.

A figure counts when it is the cluster's own or its enterprise belongs to the cluster now (completeness's rule:
an enterprise moved to another cluster leaves its old figures behind, and they stop counting in either). So:
- a figure inserted, deleted or changed (status, output, cluster, enterprise, quarter) moves its count from the
  old key to the new one;
- an enterprise moved to another cluster takes its figures' counts out of its old cluster's tally and adds
  those it holds in the new cluster (usually none).

The triggers are created by migration `clusters.0013` on PostgreSQL (a PL/pgSQL function) and SQLite (one
trigger per event); `rebuild` recounts everything from the figures (the migration's backfill, and after bulk
writes made with triggers off: the benchmarks' generators). `tests/clusters/test_tally.py` checks the tally
against a recount after every kind of write.
"""
# ruff: noqa: S608 - the SQL here is built from this module's constant table and column names, never from input
from __future__ import annotations

from django.db import connection

TALLY, FIGURE, ENTERPRISE = "clusters_figuretally", "clusters_quarterlyfigure", "clusters_enterprise"
_KEY = "cluster_id, year, quarter, by_enterprise, status"
_ADD = (f"ON CONFLICT ({_KEY}) DO UPDATE SET figures = {TALLY}.figures + excluded.figures, "
        f"output = {TALLY}.output + excluded.output")


def _counts(row: str) -> str:
    """SQL: whether the figure `row` (OLD or NEW) counts in its cluster's tally (module docstring)."""
    return (f"({row}.enterprise_id IS NULL OR EXISTS (SELECT 1 FROM {ENTERPRISE} e "
            f"WHERE e.id = {row}.enterprise_id AND e.cluster_id = {row}.cluster_id))")


def _add(row: str, sign: str) -> str:
    """SQL: add (`sign` "+") or take away ("-") the figure `row` to or from its key."""
    return (f"INSERT INTO {TALLY} ({_KEY}, figures, output) VALUES ({row}.cluster_id, {row}.year, {row}.quarter, "
            f"{row}.enterprise_id IS NOT NULL, {row}.status, {sign}1, {sign}{row}.output_value) {_ADD}")


# An update that changes none of these leaves the tally alone (most edits: notes, revenue, versions).
_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}"
                       for c in ("cluster_id", "enterprise_id", "year", "quarter", "status", "output_value"))


def _enterprise_moved(sign_old: str, sign_new: str) -> str:
    """SQL: an enterprise moved from OLD.cluster_id to NEW.cluster_id: its figures' counts leave the old
    cluster and join the new one (`sign_old`/`sign_new` for SQLite, whose expressions differ)."""
    return f"""
        INSERT INTO {TALLY} ({_KEY}, figures, output)
        SELECT f.cluster_id, f.year, f.quarter, {sign_new}, f.status,
               CASE WHEN f.cluster_id = OLD.cluster_id THEN -COUNT(*) ELSE COUNT(*) END,
               CASE WHEN f.cluster_id = OLD.cluster_id THEN -SUM(f.output_value) ELSE SUM(f.output_value) END
        FROM {FIGURE} f WHERE f.enterprise_id = NEW.id AND f.cluster_id IN (OLD.cluster_id, NEW.cluster_id)
        GROUP BY f.cluster_id, f.year, f.quarter, f.status
        {sign_old} {_ADD}"""


POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION clusters_figure_tally() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND {_counts("OLD")} THEN {_add("OLD", "-")}; END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND {_counts("NEW")} THEN {_add("NEW", "+")}; END IF;
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
        {_enterprise_moved("", "true")};
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""CREATE TRIGGER clusters_enterprise_tally AFTER UPDATE OF cluster_id ON {ENTERPRISE}
        FOR EACH ROW WHEN (OLD.cluster_id IS DISTINCT FROM NEW.cluster_id)
        EXECUTE FUNCTION clusters_enterprise_tally();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS clusters_figure_tally_write ON {FIGURE};",
    f"DROP TRIGGER IF EXISTS clusters_figure_tally_update ON {FIGURE};",
    "DROP FUNCTION IF EXISTS clusters_figure_tally();",
    f"DROP TRIGGER IF EXISTS clusters_enterprise_tally ON {ENTERPRISE};",
    "DROP FUNCTION IF EXISTS clusters_enterprise_tally();",
]
SQLITE_FORWARD = [
    f"""CREATE TRIGGER clusters_figure_tally_insert AFTER INSERT ON {FIGURE} WHEN {_counts("NEW")}
        BEGIN {_add("NEW", "+")}; END;""",
    f"""CREATE TRIGGER clusters_figure_tally_delete AFTER DELETE ON {FIGURE} WHEN {_counts("OLD")}
        BEGIN {_add("OLD", "-")}; END;""",
    # Two triggers for an update (SQLite has no IF): take the old key away, add the new one, in either order.
    f"""CREATE TRIGGER clusters_figure_tally_update_new AFTER UPDATE ON {FIGURE}
        WHEN ({_CHANGED}) AND {_counts("NEW")} BEGIN {_add("NEW", "+")}; END;""",
    f"""CREATE TRIGGER clusters_figure_tally_update_old AFTER UPDATE ON {FIGURE}
        WHEN ({_CHANGED}) AND {_counts("OLD")} BEGIN {_add("OLD", "-")}; END;""",
    # SQLite parses `SELECT … ON CONFLICT` only with a WHERE before it (its documented ambiguity): `HAVING true`
    # closes the grouped SELECT instead.
    f"""CREATE TRIGGER clusters_enterprise_tally AFTER UPDATE OF cluster_id ON {ENTERPRISE}
        WHEN OLD.cluster_id IS NOT NEW.cluster_id
        BEGIN {_enterprise_moved("HAVING true", "1")}; END;""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name};" for name in (
    "clusters_figure_tally_insert", "clusters_figure_tally_delete", "clusters_figure_tally_update_new",
    "clusters_figure_tally_update_old", "clusters_enterprise_tally")]
TRIGGERS = {"postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD), "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD)}


def recount_sql() -> str:
    """SQL: the tally counted afresh from the figures (what the triggers keep)."""
    return f"""
        SELECT f.cluster_id, f.year, f.quarter, f.enterprise_id IS NOT NULL, f.status, COUNT(*), SUM(f.output_value)
        FROM {FIGURE} f LEFT JOIN {ENTERPRISE} e ON e.id = f.enterprise_id
        WHERE f.enterprise_id IS NULL OR e.cluster_id = f.cluster_id
        GROUP BY f.cluster_id, f.year, f.quarter, f.enterprise_id IS NOT NULL, f.status"""


def rebuild(using=connection) -> None:
    """Recount the whole tally from the figures (one transaction of the caller's; a few seconds at 8 M figures)."""
    with using.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TALLY}")
        cursor.execute(f"INSERT INTO {TALLY} ({_KEY}, figures, output) {recount_sql()}")
