"""Real Redis servers and Celery workers for tests, started and stopped by PID only.

Each test starts its own redis-server on a spare port and its own worker process, so nothing
else on the machine is touched. Without redis-server (a bare machine) these tests are skipped;
with CI=true they fail instead.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from jinzhou.celery import app as celery_app

IN_CI = os.environ.get("CI") == "true"
BASE_DIR = Path(settings.BASE_DIR)


def require_services() -> None:
    """Skip on a bare machine; in CI a missing service is a failure, never a skip."""
    problems = []
    if not shutil.which("redis-server"):
        problems.append("redis-server is not installed")
    if connection.vendor != "postgresql":
        problems.append("a real worker shares the test database, which needs PostgreSQL (set DATABASE_URL)")
    if problems:
        if IN_CI:
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class RedisServer:
    """A redis-server of our own on a spare port; keeps nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, f"redis on port {self.port}")
        print(f"[harness] started redis-server pid {self.process.pid} on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            print(f"[harness] stopping redis-server pid {self.process.pid}")
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class Worker:
    """A Celery worker process (solo pool: the task runs in the process we signal)."""

    def __init__(self, broker_url: str, log_dir: Path, name: str, **extra_env: str) -> None:
        self.broker_url, self.name = broker_url, name
        self.log_path = log_dir / f"{name}.log"
        self.extra_env = extra_env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        db = connection.settings_dict
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "jinzhou.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": self.broker_url,
            **self.extra_env,
        }
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "celery", "-A", "jinzhou", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{self.name}@%h"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        wait_for(lambda: "ready." in self.output(), 60, f"worker {self.name} to be ready")
        print(f"[harness] started worker {self.name} pid {self.process.pid}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        print(f"[harness] SIGKILL worker {self.name} pid {self.process.pid}")
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


def publish_to(broker_url: str) -> None:
    """Make this (test) process publish tasks to `broker_url` instead of running them eagerly."""
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker_url
    _forget_connections()


def publish_eagerly() -> None:
    celery_app.conf.task_always_eager = True
    _forget_connections()


def _forget_connections() -> None:
    # The app's pools are built from broker_url on first use; forget them so the next publish uses
    # the current URL (kombu keeps one pool per URL, so they are not closed here).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
