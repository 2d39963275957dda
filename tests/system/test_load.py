"""Load on the real stack (gunicorn 2 sync workers, a Celery worker and beat, PostgreSQL, Redis), bounded
for CI: editors saving and submitting figures, a planner approving them through the API, and readers
of the start page, the goals page and the progress and clusters API, all at once for LOAD_SECONDS
(default 30). Then: no request failed, every figure an editor saw saved is stored once with its
value and approved, and the roll-up equals a full recompute. The numbers go to docs/performance.md
("Load"); bench/load.py runs the same for longer.
"""
from __future__ import annotations

import os
import time
from decimal import Decimal

from tests.celery_harness import wait_for
from tests.system.db import check_rollups_equal_full_recompute, pending_marks
from tests.system.load import LoadRun

SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
EDITORS = int(os.environ.get("LOAD_EDITORS", "6"))
READERS = int(os.environ.get("LOAD_READERS", "3"))


def test_concurrent_editors_planner_and_readers_lose_nothing(stack, proof):
    stack.web(workers=int(os.environ.get("LOAD_WEB_WORKERS", "2")))
    stack.worker()
    stack.beat()

    run = LoadRun(stack.url, stack.seed, editors=EDITORS, readers=READERS, seconds=SECONDS).run()

    table = run.tally.table(run.elapsed)
    print(table)
    proof("checked", f"{EDITORS} editors, 1 planner, {READERS} readers for {run.elapsed:.0f}s: {run.tally.requests} "
                     f"requests, {run.tally.requests / run.elapsed:.1f} req/s, {run.tally.error_count} errors, "
                     f"{len(run.saved)} figures saved+submitted, {run.approved} approved\n{table}")
    assert run.tally.error_count == 0, dict(run.tally.errors)
    assert run.tally.refusal_count == 0, dict(run.tally.refusals)
    assert run.saved, "the editors saved something"

    rows = stack.sql("SELECT cluster_id, year, quarter, output_value, status FROM clusters_quarterlyfigure")
    stored = {(f"c{cluster}", year, quarter): (value, status) for cluster, year, quarter, value, status in rows}
    assert len(stored) == len(rows), "no reporting unit has two figures for one quarter"
    assert set(stored) == set(run.saved), "every save is stored, and nothing else"
    assert all(stored[key] == (Decimal(value), "approved") for key, value in run.saved.items())
    assert run.approved == len(run.saved)

    started = time.monotonic()
    wait_for(lambda: pending_marks(stack.database_url) == 0, 120, "the roll-up to catch up")
    caught_up = time.monotonic() - started
    compared = check_rollups_equal_full_recompute(stack.database_url, stack.env)
    proof("checked", f"{len(rows)} figures stored once each with their values, all approved; roll-up caught up "
                     f"{caught_up:.1f}s after the load; {compared} roll-up rows equal a full recompute")
