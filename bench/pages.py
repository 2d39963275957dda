"""Page benchmark: every page as a planner and as a department editor, city scale against province scale.

Run by hand (`make bench`, or `python bench/pages.py [--scale city|province|both] [--reuse] [--repeat 5]
[--roles planner,editor]`); never inside the test suite. Needs PostgreSQL.

1. Data: the roll-up benchmark's scales (bench/rollup.py), each in its own database (bench/common.py):
   city 15 clusters × 300 enterprises × 20 quarters = 90,000 figures, province 200 × 1,000 × 40 =
   8,000,000, rolled up and vacuumed. The last quarter's figures are then set back to submitted (city
   4,500, province 200,000: the review queue after a reporting round), everything is rolled up again, and
   the figures, enterprises and figure tally are vacuumed (what autovacuum does after such a round).
   `--reuse` keeps a database that already holds its scale (generating the province takes 3–4 minutes).
   People: a planner, and an editor and a viewer of the first competent department (市经信委), which is
   responsible for a third of the generated clusters.
2. Server: gunicorn with the production config (jinzhou/gunicorn_conf.py, gthread) and the production
   settings on plain loopback HTTP (bench.common.production_env: DEBUG off, no HTTPS redirect, no secure
   cookie flag, static files collected), persistent database connections, the statement timeout of
   jinzhou/wsgi.py (20 s: a longer query answers 503). One worker by default (`--workers`): a single
   client sending one request at a time is served by one worker anyway, and one worker makes the memory
   reading exact.
3. Each person signs in once per scale through the real login form (CSRF token and all; sessions are kept
   in the database, so they survive the restarts below). For every page and person a server per scale is
   started afresh, each worker warmed with one small signed-in request (the login page: URLconf, middleware
   and session loaded), its peak (VmHWM) reset to its resident size through /proc/<pid>/clear_refs and read
   as the idle size; then one warm-up request and `--repeat` timed ones (wall time of the whole response,
   read to the end), the scales taking turns request by request (city, province, city, …), so that a
   change of the machine's load meets both scales alike. Peak RSS is VmHWM afterwards minus the idle size:
   what the page, its first rendering (templates compiled) included, adds to a worker at its worst. Size is
   the HTML's length in bytes (uncompressed). A page that answers anything but 200 (a 503 from the statement
   timeout, a 500, a redirect to the login page) or not within `--timeout` seconds is an error and is shown as such; 403
   and 404 (a page the person may not see) are shown as refused and measure nothing. When the warm-up and
   the first timed request both fail with a 5xx or a timeout, the page's remaining requests are not sent
   (the result lists the answers it got): a page past the statement timeout would otherwise cost minutes.
Prints a table, which pages miss the targets (issue 15: province/city median time ≤ 2, ≤ 50 MB peak RSS
above the idle worker and ≤ 2 MB of HTML per page, errors miss all three), and as its last line one JSON
object: {"worst_ratio", "worst_page", "max_rss_mb", "pages", "misses", "load"}. The machine may be shared:
the 1-minute load average is shown for every page.
"""
import argparse
import json
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import collect_static, load_average, login, production_env, scale_url, serve
from bench.rollup import rolled_up

PASSWORD = "bench-pages-pw-7381"  # noqa: S105 - a throw-away benchmark database's users
ROLES = ("planner", "editor", "viewer")
# Paths with the ids of the scale's data (prepare): the keys of the results.
PAGES = (
    "/", "/dashboard/department/{department}/", "/figures/entry/", "/figures/review/",
    "/figures/review/?status=approved", "/figures/completeness/", "/goals/", "/ranking/", "/investment/",
    "/clusters/", "/clusters/{cluster}/", "/parks/{park}/", "/map/", "/briefing/", "/inbox/",
    # The header's inbox badge: every page fetches it once loaded (static/js/app.js).
    "/inbox/count/", "/history/clusters.cluster/{history}/",
)
MAX_RATIO, MAX_RSS_MB, MAX_BYTES = 2.0, 50.0, 2 * 1024 * 1024
REFUSED = {"403", "404"}
# Signed in, it loads the URLconf, the middleware and the session, and reads nothing that grows with the data.
WARM = "/accounts/login/"


