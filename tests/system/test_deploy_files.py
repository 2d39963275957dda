"""The deployment files agree with the code: `.env.example` lists every variable the settings read,
docker-compose.yml parses (Debian's docker-compose needs no engine for `config`), and bin/serve
refuses to start without its three required settings. No services needed."""
import os
import re
import shutil
import subprocess

import pytest

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
