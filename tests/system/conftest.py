"""Fixtures of the system tests: the real stack (gunicorn, Celery worker and beat, production
settings) on a database and a redis-server of the test's own, every process started and stopped by
PID in finalizers that run even when the test fails.

Needs PostgreSQL (DATABASE_URL) and redis-server: skipped on a bare machine, failed when CI=true
(tests/celery_harness.py). Each test states what it injected and what it checked through `proof`;
the lines are printed (shown with a failure) and listed again in the terminal summary.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.celery_harness import IN_CI, RedisServer
from tests.system import procs
from tests.system.db import Server, copy_database, query

PROOFS: list[str] = []
_DATABASE_NUMBERS = itertools.count(1)
SEED_SCRIPT = """
import json
from rest_framework.authtoken.models import Token
from clusters.models import Cluster
from org.models import User
PASSWORD = %r
planner = User.objects.create_user("sys-planner", password=PASSWORD, role=User.Role.PLANNER, is_staff=True)
token, _ = Token.objects.get_or_create(user=planner)
editors = []
for cluster in Cluster.objects.filter(responsible_department__isnull=False).order_by("code"):
    user = User.objects.create_user(f"sys-editor-{cluster.code}", password=PASSWORD, role=User.Role.EDITOR,
                                    department=cluster.responsible_department)
    editors.append({"username": user.username, "cluster_id": cluster.pk, "unit": f"c{cluster.pk}"})
print("SEED" + json.dumps({"planner": planner.username, "token": token.key, "editors": editors}))
""" % procs.PASSWORD  # noqa: UP031 - the script is a template for one literal


def require_system(*, private_postgres: bool = False) -> None:
    """Skip on a bare machine; with CI=true a missing service or tool fails the test instead."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append("the system tests need PostgreSQL (set DATABASE_URL)")
    if not shutil.which("redis-server"):
        problems.append("redis-server is not installed")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        problems.append("pg_dump / pg_restore are not installed")
    if private_postgres and procs.postgres_bin() is None:
        problems.append("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    if private_postgres and os.geteuid() == 0 and not shutil.which("runuser"):
        problems.append("running as root needs runuser to start PostgreSQL as the postgres user")
    if problems:
        (pytest.fail if IN_CI else pytest.skip)("; ".join(problems))


@pytest.fixture
def proof(request):
    """proof("injected", "…") / proof("checked", "…"): what a fault test did and saw, for the CI log."""

    def record(kind: str, text: str) -> None:
        line = f"[{kind}] {request.node.name}: {text}"
        print(line, flush=True)
        PROOFS.append(line)

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    if PROOFS:
        terminalreporter.section("system tests: injected faults and checks")
        for line in PROOFS:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture(scope="session")
def system(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """Once per session: a template database (migrated, plan loaded, users and a token) and static files."""
    require_system()
    server = Server(connection.settings_dict)
    root = tmp_path_factory.mktemp("system")
    template = f"jz_systpl_{os.getpid()}"
    server.drop(template)
    server.create(template)
    try:
        env = procs.app_env(database_url=server.url(template), redis_url="", static_root=root / "static")
        procs.manage(env, "migrate", "--noinput")
        procs.manage(env, "load_plan")
        procs.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        output = procs.manage(env, "shell", "-c", SEED_SCRIPT)
        seed = json.loads(output[output.index("SEED") + 4:])
        yield SimpleNamespace(server=server, template=template, static_root=root / "static", seed=seed)
    finally:
        server.drop(template)


@dataclass
class Stack:
    """One test's stack: its database (a copy of the template), its redis-server and its processes."""

    system: SimpleNamespace
    log_dir: Path
    database_url: str = ""
    redis: RedisServer = field(default_factory=RedisServer)
    processes: list[procs.Proc] = field(default_factory=list)
    url: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return procs.app_env(database_url=self.database_url, redis_url=self.redis.url,
                             static_root=self.system.static_root, **self.extra_env)

    @property
    def seed(self) -> dict:
        return self.system.seed

    def web(self, workers: int = 2) -> str:
        proc, self.url = procs.gunicorn(self.env, self.log_dir, workers=workers)
        self.processes.append(proc)
        return self.url

    def worker(self, name: str = "worker", **extra: str) -> procs.Proc:
        proc = procs.worker(self.env, self.log_dir, name, **extra)
        self.processes.append(proc)
        return proc

    def beat(self, name: str = "beat", **extra: str) -> procs.Proc:
        proc = procs.beat(self.env, self.log_dir, name, **extra)
        self.processes.append(proc)
        return proc

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        return query(self.database_url, statement, params)

    def stop(self, failed: bool) -> None:
        for proc in reversed(self.processes):
            proc.stop()
            if failed:
                print(f"--- {proc.name} (pid {proc.process.pid}) log tail ---\n{proc.output()[-4000:]}")
        self.redis.stop()


@pytest.fixture
def stack(system, request, tmp_path) -> Iterator[Stack]:
    """A stack on a fresh copy of the template database on the DATABASE_URL server; start what you need."""
    name = f"jz_sys_{os.getpid()}_{next(_DATABASE_NUMBERS)}"
    system.server.drop(name)
    stack = Stack(system, tmp_path, database_url=system.server.create(name, template=system.template))
    try:
        stack.redis.start()
        yield stack
    finally:
        stack.stop(getattr(request.node, "failed_call", True))
        system.server.drop(name)


@pytest.fixture
def private_stack(system, request, tmp_path) -> Iterator[tuple[Stack, procs.PrivatePostgres]]:
    """A stack whose database lives on a private PostgreSQL cluster the test may stop and restart."""
    require_system(private_postgres=True)
    postgres = procs.PrivatePostgres()
    stack = Stack(system, tmp_path)
    try:
        postgres.init()
        query(postgres.url("postgres"), "CREATE DATABASE jinzhou")
        copy_database(system.server.url(system.template), postgres.url("jinzhou"))
        stack.database_url = postgres.url("jinzhou")
        stack.redis.start()
        yield stack, postgres
    finally:
        stack.stop(getattr(request.node, "failed_call", True))
        postgres.destroy()
