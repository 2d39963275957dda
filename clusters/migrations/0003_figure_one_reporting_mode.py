"""Database guard: for one cluster and quarter, a direct figure or enterprise figures, never both.

A plain constraint cannot compare rows, so this is a trigger (PostgreSQL and SQLite). The
service also locks the cluster row, so two concurrent inserts cannot both pass the check.
"""
from django.db import migrations

# Written as two plain lookups (not one "mode differs" test) so that each can use an index on
# (cluster_id, year, quarter): a bulk import must not scan the table once per row.
_CONFLICT = """
    SELECT 1 FROM clusters_quarterlyfigure f
    WHERE f.cluster_id = NEW.cluster_id AND f.year = NEW.year AND f.quarter = NEW.quarter AND f.id <> NEW.id
      AND ((NEW.enterprise_id IS NULL AND f.enterprise_id IS NOT NULL)
           OR (NEW.enterprise_id IS NOT NULL AND f.enterprise_id IS NULL))
"""
MESSAGE = "figure_one_reporting_mode: a cluster reports as a whole or by enterprise in a quarter, never both"

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION clusters_figure_one_reporting_mode() RETURNS trigger AS $$
    BEGIN
        IF EXISTS ({_CONFLICT}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER clusters_figure_one_reporting_mode
    BEFORE INSERT OR UPDATE OF cluster_id, enterprise_id, year, quarter ON clusters_quarterlyfigure
    FOR EACH ROW EXECUTE FUNCTION clusters_figure_one_reporting_mode();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS clusters_figure_one_reporting_mode ON clusters_quarterlyfigure;",
    "DROP FUNCTION IF EXISTS clusters_figure_one_reporting_mode();",
]
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER clusters_figure_one_reporting_mode_{event.lower()}
    BEFORE {event} ON clusters_quarterlyfigure
    WHEN EXISTS ({_CONFLICT.replace("f.id <> NEW.id", "f.id IS NOT NEW.id")})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS clusters_figure_one_reporting_mode_{event};" for event in ("insert", "update")
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("clusters", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
