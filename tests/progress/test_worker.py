"""The roll-up through a real Celery worker and a real Redis, including a killed worker and a
broker that is down at approval time. Each test starts its own redis-server and workers and stops
only those, by PID (tests/celery_harness.py)."""
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
import requests

from clusters import services as figures
from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure
from org.models import User
from plan.loader import plan_load
from progress.models import Progress, RollupMark, Scope
from progress.services import rollup_full
from progress.tasks import rollup_sweep_task
from tests.celery_harness import RedisServer, Worker, publish_eagerly, publish_to, require_services, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-jinzhou-123"


@pytest.fixture
def stack(live_server, tmp_path):
    require_services()
    plan_load()
    redis = RedisServer()
    redis.start()
    publish_to(redis.url)
    workers: list[Worker] = []

    def start_worker(name: str, **env: str) -> Worker:
        worker = Worker(redis.url, tmp_path, name, **env)
        worker.start()
        workers.append(worker)
        return worker

    yield SimpleNamespace(redis=redis, start_worker=start_worker, url=live_server.url)
    for worker in workers:
        worker.stop()
    redis.stop()
    publish_eagerly()


@pytest.fixture
def people(db):
    planner = User.objects.create_user("planner-w", password=PASSWORD, role=User.Role.PLANNER)
    editor = User.objects.create_user("editor-w", password=PASSWORD, role=User.Role.EDITOR,
                                      department=Cluster.objects.get(code="heishan-main").responsible_department)
    return SimpleNamespace(planner=planner, editor=editor)


def _submitted(editor: User, *, quarter: int, value: str, year: int = 2012) -> QuarterlyFigure:
    cluster = Cluster.objects.get(code="heishan-main")
    figure = figures.figure_create(user=editor, cluster=cluster, year=year, quarter=quarter,
                                   output_value=Decimal(value))
    return figures.figure_submit(user=editor, figure_id=figure.pk, expected_version=figure.version)


def _login(base_url: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base_url}/accounts/login/", timeout=10)
    response = session.post(f"{base_url}/accounts/login/", timeout=10, data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert response.ok, "login failed"
    assert "sessionid" in session.cookies, "login failed"
    return session


def _approve_over_http(session: requests.Session, base_url: str, figure: QuarterlyFigure) -> requests.Response:
    return session.post(f"{base_url}/figures/{figure.pk}/approve/", timeout=30, data={
        "version": figure.version, "csrfmiddlewaretoken": session.cookies["csrftoken"]})


def _progress_row(session: requests.Session, base_url: str, figure: QuarterlyFigure) -> dict | None:
    response = session.get(f"{base_url}/api/v1/progress/", timeout=10, params={
        "scope": "cluster", "scope_id": figure.cluster_id, "year": figure.year, "quarter": figure.quarter})
    response.raise_for_status()
    results = response.json()["results"]
    return results[0] if results else None


def _snapshot() -> list[tuple]:
    return list(Progress.objects.order_by("scope", "scope_id", "year", "quarter").values_list(
        "scope", "scope_id", "year", "quarter", "value", "ytd_value", "prev_value", "yoy_growth", "units"))


def _mark(figure: QuarterlyFigure) -> RollupMark:
    return RollupMark.objects.get(cluster_id=figure.cluster_id, year=figure.year)


def test_worker_rolls_up_a_figure_approved_over_http(stack, people):
    figure = _submitted(people.editor, quarter=1, value="123.45")
    stack.start_worker("w1")
    session = _login(stack.url, people.planner.username)

    response = _approve_over_http(session, stack.url, figure)

    assert response.ok
    row = wait_for(lambda: (r := _progress_row(session, stack.url, figure)) and not r["pending"] and r,
                   60, "the worker's roll-up to show the approved figure in the API")
    print(f"[checked] API shows {row['value']} for the approved figure, pending={row['pending']}")
    assert row["value"] == "123.4500"
    assert Progress.objects.get(scope=Scope.CITY, year=2012, quarter=1).value == Decimal("123.45")


def test_worker_killed_mid_rollup_is_redelivered_and_totals_match(stack, people):
    first = _submitted(people.editor, quarter=1, value="10.5")
    publish_eagerly()  # the first quarter is rolled up in-process, before any worker runs
    figures.figure_approve(user=people.planner, figure_id=first.pk, expected_version=first.version)
    publish_to(stack.redis.url)
    second = _submitted(people.editor, quarter=2, value="20.25")
    slow = stack.start_worker("slow", ROLLUP_FAULT_PAUSE_SECONDS="60")

    figures.figure_approve(user=people.planner, figure_id=second.pk, expected_version=second.version)
    wait_for(lambda: "rollup_cluster_year_task" in slow.output(), 30, "the slow worker to take the roll-up")
    time.sleep(1)
    slow.kill()
    print("[injected] SIGKILL to the worker while its roll-up transaction was open")

    assert _mark(second).is_pending
    assert not Progress.objects.filter(scope=Scope.CLUSTER, year=2012, quarter=2).exists()
    fresh = stack.start_worker("fresh", CELERY_VISIBILITY_TIMEOUT="3", CELERY_UNACKED_RESTORE_INTERVAL="1",
                               CELERY_UNACKED_RESTORE_THROTTLE="1")
    wait_for(lambda: not _mark(second).is_pending, 90, "the redelivered roll-up on the new worker")
    assert "rollup_cluster_year_task" in fresh.output()

    after_redelivery = _snapshot()
    rollup_full()
    print(f"[checked] {len(after_redelivery)} roll-up rows after redelivery equal a full recompute")
    assert after_redelivery == _snapshot()
    assert Progress.objects.get(scope=Scope.CITY, year=2012, quarter=0).value == Decimal("30.75")


def test_approval_with_broker_down_succeeds_and_catches_up(stack, people):
    figure = _submitted(people.editor, quarter=3, value="42.00")
    stack.start_worker("w1")
    session = _login(stack.url, people.planner.username)
    stack.redis.stop()
    print("[injected] redis stopped before the approval")

    started = time.monotonic()
    response = _approve_over_http(session, stack.url, figure)
    elapsed = time.monotonic() - started

    print(f"[checked] approval answered {response.status_code} in {elapsed:.1f}s with the broker down")
    assert response.ok
    assert elapsed < 15
    figure.refresh_from_db()
    assert figure.status == FigureStatus.APPROVED
    assert _mark(figure).is_pending
    assert _progress_row(session, stack.url, figure) is None

    stack.redis.start()
    print("[injected] redis started again; publishing the periodic sweep as beat would")
    wait_for(lambda: _try_publish_sweep(), 60, "the broker to accept the sweep")
    row = wait_for(lambda: (r := _progress_row(session, stack.url, figure)) and not r["pending"] and r,
                   60, "the sweep to roll up the approval made while the broker was down")
    assert row["value"] == "42.0000"


def _try_publish_sweep() -> bool:
    try:
        rollup_sweep_task.apply_async(retry=False)
    except Exception:
        return False
    return True
