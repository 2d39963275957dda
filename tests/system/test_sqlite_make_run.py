"""`make run` on a bare machine: SQLite, in-process tasks, Django's threaded runserver. Ten planners'
approvals fired at once used to fail with "database is locked" (HTTP 500, rows left 已报送); with WAL,
IMMEDIATE transactions and a busy timeout every one is approved, and none answers 5xx.

Needs nothing but Python: runs on a bare machine and in CI alike."""
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.celery_harness import free_port
from tests.system import procs
from tests.system.web import Browser

SEED = """
from decimal import Decimal
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import Department, User
User.objects.create_user("sq-planner", password=%r, role=User.Role.PLANNER,
                         department=Department.objects.get(code="jxw"))
for cluster in Cluster.objects.order_by("code")[:10]:
    QuarterlyFigure.objects.create(cluster=cluster, year=2012, quarter=1, output_value=Decimal("12.5"),
                                   status=FigureStatus.SUBMITTED)
""" % procs.PASSWORD  # noqa: UP031 - the script is a template for one literal
APPROVE_FORM = re.compile(r'action="/figures/(?P<id>\d+)/approve/".*?name="version" value="(?P<version>\d+)"', re.S)


@pytest.fixture
def sqlite_server(tmp_path: Path):
    env = procs.os.environ | {"DJANGO_SETTINGS_MODULE": "jinzhou.settings.local", "DEBUG": "true",
                              "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("REDIS_URL", None)
    for args in (("migrate", "--noinput"), ("load_plan",), ("shell", "-c", SEED)):
        procs.manage(env, *args)
    port = free_port()
    server = procs.Proc("runserver", [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                        env, tmp_path)
    url = f"http://127.0.0.1:{port}"
    server.start(lambda: procs.http_ok(f"{url}/accounts/login/"))
    yield url
    server.stop()


@pytest.mark.django_db
def test_ten_approvals_at_once_on_sqlite_all_succeed(sqlite_server):
    browsers = [Browser(sqlite_server).login("sq-planner") for _ in range(10)]
    review = browsers[0].get("/figures/review/", year=2012, quarter=1).text
    pending = [(int(m["id"]), int(m["version"])) for m in APPROVE_FORM.finditer(review)]
    assert len(pending) == 10, review[:2000]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda pair: pair[0].approve(*pair[1]), zip(browsers, pending, strict=True)))

    assert [a.status_code for a in answers if a.status_code >= 500] == []
    assert {a.status_code for a in answers} == {302}
    after = browsers[0].get("/api/v1/figures/", year=2012, quarter=1, status="approved").json()
    assert after["count"] == 10
