"""The system tests' own databases, and the checks they make straight in SQL.

Each test gets a database of its own on the server of DATABASE_URL, copied from a template that is
migrated and seeded once per session (CREATE DATABASE … TEMPLATE: under a second), and dropped
afterwards. The tests never touch pytest's test database or any database they did not create.
"""
from __future__ import annotations

import subprocess
from decimal import Decimal
from urllib.parse import urlsplit

import psycopg2

from tests.system.procs import manage

# The roll-up tables, compared column by column except the row id, when it was computed and the
# history stamp it was computed at (a full recompute stamps every row anew; the numbers must not move).
ROLLUP_TABLES = ("progress_progress", "progress_inflowprogress", "progress_indicatorprogress")
STAMP_COLUMNS = {"id", "computed_at", "data_version"}


def connect(url: str):
    parts = urlsplit(url)
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                            password=parts.password or None, dbname=parts.path.lstrip("/"), connect_timeout=5)
    conn.autocommit = True
    return conn


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = connect(url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


class Server:
    """The PostgreSQL server of DATABASE_URL, where the tests create and drop their own databases."""

    def __init__(self, settings_dict: dict) -> None:
        self.host, self.port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        self.user, self.password = settings_dict["USER"] or "postgres", settings_dict["PASSWORD"] or ""

    def url(self, name: str) -> str:
        auth = f"{self.user}:{self.password}" if self.password else self.user
        return f"postgres://{auth}@{self.host}:{self.port}/{name}"

    def create(self, name: str, template: str | None = None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        query(self.url("postgres"), f"CREATE DATABASE {name}{clause}")
        return self.url(name)

    def drop(self, name: str) -> None:
        query(self.url("postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def copy_database(source_url: str, target_url: str) -> None:
    """pg_dump | pg_restore from one server to another (the private cluster of the restart test)."""
    dump = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--dbname={source_url}"],  # noqa: S603,S607
                          capture_output=True, check=True, timeout=120)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target_url}"],  # noqa: S603,S607
                   input=dump.stdout, capture_output=True, check=True, timeout=120)


def rollup_snapshot(url: str) -> dict[str, list[tuple]]:
    """Every roll-up row, without ids and stamps, in a stable order."""
    snapshot = {}
    for table in ROLLUP_TABLES:
        columns = [c for (c,) in query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                            "ORDER BY ordinal_position", (table,)) if c not in STAMP_COLUMNS]
        listed = ", ".join(columns)
        snapshot[table] = query(url, f"SELECT {listed} FROM {table} ORDER BY {listed}")  # noqa: S608 - names only
    return snapshot


def pending_marks(url: str) -> int:
    return query(url, "SELECT COUNT(*) FROM progress_rollupmark WHERE version > done_version")[0][0]


def approved_city_quarters(url: str) -> dict[tuple[int, int], Decimal]:
    """The city's quarter totals summed straight from the approved figures (the roll-up's source)."""
    rows = query(url, "SELECT year, quarter, SUM(output_value) FROM clusters_quarterlyfigure "
                      "WHERE status = 'approved' GROUP BY year, quarter")
    return {(y, q): total for y, q, total in rows}


def city_quarters(url: str) -> dict[tuple[int, int], Decimal]:
    rows = query(url, "SELECT year, quarter, value FROM progress_progress WHERE scope = 'city' AND quarter > 0")
    return {(y, q): value for y, q, value in rows}


def check_rollups_equal_full_recompute(url: str, env: dict[str, str]) -> int:
    """Assert that the roll-up tables equal a full recompute from the approved figures, and that the city
    totals equal plain SQL sums. Returns how many roll-up rows were compared."""
    before = rollup_snapshot(url)
    manage(env | {"DATABASE_URL": url, "REDIS_URL": ""}, "rollup", "--full")
    after = rollup_snapshot(url)
    for table in ROLLUP_TABLES:
        missing, extra = set(after[table]) - set(before[table]), set(before[table]) - set(after[table])
        assert before[table] == after[table], f"{table}: rows a full recompute adds {missing}, drops {extra}"
    assert city_quarters(url) == approved_city_quarters(url), "city totals differ from the approved figures' sums"
    return sum(len(rows) for rows in after.values())