def prepare(scale: str, reuse: bool) -> dict[str, int]:
    """The scale's database, rolled up, with its last quarter submitted and the three people; returns the
    ids the paths name."""
    rolled_up(scale, reuse)
    from django.db import connection

    from bench.common import vacuum_rollup_tables
    from clusters.models import Cluster, QuarterlyFigure
    from org.models import Department, User
    from parks.models import Park
    from progress.services import rollup_full

    last = QuarterlyFigure.objects.filter(cluster__code__startswith="bench-").order_by("-year", "-quarter").first()
    queued = QuarterlyFigure.objects.filter(cluster__code__startswith="bench-", year=last.year, quarter=last.quarter,
                                            status="approved").update(status="submitted")
    if queued:
        print(f"{queued:,} figures of {last.year} Q{last.quarter} set back to submitted; rolling up again", flush=True)
        rollup_full()
        vacuum_rollup_tables()
        # As autovacuum would after a reporting round (docs/performance.md, "VACUUM and the visibility map"):
        # without it every index-only read of the quarter's figures visits the heap until the next vacuum.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) clusters_quarterlyfigure, clusters_enterprise, clusters_figuretally")
    department = Department.objects.filter(kind="commission").order_by("id").first()
    for role in ROLES:
        user, _ = User.objects.update_or_create(username=f"bench-{role}", defaults={
            "role": role, "department": None if role == "planner" else department, "is_active": True})
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    clusters = Cluster.objects.filter(responsible_department=department).order_by("id")
    park = Park.objects.filter(responsible_department=department).order_by("id").first() or Park.objects.first()
    ids = {"department": department.pk, "cluster": clusters.filter(code__startswith="bench-").first().pk,
           "park": park.pk, "history": clusters.exclude(code__startswith="bench-").first().pk}
    connection.close()
    return ids


def _status(pid: int) -> dict[str, int]:
    """A process's memory lines of /proc/<pid>/status, in kB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: int(value.split()[0]) for key, _, value in (line.partition(":") for line in lines)
            if key in ("VmRSS", "VmHWM")}


def _get(session, url: str, timeout: float) -> tuple[str, bytes | None]:
    """The status ("200", "503", "timeout", "no answer") and the body of one request."""
    import requests

    try:
        response = session.get(url, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        return "timeout", None
    except requests.ConnectionError:
        return "no answer", None
    return str(response.status_code), response.content


@dataclass
class _Run:
    """One scale's requests of a page as they come in."""

    statuses: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    size: int | None = None
    warm_up_failed: bool = False
    stopped: bool = False


def measure(targets: dict[str, tuple], repeat: int, timeout: float) -> dict[str, dict]:
    """One page at each scale, {scale: (server, session, path)}, each on a freshly started server: its answers,
    times, size and the worker's peak above idle. The scales take turns, request by request (city, province,
    city, …): a change in the machine's load in the meantime meets both alike, where timing one scale's pages
    minutes after the other's let it move the ratio by a quarter."""
    idle = {}
    for scale, (server, session, _path) in targets.items():
        _get(session, f"{server.url}{WARM}", timeout)
        for pid in server.worker_pids():
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
        idle[scale] = {pid: _status(pid)["VmHWM"] for pid in server.worker_pids()}
    runs = {scale: _Run() for scale in targets}
    for number in range(repeat + 1):
        for scale, (server, session, path) in targets.items():
            run = runs[scale]
            if run.stopped:
                continue
            started = time.perf_counter()
            status, body = _get(session, f"{server.url}{path}", timeout)
            run.size = len(body) if body is not None else run.size
            if number == 0:  # the warm-up
                run.warm_up_failed = _failed(status)
                continue
            run.statuses.append(status)
            run.times.append(1000 * (time.perf_counter() - started))
            # Two failures in a row: the page fails; the rest would only cost minutes of timeouts.
            run.stopped = run.warm_up_failed and _failed(status)
    load = load_average()
    return {scale: {"statuses": run.statuses, "ms": round(statistics.median(run.times), 1), "bytes": run.size,
                    "rss_mb": round(max(_status(pid)["VmHWM"] - before for pid, before in idle[scale].items())
                                    / 1024, 1), "load": load}
            for scale, run in runs.items()}


