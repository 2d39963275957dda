"""API benchmark: clusters/, progress/, goals/ and figures/ under concurrent load against a bare-Django floor.

Run by hand (`make bench`, or `.venv/bin/python bench/api.py [--reuse] [--duration 20]`); never
inside the test suite. Needs PostgreSQL and wrk (Debian: `apt-get install -y wrk`).

1. Data: the roll-up benchmark's province scale (bench/rollup.py: 200 clusters × 1,000 enterprises
   × 40 quarters = 8,000,000 approved figures) in the throw-away database `jinzhou_bench_province` (or
   the `<name>_province` of the one BENCH_DATABASE_URL names), rolled up and vacuumed (`--reuse` keeps a
   database an earlier run left, skipping the ~4 minutes of generation).
2. Server: gunicorn with the production config (jinzhou/gunicorn_conf.py: threaded workers, one per
   core) on a free loopback port with DEBUG off and persistent database connections, settings
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
from pathlib import Path
from urllib.request import Request, urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, scale_url, serve, server_env
from bench.rollup import rolled_up

ENDPOINTS = ["clusters", "progress", "goals", "figures"]
TARGET = 0.60


def prepare(reuse: bool) -> str:
    """The database with province-scale data rolled up; returns a city-wide API client's token key."""
    rolled_up("province", reuse)
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from clusters.models import QuarterlyFigure
    from org.models import User
    from progress.models import Progress

    print(f"data: {QuarterlyFigure.objects.count():,} figures, {Progress.objects.count():,} roll-up rows")
    client, _ = User.objects.get_or_create(username="bench-api-client", defaults={"role": User.Role.API_CLIENT})
    token, _ = Token.objects.get_or_create(user=client)
    connection.close()
    return token.key


def fetch(base: str, path: str, token: str | None) -> dict:
    request = Request(f"{base}{path}", headers={"Authorization": f"Token {token}"} if token else {})  # noqa: S310
    with urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def load(base: str, path: str, token: str | None, duration: int, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "30s"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    output = subprocess.run([*command, f"{base}{path}"], capture_output=True, text=True, check=True).stdout  # noqa: S603
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
    # No REDIS_URL (server_env): the throttle counts in each worker's memory, at a rate the run cannot reach.
    server = serve(server_env(scale_url("province"), "bench.api_settings", API_THROTTLE_USER="100000000/minute"),
                   workers=args.workers)
    try:
        for endpoint in endpoints:
            api = fetch(server.url, f"/api/v1/{endpoint}/", token)
            floor = fetch(server.url, f"/floor/{endpoint}/", None)
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
            runs = [(load(server.url, f"/api/v1/{endpoint}/", token, args.duration, args.connections),
                     load(server.url, f"/floor/{endpoint}/", None, args.duration, args.connections))
                    for _ in range(args.rounds)]
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
        server.stop()


if __name__ == "__main__":
    main()
