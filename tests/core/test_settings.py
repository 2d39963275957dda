"""Settings come from the environment; production refuses to start without a secret."""
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from org.models import User


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "CACHE_URL")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
                               "settings.CACHES['default']['BACKEND'])"],
        env=clean | {"DJANGO_SETTINGS_MODULE": "jinzhou.settings.production"} | env,
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _import_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_without_database_and_redis_urls_it_runs_on_sqlite_with_tasks_in_process():
    result = _import_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True",
                                     "django.core.cache.backends.locmem.LocMemCache"]


def test_with_redis_url_tasks_go_to_the_broker():
    result = _import_settings(SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:6379/9",
                              DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


def test_with_cache_url_the_cache_is_redis():
    result = _import_settings(SECRET_KEY="x" * 50, CACHE_URL="redis://127.0.0.1:6379/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "django.core.cache.backends.redis.RedisCache"


def test_language_and_time_zone():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == ("zh-hans", "Asia/Shanghai", True)
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


@pytest.mark.django_db
def test_demo_users_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_users")
    assert not User.objects.filter(username="planner").exists()


@pytest.mark.django_db
def test_demo_users_are_created_with_debug_on(settings):
    settings.DEBUG = True
    call_command("create_demo_users")
    planner = User.objects.get(username="planner")
    assert planner.role == User.Role.PLANNER
    assert planner.check_password("jinzhou-demo")
    assert set(User.objects.values_list("username", flat=True)) >= {"agri_editor", "service_viewer", "api_client"}
