"""Load benchmark: the system load test (tests/system/test_load.py) run longer and wider, by hand.

Starts the same real stack (gunicorn, Celery worker and beat with production settings, a database
copied from a migrated template, its own redis-server) through pytest's fixtures, drives editors,
a planner and readers for --seconds, prints the per-kind table (requests, errors, req/s, p50, p95)
and checks the same invariants (nothing lost or duplicated, roll-up equal to a full recompute).
Needs DATABASE_URL (PostgreSQL) and redis-server. Example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinzhou_bench .venv/bin/python bench/load.py \
        --seconds 120 --editors 12 --readers 6 --web-workers 3
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--editors", type=int, default=12, help="at most one per cluster with a department (16)")
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    env = os.environ | {"LOAD_SECONDS": str(args.seconds), "LOAD_EDITORS": str(args.editors),
                        "LOAD_READERS": str(args.readers), "LOAD_WEB_WORKERS": str(args.web_workers)}
    return subprocess.call([sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider",
                            "tests/system/test_load.py"], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
