"""Shared set-up for the benchmarks: a throw-away PostgreSQL database and Django pointed at it."""
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from urllib.parse import urlparse

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jinzhou_bench")


def fresh_database(url: str = BENCH_URL) -> None:
    """Drop and create the benchmark database (never the app's own) and point Django at it."""
    name = urlparse(url).path.lstrip("/")
    if not name.startswith("jinzhou_bench"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases are named jinzhou_bench*")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True)  # noqa: S603, S607 - fixed command
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinzhou.settings.local")
    import django

    django.setup()


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """The median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
