"""The processes of the production stack, started and stopped by PID for the system tests.

Every process runs in its own session (process group), logs to a file the test can read, and is
stopped by its own PID (SIGTERM, then SIGKILL to its group if it lingers), never by name. The app
processes use `jinzhou.settings.production` with the environment overrides a plain-HTTP loopback
run needs (docs/deploy.md).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.celery_harness import BASE_DIR, free_port, wait_for

PASSWORD = "pw-jinzhou-sys-123"
# A worker that restores a killed worker's message after 5 s instead of 30 minutes (the fault tests).
QUICK_REDELIVERY = {"CELERY_VISIBILITY_TIMEOUT": "5", "CELERY_UNACKED_RESTORE_INTERVAL": "1",
                    "CELERY_UNACKED_RESTORE_THROTTLE": "1"}


def app_env(*, database_url: str, redis_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    """The environment of gunicorn, worker, beat and manage.py: production settings on loopback HTTP."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "jinzhou.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": "system-test-secret-key-not-for-production-0123456789abcdef",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_HSTS_PRELOAD": "false",
        "STATIC_ROOT": str(static_root),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict[str, str], *args: str, timeout: float = 180, check: bool = True) -> str:
    """Run `manage.py <args>` with `env`; returns its output (with check=False, stderr too and never raises)."""
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if not check:
        return result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Proc:
    """One long-running process of ours, with its log."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, ready: Callable[[], object], timeout: float = 60) -> Proc:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
                self.args, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: self._exited_early() or ready(), timeout, f"{self.name} to be ready")
        if self._exited_early():
            raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.output()[-3000:]}")
        print(f"[stack] started {self.name} pid {self.pid}")
        return self

    def _exited_early(self) -> bool:
        return self.process.poll() is not None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        print(f"[stack] SIGKILL {self.name} pid {self.pid}")
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(10)
        self._kill_group()

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._kill_group()

    def _kill_group(self) -> None:
        # Children that outlived their parent (a gunicorn worker, say) are in the group we created.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
            return response.status == 200
    except OSError:
        return False


def gunicorn(env: dict[str, str], log_dir: Path, *, workers: int = 2, name: str = "gunicorn") -> tuple[Proc, str]:
    """gunicorn with the production config file (jinzhou/gunicorn_conf.py: gthread workers), on a free port."""
    port = free_port()
    proc = Proc(name, [sys.executable, "-m", "gunicorn", "-c", "jinzhou/gunicorn_conf.py", "jinzhou.wsgi:application",
                       "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--graceful-timeout", "5"],
                env, log_dir)
    url = f"http://127.0.0.1:{port}"
    proc.start(lambda: http_ok(f"{url}/accounts/login/"))
    return proc, url


def worker(env: dict[str, str], log_dir: Path, name: str = "worker", **extra: str) -> Proc:
    """A Celery worker with the solo pool: the roll-up runs in the very process a test may kill."""
    proc = Proc(name, [sys.executable, "-m", "celery", "-A", "jinzhou", "worker", "--pool=solo", "--loglevel=INFO",
                       "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"],
                env | extra, log_dir)
    return proc.start(lambda: "ready." in proc.output())


def beat(env: dict[str, str], log_dir: Path, name: str = "beat", **extra: str) -> Proc:
    proc = Proc(name, [sys.executable, "-m", "celery", "-A", "jinzhou", "beat", "--loglevel=INFO", "--max-interval",
                       "1", "--schedule", str(log_dir / f"{name}-schedule")], env | extra, log_dir)
    return proc.start(lambda: "beat: Starting" in proc.output())


# --- a private PostgreSQL cluster -------------------------------------------------------------------

def postgres_bin() -> Path | None:
    """The newest installed server's binaries (initdb, pg_ctl), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temp dir on a spare port, restarted at will by the test.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` user and every
    server command runs through `runuser -u postgres --`. The socket lives in the cluster's folder.
    """

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="jinzhou-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(args[:2])} failed: {result.stdout}{result.stderr}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        self.start()

    def _options(self) -> str:
        return f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-m", mode, "-w",
                  "restart")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except AssertionError as error:
                print(f"[stack] private postgres stop: {error}")
        shutil.rmtree(self.root, ignore_errors=True)
