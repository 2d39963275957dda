"""Shared set-up for the benchmarks: a throw-away PostgreSQL database and Django pointed at it."""
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from urllib.parse import urlparse

# BENCH_DATABASE_URL names another throw-away database (its name must start with jinzhou_bench), so that
# two people benchmarking on one server do not drop each other's data.
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jinzhou_bench")


def fresh_database(url: str = BENCH_URL) -> None:
    """Drop and create the benchmark database (never the app's own) and point Django at it.

    Django's own connections are closed first: a second run in the same process (`--scale both`)
    would otherwise find the database still in use by this very process.
    """
    name = urlparse(url).path.lstrip("/")
    if not name.startswith("jinzhou_bench"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases are named jinzhou_bench*")
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True)  # noqa: S603, S607 - fixed command
    use_database(url)


def use_database(url: str = BENCH_URL) -> None:
    """Point Django at the benchmark database as it is (for `--reuse`)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinzhou.settings.local")
    import django

    django.setup()


def vacuum_rollup_tables() -> None:
    """VACUUM (ANALYZE) the roll-up tables, as autovacuum does after a full roll-up (its default thresholds,
    20 % + 50 rows, are crossed by the rows every full run replaces). The benchmark server may run with
    autovacuum off; without this each run would find the dead rows of all the runs before it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) progress_progress, progress_rollupmark")


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """The median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_average() -> str:
    """The machine's 1-minute load average now, as `uptime` shows it: other work shares the cores."""
    return f"{os.getloadavg()[0]:.2f}"


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
