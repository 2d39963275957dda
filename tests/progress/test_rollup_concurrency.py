"""A full roll-up computes without locks and swaps its rows in within one short transaction: an
approval made while it computes returns at once, and what the approval changed is in the roll-up
after the swap. Real PostgreSQL, two connections: the full run in a thread of its own.

The full run is held just after its computation (a wrapper around `progress.rollup.stage`, in that
thread only) until the approval has returned, so the test does not depend on how long the
computation takes on this machine: had the run kept its year locks while computing, as it used to,
the approval's roll-up would wait for them and the approval would not return before the hold ends.
"""
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from clusters import services as figures
from clusters.models import Cluster
from org.models import User
from plan.loader import plan_load
from progress import rollup
from progress.models import Progress, RollupMark, Scope
from progress.services import rollup_full
from tests.conftest import IN_CI
from tests.progress.figures import approved_year

pytestmark = pytest.mark.django_db(transaction=True)
HOLD_SECONDS = 20


def _value(scope: Scope, scope_id: int, year: int, quarter: int) -> Decimal | None:
    row = Progress.objects.filter(scope=scope, scope_id=scope_id, year=year, quarter=quarter).first()
    return row.value if row else None


def test_an_approval_during_a_full_rollup_returns_at_once_and_counts(monkeypatch):
    if connection.vendor != "postgresql":
        (pytest.fail if IN_CI else pytest.skip)("two connections at once need PostgreSQL (set DATABASE_URL)")
    # given: pv's 2011 and 2012 approved and rolled up, and a figure of 2012 submitted for review
    plan_load()  # a transactional test starts from an empty database
    pv = Cluster.objects.get(code="pv")
    planner = User.objects.create_user("planner-concurrency", role=User.Role.PLANNER)
    approved_year("pv", 2011, "100", quarters=3)
    approved_year("pv", 2012, "90", quarters=3)
    rollup_full()
    figure = figures.figure_create(user=planner, cluster=pv, year=2012, quarter=4, output_value=Decimal(40),
                                   note="late report")
    figure = figures.figure_submit(user=planner, figure_id=figure.pk, expected_version=figure.version)

    # and: a full roll-up in another thread, held after it has computed its rows
    staged, release = threading.Event(), threading.Event()
    full_run = threading.current_thread()  # replaced below by the full run's thread
    original_stage = rollup.stage

    def stage_then_hold(**kwargs):
        version = original_stage(**kwargs)
        if threading.current_thread() is full_run:
            staged.set()
            release.wait(HOLD_SECONDS)
        return version

    monkeypatch.setattr(rollup, "stage", stage_then_hold)
    outcome: dict[str, object] = {}

    def run_full() -> None:
        try:
            outcome["years"] = rollup_full()
        except Exception as exc:  # reported by the main thread
            outcome["error"] = exc
        finally:
            connection.close()

    full_run = threading.Thread(target=run_full)
    full_run.start()
    try:
        assert staged.wait(60), "the full roll-up did not reach its swap"

        # when: the planner approves (the incremental roll-up runs in-process, on commit)
        started = time.monotonic()
        figures.figure_approve(user=planner, figure_id=figure.pk, expected_version=figure.version)
        approval_seconds = time.monotonic() - started
    finally:
        release.set()
        full_run.join(60)

    # then: the approval did not wait for the full run, which was still holding
    assert approval_seconds < 2, f"the approval took {approval_seconds:.1f} s"
    assert outcome == {"years": [2011, 2012]}
    # and: the swap kept the approval: pv's 2012 Q4 and year, the city's, with growth on 2011
    assert _value(Scope.CLUSTER, pv.pk, 2012, 4) == Decimal(40)
    assert _value(Scope.CLUSTER, pv.pk, 2012, 0) == Decimal(130)
    assert _value(Scope.CITY, 0, 2012, 0) == Decimal(130)
    assert Progress.objects.get(scope=Scope.CITY, scope_id=0, year=2012, quarter=0).yoy_growth == Decimal("0.3")
    assert not RollupMark.objects.filter(version__gt=F("done_version")).exists()
    rows = set(Progress.objects.values_list("scope", "scope_id", "year", "quarter", "value", "ytd_value",
                                            "prev_value", "yoy_growth"))
    monkeypatch.undo()
    rollup_full()
    assert rows == set(Progress.objects.values_list("scope", "scope_id", "year", "quarter", "value", "ytd_value",
                                                    "prev_value", "yoy_growth"))
