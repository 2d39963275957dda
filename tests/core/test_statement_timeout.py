"""The web process's statement timeout (DB_STATEMENT_TIMEOUT_MS, jinzhou/wsgi.py) on real PostgreSQL:
a page or API request whose query runs too long is cancelled by the database and answered 503
"请重试" at once, the connection stays usable, and only the web process is limited."""
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from core.unavailable import limit_statements
from org.models import User
from tests.conftest import IN_CI
from tests.core.slow_urls import SLEEP_SECONDS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.core.slow_urls")]
LIMIT_MS = 300


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        (pytest.fail if IN_CI else pytest.skip)("the statement timeout is PostgreSQL's (set DATABASE_URL)")


@pytest.fixture
def web_limit():
    """This test's connections as the web process opens them (jinzhou/wsgi.py), with a 300 ms limit."""
    _require_postgresql()
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    limit_statements({"default": connection.settings_dict}, LIMIT_MS)
    connection.close()
    yield
    options.clear()
    options.update(saved)
    connection.close()


@pytest.fixture
def planner_client() -> Client:
    # A transactional test starts from an empty database: a planner needs no department.
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("planner-timeout", role=User.Role.PLANNER))
    return client


def _timed_get(client: Client, path: str):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_a_page_whose_query_runs_too_long_answers_503_try_again_at_once(web_limit, planner_client):
    response, seconds = _timed_get(planner_client, "/slow/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "请重试" in response.content.decode()
    assert seconds < SLEEP_SECONDS / 2, f"the request took {seconds:.1f} s: the query was not cancelled"


def test_an_api_request_whose_query_runs_too_long_answers_the_api_error_at_once(web_limit, planner_client):
    response, seconds = _timed_get(planner_client, "/api/v1/slow/")

    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert seconds < SLEEP_SECONDS / 2, f"the request took {seconds:.1f} s: the query was not cancelled"


def test_after_a_cancelled_query_the_same_connection_serves_the_next_request(web_limit, planner_client):
    assert planner_client.get("/api/v1/slow/").status_code == 503

    assert planner_client.get("/api/v1/progress/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{LIMIT_MS}ms"


def _setting_in_a_new_process(code: str, setting: str = "statement_timeout") -> str:
    """`SHOW <setting>` from a new Python process set up as `code` says, on the test database."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:" \
          f"{database['PORT'] or 5432}/{database['NAME']}"
    script = (f"{code}\nfrom django.db import connection\nwith connection.cursor() as cursor:\n"
              f"    cursor.execute('SHOW {setting}')\n    print(cursor.fetchone()[0])")
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "jinzhou.settings.test", "DB_STATEMENT_TIMEOUT_MS": "1500",
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_only_the_web_process_is_limited():
    _require_postgresql()
    # gunicorn and runserver load jinzhou/wsgi.py; Celery workers and management commands only set Django up.
    assert _setting_in_a_new_process("import jinzhou.wsgi") == "1500ms"
    assert _setting_in_a_new_process("import django\ndjango.setup()") == "0"


def test_the_web_process_compiles_no_query_just_in_time():
    _require_postgresql()
    assert _setting_in_a_new_process("import jinzhou.wsgi", "jit") == "off"


def test_the_limit_is_only_given_to_postgresql_and_zero_means_none():
    def databases() -> dict:
        return {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c search_path=x"}},
                "other": {"ENGINE": "django.db.backends.sqlite3"}}

    unlimited = databases()
    limit_statements(unlimited, 0)
    assert unlimited["default"]["OPTIONS"] == {"options": "-c search_path=x -c jit=off"}

    limited = databases()
    limit_statements(limited, 250)
    assert limited["default"]["OPTIONS"] == {"options": "-c search_path=x -c jit=off -c statement_timeout=250"}
    assert "OPTIONS" not in limited["other"]
