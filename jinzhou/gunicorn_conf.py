"""gunicorn settings of the web process, the one place they are set: bin/serve, the Dockerfile,
docker-compose.yml and docs/deploy.md all start `gunicorn -c jinzhou/gunicorn_conf.py jinzhou.wsgi:application`
(a `--bind` on the command line overrides the default below).

Threaded workers (gthread): a request waiting for PostgreSQL holds one thread, not a whole process, so
two slow pages no longer starve everybody else (with two sync workers, `/api/v1/progress/` went from
14 ms to 29 s while two planners loaded `/`). One worker per core, since a Python process runs one
thread at a time, and WEB_THREADS threads in each (each thread keeps its own database connection when
CONN_MAX_AGE > 0: workers × threads connections in all).

A slow query is cut by PostgreSQL after DB_STATEMENT_TIMEOUT_MS (jinzhou/wsgi.py) and answered with
the 503 "请重试" page. `timeout` is not a per-request limit for gthread workers: it restarts a worker
whose main loop stops answering (a hung process), so it is kept well above the statement timeout.
"""
import os

bind = "127.0.0.1:8000"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, os.cpu_count() or 1))
threads = int(os.environ.get("WEB_THREADS") or 4)
timeout = int(os.environ.get("WEB_TIMEOUT") or 60)
# bin/serve gives every process 20 s to finish on SIGTERM before it kills what is left.
graceful_timeout = 20
keepalive = 5
# A worker is replaced after about this many requests, returning whatever memory a large page left behind.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
# The application is loaded once, in the master, before the workers fork: what it loads is shared by every
# worker (copy on write) and a worker replaced after max_requests starts at once. `when_ready` (below) loads
# matplotlib there too. A deploy restarts the service (bin/serve, docker compose), never `kill -HUP`: a HUP
# would keep the code loaded in the master.
preload_app = True
# The heartbeat file in memory: on a container's overlay file system its writes can stall a worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - a heartbeat file, no data


def when_ready(server) -> None:
    """In the master, before the workers fork: matplotlib and its font list, which the briefing's charts need
    (53 MB a worker would otherwise load on its first briefing: more than the page itself, 12–30 MB)."""
    from briefing.charts import preload

    preload()
