"""Shared parts of the benchmarks: throw-away PostgreSQL databases (one per scale), Django pointed at them,
the app served by gunicorn with the production config, and a person's session through the login form."""
import contextlib
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DATABASE_URL names another throw-away database (its name must start with jinzhou_bench), so that
# two people benchmarking on one server do not drop each other's data. Each scale has a database of its
# own, `<name>_city` and `<name>_province` (scale_url): `--scale both` never drops the database it is
# connected to, and the API and page benchmarks reuse what the roll-up benchmark generated.
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jinzhou_bench")
HOST = "127.0.0.1"


def scale_url(scale: str) -> str:
    """The benchmark database of one scale ("city" or "province")."""
    return f"{BENCH_URL}_{scale}"


def fresh_database(url: str = BENCH_URL) -> None:
    """Drop and create a benchmark database (never the app's own) and point Django at it.

    Django's own connections are closed first: a second run in the same process would otherwise find the
    database still in use by this very process.
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
    """Point Django at a benchmark database as it is (for `--reuse`).

    Django reads its settings once per process, so when a second scale's database is used in the same
    process, the default connection is closed and its settings (the very dict the connection reads when it
    reconnects) are pointed at the new database.
    """
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinzhou.settings.local")
    import django
    from django.conf import settings

    if settings.configured:
        import environ
        from django.db import connections

        connections.close_all()
        settings.DATABASES["default"].update(
            {key: value for key, value in environ.Env.db_url_config(url).items() if key != "OPTIONS"})
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(url: str, settings_module: str, **extra: str) -> dict[str, str]:
    """The web process's environment: DEBUG off, persistent connections, loopback only, no broker (a page or
    an API GET enqueues nothing), a throw-away secret."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "DATABASE_URL": url, "DEBUG": "false",
           "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 30, "ALLOWED_HOSTS": HOST, "CONN_MAX_AGE": "60",
           "LOG_LEVEL": "WARNING", **extra}
    env.pop("REDIS_URL", None)
    return env


def production_env(url: str, static_root: Path) -> dict[str, str]:
    """`jinzhou.settings.production` on plain loopback HTTP: no HTTPS redirect, cookies without the secure
    flag and no HSTS (docs/deploy.md), static files collected into `static_root` (see collect_static)."""
    return server_env(url, "jinzhou.settings.production", SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
                      CSRF_COOKIE_SECURE="false", SECURE_HSTS_SECONDS="0", SECURE_HSTS_PRELOAD="false",
                      STATIC_ROOT=str(static_root))


def collect_static(url: str) -> Path:
    """collectstatic into a temporary folder: the production settings' manifest storage needs one to render
    any page. Returns the folder (left for the OS to clean up: it is the server's)."""
    static_root = Path(tempfile.mkdtemp(prefix="jinzhou-bench-static-"))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   cwd=ROOT, env=production_env(url, static_root), check=True)
    return static_root


@dataclass
class Server:
    """A gunicorn master we started, and the URL it answers on."""

    process: subprocess.Popen
    url: str

    def worker_pids(self) -> list[int]:
        """The master's children: its workers."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:  # gone meanwhile
                    continue
                # Fields after the command name, which may itself hold spaces and parentheses.
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def serve(env: dict[str, str], *, workers: int | None = None, log: Path | None = None) -> Server:
    """gunicorn with the production config (jinzhou/gunicorn_conf.py) on a free loopback port, once /healthz
    answers; its output appended to `log` if given. Workers are not replaced after max_requests: a replaced
    worker drops its clients' kept-alive connections (wrk counts them as errors) and its memory (the page
    benchmark measures it)."""
    if workers:
        env = {**env, "WEB_CONCURRENCY": str(workers)}
    url = f"http://{HOST}:{free_port()}"
    with log.open("a") if log else contextlib.nullcontext() as output:
        process = subprocess.Popen(  # noqa: S603 - fixed command
            [sys.executable, "-m", "gunicorn", "--config", "jinzhou/gunicorn_conf.py", "jinzhou.wsgi:application",
             "--bind", url.removeprefix("http://"), "--max-requests", "0", "--log-level", "warning",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=output, stderr=output)
    server = Server(process, url)
    for _ in range(150):
        try:
            with urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit("gunicorn did not come up")


def login(base_url: str, username: str, password: str):
    """A person's session, signed in through the real login form (its CSRF token included)."""
    import requests

    session = requests.Session()
    form = session.get(f"{base_url}/accounts/login/", timeout=30)
    form.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(f"{base_url}/accounts/login/", timeout=30, allow_redirects=False,
                            data={"username": username, "password": password, "csrfmiddlewaretoken": token})
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login of {username} answered {response.status_code}")
    return session
