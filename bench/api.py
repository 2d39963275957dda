"""API benchmark: clusters/, progress/, goals/ and figures/ under concurrent load against a bare-Django floor.

Run by hand (`make bench`, or `.venv/bin/python bench/api.py [--reuse] [--duration 20]`); never
inside the test suite. Needs PostgreSQL and wrk (Debian: `apt-get install -y wrk`).

1. Data: the roll-up benchmark's province scale (bench/rollup.py: 200 clusters × 1,000 enterprises
   × 40 quarters = 8,000,000 approved figures) in the throw-away database `jinzhou_bench` (or the one
   BENCH_DATABASE_URL names), rolled up and vacuumed (`--reuse` keeps a database an earlier run left,
   skipping the ~4 minutes of generation).
2. Server: gunicorn with the production config (jinzhou/gunicorn_conf.py: threaded workers, one per
   core) on 127.0.0.1 with DEBUG off and persistent database connections, settings
   `bench.api_settings`, whose URLconf adds the floor views of `bench/api_floor.py` to the app's own URLs.
3. Load: wrk, one thread and `--connections` connections for `--duration` seconds per URL, first
   page (100 rows) of each endpoint as a city-wide API client with a token, then the floor view
   returning the same JSON (checked equal before the load) from the same tables; `--rounds N`
   alternates N API/floor pairs per endpoint and shows the medians (steadier on a shared machine).
Prints requests/s, p50 and p99 for each, the API's throughput as a share of the floor's, and the
1-minute load average before and after each endpoint's runs (other work shares the cores).
Target: ≥ 60 % of the floor.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BENCH_URL, fresh_database, load_average, use_database, vacuum_rollup_tables  # noqa: E402
from bench.rollup import SCALES, generate  # noqa: E402

HOST, PORT = "127.0.0.1", 8765
BASE = f"http://{HOST}:{PORT}"
ENDPOINTS = ["clusters", "progress", "goals", "figures"]
TARGET = 0.60


def prepare(reuse: bool) -> str:
    """The database with province-scale data rolled up; returns a city-wide API client's token key."""
    if reuse:
        use_database(BENCH_URL)
    else:
        fresh_database()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from clusters.models import QuarterlyFigure
    from org.models import User
    from plan.loader import plan_load
    from progress.models import Progress
    from progress.services import rollup_full

    if not reuse or not Progress.objects.exists():
        connection.close()
        call_command("migrate", verbosity=0)
        plan_load()
        started = time.perf_counter()
        figures = generate(*SCALES["province"])
        print(f"generated {figures:,} figures in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        rollup_full()
        print(f"rolled up in {time.perf_counter() - started:.0f} s", flush=True)
    vacuum_rollup_tables()
    print(f"data: {QuarterlyFigure.objects.count():,} figures, {Progress.objects.count():,} roll-up rows")
    client, _ = User.objects.get_or_create(username="bench-api-client", defaults={"role": User.Role.API_CLIENT})
    token, _ = Token.objects.get_or_create(user=client)
    connection.close()
    return token.key


def start_server(workers: int | None) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.api_settings", "DATABASE_URL": BENCH_URL,
           "DEBUG": "false", "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 30, "ALLOWED_HOSTS": HOST,
           "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING", "API_THROTTLE_USER": "100000000/minute"}
    env.pop("REDIS_URL", None)
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    # The production config, except that workers are not replaced after max_requests: a replaced worker
    # drops its clients' kept-alive connections, which wrk counts as errors.
    server = subprocess.Popen(  # noqa: S603 - fixed command
        [sys.executable, "-m", "gunicorn", "--config", "jinzhou/gunicorn_conf.py", "jinzhou.wsgi:application",
         "--bind", f"{HOST}:{PORT}", "--max-requests", "0", "--log-level", "warning", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with urlopen(f"{BASE}/healthz", timeout=1) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not come up")


def fetch(path: str, token: str | None) -> dict:
    request = Request(f"{BASE}{path}", headers={"Authorization": f"Token {token}"} if token else {})  # noqa: S310
    with urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def load(path: str, token: str | None, duration: int, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    output = subprocess.run([*command, f"{BASE}{path}"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors or "Socket errors" in output:
        print(output)
        raise SystemExit(f"{path}: errors under load")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
    }


def _median(results: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true",
                        help="keep the benchmark database (BENCH_DATABASE_URL) if it already holds the data")
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per URL (default 20)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="API/floor pairs per endpoint, alternating; the median is shown (default 1)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's, one per core)")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS), help=f"comma-separated (default {ENDPOINTS})")
    args = parser.parse_args()
    endpoints = args.endpoints.split(",")

    token = prepare(args.reuse)
    server = start_server(args.workers)
    try:
        for endpoint in endpoints:
            api, floor = fetch(f"/api/v1/{endpoint}/", token), fetch(f"/floor/{endpoint}/", None)
            api["next"] = api["next"] and api["next"].replace("/api/v1/", "/floor/").replace("&page_size", "")
            if api != floor:
                raise SystemExit(f"{endpoint}: the floor's JSON differs from the API's")
        workers = args.workers or max(2, os.cpu_count() or 1)
        print(f"\n== API under load: {os.cpu_count()} cores, gunicorn {workers} gthread workers "
              f"(jinzhou/gunicorn_conf.py), wrk 1 thread × {args.connections} connections × {args.duration} s per URL "
              f"× {args.rounds} round(s) (median), first page (100 rows), city-wide API client (token)")
        print(f"{'endpoint':<12}{'':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'API/floor':>12}{'load':>7}")
        ratios = []
        for endpoint in endpoints:
            load_before = load_average()
            runs = [(load(f"/api/v1/{endpoint}/", token, args.duration, args.connections),
                     load(f"/floor/{endpoint}/", None, args.duration, args.connections)) for _ in range(args.rounds)]
            api, floor = (_median([run[i] for run in runs]) for i in (0, 1))
            ratio = api["rps"] / floor["rps"]
            ratios.append(ratio)
            for name, result, shown, load_shown in (("API", api, f"{100 * ratio:.0f} %", load_before),
                                                    ("floor", floor, "", load_average())):
                print(f"{endpoint if name == 'API' else '':<12}{name:>8}{result['rps']:>10.1f}{result['p50']:>10.1f}"
                      f"{result['p99']:>10.1f}{shown:>12}{load_shown:>7}", flush=True)
        verdict = "met" if min(ratios) >= TARGET else "NOT met"
        print(f"target: API ≥ {100 * TARGET:.0f} % of the floor's throughput on every endpoint: {verdict}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