def _failed(status: str) -> bool:
    return not status.isdigit() or status.startswith("5")


def outcome(result: dict) -> str:
    """"ok", "refused" (403/404) or "error" (anything else, a timeout included)."""
    if all(status == "200" for status in result["statuses"]):
        return "ok"
    if set(result["statuses"]) <= REFUSED:
        return "refused"
    return "error"


@dataclass
class Site:
    """One scale's prepared database and how its servers are started."""

    scale: str
    ids: dict[str, int]
    env: dict[str, str]
    log: Path
    sessions: dict = field(default_factory=dict)  # role → signed-in session (kept across restarts)


def site(scale: str, args: argparse.Namespace) -> Site:
    ids = prepare(scale, args.reuse)
    url = scale_url(scale)
    static_root = collect_static(url)
    log = static_root.parent / f"jinzhou-bench-pages-{scale}.log"
    print(f"{scale}: server output (warnings, tracebacks of errors and refusals): {log}", flush=True)
    return Site(scale, ids, production_env(url, static_root), log)


def run_pages(sites: list[Site], args: argparse.Namespace) -> dict[str, dict[str, dict]]:
    """Every page as every person, at every scale of `sites` in turn (`measure`): {scale: {"role path": result}}.
    For each page and person each scale's server is started afresh and stopped after."""
    results: dict[str, dict[str, dict]] = {site_.scale: {} for site_ in sites}
    for page in (p for p in PAGES if not args.pages or any(part in p for part in args.pages)):
        for role in args.roles:
            servers = {}
            try:
                for site_ in sites:
                    servers[site_.scale] = serve(site_.env, workers=args.workers, log=site_.log)
                    if role not in site_.sessions:
                        site_.sessions[role] = login(servers[site_.scale].url, f"bench-{role}", PASSWORD)
                measured = measure({site_.scale: (servers[site_.scale], site_.sessions[role],
                                                  page.format(**site_.ids)) for site_ in sites},
                                   args.repeat, args.timeout)
            finally:
                for server in servers.values():
                    server.stop()
            for scale, result in measured.items():
                results[scale][f"{role} {page}"] = result
                shown = "/".join(sorted(set(result["statuses"])))
                print(f"{scale:<9}{role:<8}{page:<40}{shown:>8}{result['ms']:>10.1f} ms{result['bytes'] or 0:>10,} B"
                      f"{result['rss_mb']:>7.1f} MB   load {result['load']}", flush=True)
    return results


