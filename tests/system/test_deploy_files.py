"""The deployment files agree with the code: `.env.example` lists every variable the settings read,
docker-compose.yml parses (Debian's docker-compose needs no engine for `config`), bin/serve
refuses to start without its three required settings, and every start of the web process uses the
one gunicorn config (threaded workers sized from the cores). No services needed."""
import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.celery_harness import BASE_DIR, IN_CI

# env("X"), env.int("X", …), os.environ.get("X"), os.getenv("X"), os.environ.setdefault("X", …)
ENV_READ = re.compile(r"""(?:\benv(?:\.\w+)?|os\.environ\.get|os\.getenv|os\.environ\.setdefault)"""
                      r"""\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def _read_variables() -> set[str]:
    found = set()
    for path in (BASE_DIR / "jinzhou").rglob("*.py"):
        found |= set(ENV_READ.findall(path.read_text()))
    return found


def _listed_variables() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE))


def test_env_example_lists_every_variable_the_settings_read():
    missing = _read_variables() - _listed_variables()
    assert not missing, f".env.example does not list {sorted(missing)}"


def test_docker_compose_config_is_valid():
    if not shutil.which("docker-compose"):
        (pytest.fail if IN_CI else pytest.skip)("docker-compose is not installed (apt-get install docker-compose)")
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "--env-file", ".env.example", "config", "-q"],  # noqa: S607
        cwd=BASE_DIR, env=os.environ | {"ENV_FILE": ".env.example"}, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("unset", "database_url"), [
    ("DATABASE_URL", None), ("REDIS_URL", "postgres://u@127.0.0.1/j"), ("SECRET_KEY", "postgres://u@127.0.0.1/j"),
])
def test_serve_refuses_to_start_without_its_required_settings(unset, database_url):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env |= {"DATABASE_URL": database_url or "", "REDIS_URL": "redis://127.0.0.1:1/0", "SECRET_KEY": "k"}
    env[unset] = ""
    result = subprocess.run([str(BASE_DIR / "bin" / "serve")], env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=30, check=False)
    assert result.returncode == 2
    assert f"refusing to start: {unset}" in result.stderr


def test_serve_refuses_sqlite():
    env = os.environ | {"DATABASE_URL": "sqlite:///db.sqlite3", "REDIS_URL": "redis://127.0.0.1:1/0", "SECRET_KEY": "k"}
    result = subprocess.run([str(BASE_DIR / "bin" / "serve")], env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=30, check=False)
    assert result.returncode == 2
    assert "must be PostgreSQL" in result.stderr


GUNICORN_CONFIG = "jinzhou/gunicorn_conf.py"
# Each place that starts the web process, and how it names gunicorn's command line there.
WEB_STARTS = {"bin/serve": "-m gunicorn", "Dockerfile": '["gunicorn"', "docker-compose.yml": "gunicorn ",
              "docs/deploy.md": "gunicorn "}


@pytest.mark.parametrize("path", sorted(WEB_STARTS))
def test_every_start_of_the_web_process_uses_the_one_gunicorn_config(path):
    lines = [line for line in (BASE_DIR / path).read_text().splitlines()
             if WEB_STARTS[path] in line and "jinzhou.wsgi:application" in line]
    assert lines, f"{path} does not start gunicorn"
    for line in lines:
        assert GUNICORN_CONFIG in line, line
        # Workers, threads and timeouts come from the config file, never from a second place.
        assert not re.search(r"--(workers|threads|worker-class|timeout)\b|\s-[wkt]\s", line), line


def _gunicorn_settings(**env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WEB_")} | env
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-m", "gunicorn", "--print-config", "--config", GUNICORN_CONFIG, "jinzhou.wsgi:application"],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=30, check=True)
    return dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))


def test_gunicorn_runs_threaded_workers_one_per_core_with_a_timeout_above_the_statement_timeout():
    config = _gunicorn_settings()
    assert config["worker_class"] == "gthread"
    assert int(config["workers"]) == max(2, os.cpu_count() or 1)
    assert int(config["threads"]) == 4
    # The database cancels a slow statement (503 "请重试") long before gunicorn would restart a worker.
    assert int(config["timeout"]) * 1000 > settings.DB_STATEMENT_TIMEOUT_MS > 0


def test_gunicorn_workers_threads_and_timeout_come_from_the_environment():
    config = _gunicorn_settings(WEB_CONCURRENCY="3", WEB_THREADS="8", WEB_TIMEOUT="90")
    assert (config["workers"], config["threads"], config["timeout"]) == ("3", "8", "90")
