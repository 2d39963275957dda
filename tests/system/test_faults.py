"""Faults injected into the running stack (gunicorn, Celery worker and beat, production settings),
each test stating what it injected and what it checked, and ending with nothing lost and the
roll-up equal to a full recompute from the approved figures.

- a worker SIGKILLed in the middle of a roll-up, and a new one started;
- Redis stopped while figures are approved, then started again (beat sweeps every 3 s here);
- PostgreSQL (a private cluster) restarted and stopped while a user keeps saving;
- two beats at once, and the nightly full recompute sent twice concurrently.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

import requests
from celery import Celery

from clusters.models import FIRST_FIGURE_YEAR
from tests.celery_harness import wait_for
from tests.system.db import check_rollups_equal_full_recompute, pending_marks, rollup_snapshot
from tests.system.procs import QUICK_REDELIVERY
from tests.system.web import Api, Browser, enter_and_submit

PENDING_BADGE = re.compile(r'class="[^"]*\bpending\b')


def _people(stack):
    api = Api(stack.url, stack.seed["token"])
    return api, Browser(stack.url).login(stack.seed["planner"])


def test_worker_killed_mid_rollup_is_redelivered_and_nothing_is_lost(stack, proof):
    stack.web()
    slow = stack.worker("slow", ROLLUP_FAULT_PAUSE_SECONDS="60")
    stack.beat()
    api, planner = _people(stack)
    editor = stack.seed["editors"][0]
    browser = Browser(stack.url).login(editor["username"])
    figure = enter_and_submit(browser, api, unit=editor["unit"], cluster_id=editor["cluster_id"],
                              year=2013, quarter=1, value="10.5")

    assert planner.approve(figure["id"], figure["version"]).status_code == 302
    wait_for(lambda: "rollup_cluster_year_task" in slow.output(), 30, "the slow worker to take the roll-up")
    time.sleep(1)
    slow.kill()
    proof("injected", f"SIGKILL to worker pid {slow.pid} while its roll-up transaction was open")

    assert api.progress_row("cluster", editor["cluster_id"], 2013, 1) is None, "a killed roll-up committed nothing"
    assert pending_marks(stack.database_url) == 1
    fresh = stack.worker("fresh", **QUICK_REDELIVERY)
    started = time.monotonic()
    api.wait_for_value("cluster", editor["cluster_id"], 2013, 1, "10.5000", timeout=90)
    api.wait_for_value("city", 0, 2013, 0, "10.5000")
    assert "rollup_cluster_year_task" in fresh.output(), "the new worker ran the redelivered message"
    rows = check_rollups_equal_full_recompute(stack.database_url, stack.env)
    proof("checked", f"new worker ran the redelivered roll-up {time.monotonic() - started:.1f}s after start; "
                     f"API shows 10.5000; {rows} roll-up rows equal a full recompute; no pending marks")
    assert pending_marks(stack.database_url) == 0


def test_approvals_with_redis_down_answer_at_once_and_the_sweep_catches_up(stack, proof):
    stack.extra_env["ROLLUP_SWEEP_SECONDS"] = "3"
    stack.web()
    stack.worker()
    stack.beat()
    api, planner = _people(stack)
    editor = stack.seed["editors"][1]
    unit, cluster_id = editor["unit"], editor["cluster_id"]
    browser = Browser(stack.url).login(editor["username"])
    first = enter_and_submit(browser, api, unit=unit, cluster_id=cluster_id, year=2014, quarter=1, value="5")
    assert planner.approve(first["id"], first["version"]).status_code == 302
    api.wait_for_value("city", 0, 2014, 1, "5.0000")
    later = [enter_and_submit(browser, api, unit=unit, cluster_id=cluster_id, year=2014, quarter=q, value=v)
             for q, v in ((2, "7"), (3, "11"))]

    stack.redis.stop()
    proof("injected", "redis-server stopped (by its PID) before two approvals")
    for figure in later:
        started = time.monotonic()
        response = planner.approve(figure["id"], figure["version"])
        elapsed = time.monotonic() - started
        proof("checked", f"approval of {figure['id']} answered {response.status_code} in {elapsed:.2f}s, broker down")
        assert response.status_code == 302
        assert elapsed < 10
    year_row = api.progress_row("city", 0, 2014, 0)
    assert (year_row["value"], year_row["pending"]) == ("5.0000", True), "the API says the roll-up is pending"
    assert PENDING_BADGE.search(planner.get("/").text), "the start page says the roll-up is pending"
    assert [f["status"] for f in api.figures(cluster=cluster_id, year=2014)] == ["approved"] * 3

    stack.redis.start()
    proof("injected", "redis-server started again on the same port; beat sweeps every 3 s")
    started = time.monotonic()
    api.wait_for_value("city", 0, 2014, 0, "23.0000", timeout=120)
    api.wait_for_value("cluster", cluster_id, 2014, 3, "11.0000")
    assert "rollup_sweep_task" in stack.processes[1].output(), "the sweep, not a lost message, caught up"
    rows = check_rollups_equal_full_recompute(stack.database_url, stack.env)
    proof("checked", f"the sweep caught up {time.monotonic() - started:.1f}s after redis returned: year 23.0000, "
                     f"not pending; {rows} roll-up rows equal a full recompute")


@dataclass
class Attempt:
    period: tuple[int, int]
    values: dict[str, str]
    status: int | str
    body: str = ""
    retry_after: str | None = None


@dataclass
class Saver:
    """A user saving a whole entry screen (every unit of the department: one transaction) in a loop,
    and an API reader beside it, recording every answer."""

    browser: Browser
    api: Api
    units: list[str]
    attempts: list[Attempt] = field(default_factory=list)
    api_answers: list[tuple[int | str, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        periods = [(y, q) for y in range(FIRST_FIGURE_YEAR, 2026) for q in range(1, 5)]
        for number, period in enumerate(periods, start=1):
            if self.stop.is_set():
                return
            values = {unit: f"{number}.{i + 1}" for i, unit in enumerate(self.units)}
            try:
                response = self.browser.save_quarter(*period, values)
                self.attempts.append(Attempt(period, values, response.status_code, response.text,
                                             response.headers.get("Retry-After")))
            except requests.RequestException as error:
                self.attempts.append(Attempt(period, values, f"connection error: {error}"))
            try:
                response = self.api.get("progress/", scope="city")
                self.api_answers.append((response.status_code, response.text))
            except requests.RequestException as error:
                self.api_answers.append((f"connection error: {error}", ""))
            # A person would not hammer a "try again" page; this also keeps the 64 quarters from running out.
            time.sleep(0.05 if self.attempts[-1].status == 302 else 0.25)

    def count(self, status: int) -> int:
        return sum(a.status == status for a in self.attempts)


def test_postgres_restart_answers_try_again_and_never_half_saves(private_stack, proof):
    stack, postgres = private_stack
    stack.web()
    stack.worker()
    api = Api(stack.url, stack.seed["token"])
    browser = Browser(stack.url).login(stack.seed["editors"][0]["username"])
    units = sorted(browser.entry_versions(FIRST_FIGURE_YEAR, 1))
    saver = Saver(browser, api, units)
    thread = threading.Thread(target=saver.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: saver.count(302) >= 3, 30, "a few saves before the restart")
        postgres.restart("fast")
        proof("injected", f"pg_ctl restart -m fast of the private cluster (port {postgres.port}) during saves")
        done = saver.count(302)
        wait_for(lambda: saver.count(302) >= done + 3, 30, "saves to work again after the restart")
        during_restart = len(saver.attempts)
        postgres.stop("fast")
        proof("injected", "pg_ctl stop -m fast, 3 s down, pg_ctl start, while the user keeps saving")
        time.sleep(3)
        postgres.start()
        done = saver.count(302)
        wait_for(lambda: saver.count(302) >= done + 3, 30, "saves to work again after the start")
    finally:
        saver.stop.set()
        thread.join(60)

    statuses = {a.status for a in saver.attempts}
    refused = [a for a in saver.attempts if a.status == 503]
    proof("checked", f"{len(saver.attempts)} saves of {len(units)} rows each: {saver.count(302)} saved, "
                     f"{len(refused)} answered 503 ({sum(a.status == 503 for a in saver.attempts[:during_restart])} "
                     f"around the restart); API answers {sorted({s for s, _ in saver.api_answers}, key=str)}")
    assert statuses <= {302, 503}, f"only 'saved' or 'try again', never {statuses - {302, 503}}"
    assert refused, "the 3 s outage met at least one save"
    assert all("请重试" in a.body and "please try again" in a.body.lower() and a.retry_after for a in refused)
    assert {s for s, _ in saver.api_answers} <= {200, 503}
    for status, body in saver.api_answers:
        if status == 503:
            assert '"code": "database_unavailable"' in body or '"code":"database_unavailable"' in body
    assert saver.attempts[-1].status == 302, "the next request after the outage works"

    stored = {}
    for cluster_id, year, quarter, value in stack.sql(
            "SELECT cluster_id, year, quarter, output_value FROM clusters_quarterlyfigure"):
        stored.setdefault((year, quarter), {})[f"c{cluster_id}"] = f"{value.normalize():f}"
    for attempt in saver.attempts:
        saved = stored.get(attempt.period, {})
        if attempt.status == 302:
            assert saved == attempt.values, f"{attempt.period}: answered saved, stored {saved}"
        else:
            assert saved in ({}, attempt.values), f"{attempt.period}: half-saved {saved} of {attempt.values}"
    histories = stack.sql("SELECT COUNT(*) FROM clusters_historicalquarterlyfigure")[0][0]
    assert histories >= sum(len(v) for v in stored.values()), "every stored figure has its history row"
    proof("checked", f"{len(stored)} quarters stored, each with all {len(units)} rows or none; every '302' "
                     f"quarter present with its values; the save after the outage worked")


def test_two_beats_and_a_doubled_full_recompute_give_the_rows_of_one_run(stack, proof):
    stack.extra_env["ROLLUP_SWEEP_SECONDS"] = "2"
    stack.web()
    workers = [stack.worker("w1"), stack.worker("w2")]
    beats = [stack.beat("beat-a"), stack.beat("beat-b")]
    proof("injected", f"two beats (pids {beats[0].pid}, {beats[1].pid}) sweeping every 2 s, two workers")
    api, _planner = _people(stack)
    figures = []
    for number, editor in enumerate(stack.seed["editors"][:4], start=1):
        browser = Browser(stack.url).login(editor["username"])
        figures += [enter_and_submit(browser, api, unit=editor["unit"], cluster_id=editor["cluster_id"], year=2016,
                                     quarter=q, value=f"{number}{q}.25") for q in (1, 2)]
    for figure in figures:
        assert api.approve(figure).status_code == 200

    sender = Celery(broker=stack.redis.url)
    for _ in range(2):
        sender.send_task("progress.tasks.rollup_full_task")
    proof("injected", "progress.tasks.rollup_full_task published twice at once (two beats' nightly run)")
    wait_for(lambda: sum(_full_runs(w) for w in workers) >= 2, 90, "both full recomputes to finish")
    wait_for(lambda: all(b.output().count("rollup-sweep") >= 2 for b in beats), 30, "both beats to send sweeps")
    wait_for(lambda: pending_marks(stack.database_url) == 0, 60, "no pending marks")
    wait_for(lambda: _settled(stack), 60, "the roll-up rows to stop changing")

    total = sum(Decimal(f["output_value"]) for f in figures)
    year = api.progress_row("city", 0, 2016, 0)
    assert Decimal(year["value"]) == total
    duplicates = stack.sql("SELECT scope, scope_id, year, quarter FROM progress_progress "
                           "GROUP BY scope, scope_id, year, quarter HAVING COUNT(*) > 1")
    assert duplicates == []
    rows = check_rollups_equal_full_recompute(stack.database_url, stack.env)
    sweeps = [b.output().count("rollup-sweep") for b in beats]
    runs = [_full_runs(w) for w in workers]
    proof("checked", f"beats sent {sweeps} sweeps; workers ran {runs} full recomputes; city 2016 = "
                     f"{year['value']} (sum of {len(figures)} approvals); {rows} roll-up rows equal one full "
                     f"recompute; no duplicate rows")


def _settled(stack) -> bool:
    before = rollup_snapshot(stack.database_url)
    time.sleep(3)
    return before == rollup_snapshot(stack.database_url) and pending_marks(stack.database_url) == 0


def _full_runs(worker) -> int:
    return sum("rollup_full_task[" in line and "succeeded" in line for line in worker.output().splitlines())