def summary(results: dict[str, dict[str, dict]]) -> dict:
    """The figures the issue's targets are about, from {scale: {page: result}} (pure: tested).

    worst_ratio is the largest province/city median among pages that answered 200 at both scales (None
    with one scale); a page that errs at any scale misses the targets instead of having a ratio. Memory
    counts every page, failed ones included: a worker that grew by 600 MB before its statement was
    cancelled did grow."""
    city, province = results.get("city", {}), results.get("province", {})
    pages, misses = {}, {}
    for key in {**city, **province}:
        entry = {scale: results[scale][key] for scale in ("city", "province") if key in results.get(scale, {})}
        outcomes = {scale: outcome(result) for scale, result in entry.items()}
        ratio = None
        if key in city and key in province and set(outcomes.values()) == {"ok"}:
            ratio = round(province[key]["ms"] / city[key]["ms"], 2)
        entry["ratio"] = ratio
        reasons = [f"{scale} answered {'/'.join(sorted(set(entry[scale]['statuses'])))}"
                   for scale, kind in outcomes.items() if kind == "error"]
        answered = [entry[scale] for scale in outcomes]
        measured = [entry[scale] for scale, kind in outcomes.items() if kind == "ok"]
        if ratio is not None and ratio > MAX_RATIO:
            reasons.append(f"time ×{ratio}")
        if any(result["rss_mb"] > MAX_RSS_MB for result in answered):
            reasons.append(f"memory {max(result['rss_mb'] for result in answered)} MB")
        if any(result["bytes"] > MAX_BYTES for result in measured):
            reasons.append(f"HTML {max(result['bytes'] for result in measured):,} B")
        if reasons:
            misses[key] = reasons
        pages[key] = entry
    ratios = {key: entry["ratio"] for key, entry in pages.items() if entry["ratio"] is not None}
    worst = max(ratios, key=ratios.get) if ratios else None
    rss = [result["rss_mb"] for scale in results.values() for result in scale.values()]
    return {"worst_ratio": ratios.get(worst), "worst_page": worst, "max_rss_mb": max(rss, default=None),
            "pages": pages, "misses": misses}


def table(summary_: dict) -> str:
    """The results side by side: median ms, kB and MB above idle at each scale, the ratio, what is missed."""
    lines = [f"{'page (person, path)':<50}{'city ms':>9}{'kB':>7}{'MB':>6}{'prov. ms':>10}{'kB':>7}{'MB':>6}"
             f"{'ratio':>7}  misses"]
    for key, entry in summary_["pages"].items():
        cells = []
        for scale in ("city", "province"):
            result = entry.get(scale)
            if result is None:
                cells.append(f"{'':>9}{'':>7}{'':>6}")
            elif outcome(result) == "ok":
                cells.append(f"{result['ms']:>9.1f}{result['bytes'] / 1024:>7.0f}{result['rss_mb']:>6.1f}")
            else:
                cells.append(f"{'/'.join(sorted(set(result['statuses']))):>9}{'':>7}{'':>6}")
        ratio = "" if entry["ratio"] is None else f"{entry['ratio']:.2f}"
        lines.append(f"{key:<50}{cells[0]} {cells[1]}{ratio:>7}  {'; '.join(summary_['misses'].get(key, []))}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["city", "province", "both"], default="both")
    parser.add_argument("--reuse", action="store_true", help="keep a scale's database if it already holds its data")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page after one warm-up (median)")
    parser.add_argument("--roles", default="planner,editor", help=f"comma-separated, of {', '.join(ROLES)}")
    parser.add_argument("--pages", default="", help="comma-separated parts of paths: only the pages holding one "
                                                    "(e.g. inbox,review); default every page")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (default 1; see above)")
    parser.add_argument("--timeout", type=float, default=30,
                        help="seconds before a request counts as timed out (default 30: the statement timeout is 20)")
    args = parser.parse_args()
    args.roles = args.roles.split(",")
    args.pages = [part for part in args.pages.split(",") if part]
    # A SIGTERM (timeout, kill) unwinds like Ctrl-C, so the gunicorn of the moment is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sites = [site(scale, args) for scale in (["city", "province"] if args.scale == "both" else [args.scale])]
    loads = [load_average()]
    results = run_pages(sites, args)
    loads.append(load_average())
    result = summary(results)
    result["load"] = loads
    print()
    print(table(result))
    verdicts = [f"province/city median ≤ {MAX_RATIO:g}: worst {result['worst_ratio']} ({result['worst_page']})",
                f"peak RSS above idle ≤ {MAX_RSS_MB:g} MB: worst {result['max_rss_mb']} MB",
                f"HTML ≤ {MAX_BYTES // 1024 // 1024} MB"]
    print("targets: " + "; ".join(verdicts))
    print(f"pages missing a target: {len(result['misses'])}" + "".join(
        f"\n  {key}: {'; '.join(reasons)}" for key, reasons in result["misses"].items()))
    print(f"load average (1 min) before and after the pages: {' '.join(loads)}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
