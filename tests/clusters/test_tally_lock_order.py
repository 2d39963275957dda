"""Two batch approvals over the same clusters never deadlock on the figure tally: every approval moves counts in
its cluster's tally rows (clusters.tally), which stay locked until the batch commits, so `figures_approve` writes
its figures cluster by cluster. Real PostgreSQL, two connections: each batch in a thread of its own.

The interleaving is forced, not hoped for: the first batch pauses after its first write until the second batch
has made its own first write (or `PAUSE_SECONDS` pass). Batch two lists its figure of the second cluster first
(the lower id): written in id order, both batches would pass their first write, each then wait for the tally row
the other holds, and PostgreSQL would abort one of them as a deadlock. Written in cluster order, the second batch
waits behind the first at its first write and both commit.
"""
import threading
from decimal import Decimal

import pytest
from django.db import connection

from clusters import services, tally
from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure
from clusters.services import figures as figure_services
from org.models import User
from plan.loader import plan_load
from tests.conftest import IN_CI

pytestmark = pytest.mark.django_db(transaction=True)
PAUSE_SECONDS = 3


def _submitted(cluster: Cluster, name: str) -> QuarterlyFigure:
    enterprise = Enterprise.objects.create(cluster=cluster, name=name)
    return QuarterlyFigure.objects.create(cluster=cluster, enterprise=enterprise, year=2011, quarter=1,
                                          output_value=Decimal(10), status=FigureStatus.SUBMITTED)


def test_two_batches_over_the_same_clusters_both_commit(monkeypatch):
    if connection.vendor != "postgresql":
        (pytest.fail if IN_CI else pytest.skip)("two connections at once need PostgreSQL (set DATABASE_URL)")
    # given: two enterprises' figures in each of two clusters, all submitted; batch two's first id is auto's
    plan_load()  # a transactional test starts from an empty database
    pv, auto = Cluster.objects.get(code="pv"), Cluster.objects.get(code="auto")
    assert pv.pk < auto.pk
    first_pv, first_auto = _submitted(pv, "甲"), _submitted(auto, "乙")
    second_auto, second_pv = _submitted(auto, "丙"), _submitted(pv, "丁")
    batches = {"first": [first_pv, first_auto], "second": [second_auto, second_pv]}
    planners = {name: User.objects.create_user(f"planner-{name}", role=User.Role.PLANNER) for name in batches}

    # and: the first batch pauses after its first write until the second has written its own first figure
    wrote_one = {name: threading.Event() for name in batches}
    order: list[tuple[str, int]] = []
    original = figure_services._approve

    def approve_then_pause(figure, **kwargs):
        approved = original(figure, **kwargs)
        name = threading.current_thread().name
        order.append((name, figure.cluster_id))
        if not wrote_one[name].is_set():
            wrote_one[name].set()
            if name == "first":
                wrote_one["second"].wait(PAUSE_SECONDS)
        return approved

    monkeypatch.setattr(figure_services, "_approve", approve_then_pause)
    outcome: dict[str, object] = {}

    def approve(name: str) -> None:
        try:
            services.figures_approve(user=planners[name], versions={f.pk: f.version for f in batches[name]})
            outcome[name] = "approved"
        except Exception as exc:  # reported by the main thread
            outcome[name] = exc
        finally:
            connection.close()

    threads = {name: threading.Thread(target=approve, args=(name,), name=name) for name in batches}
    threads["first"].start()
    assert wrote_one["first"].wait(30), "the first batch did not write its first figure"
    threads["second"].start()
    for thread in threads.values():
        thread.join(60)

    # then: both batches committed (neither was aborted as a deadlock), the second waiting behind the first
    assert outcome == {"first": "approved", "second": "approved"}
    assert order == [("first", pv.pk), ("first", auto.pk), ("second", pv.pk), ("second", auto.pk)]
    assert set(QuarterlyFigure.objects.values_list("status", flat=True)) == {FigureStatus.APPROVED}
    # and: the tally counts what the figures hold
    with connection.cursor() as cursor:
        cursor.execute(tally.recount_sql())
        recounted = {(c, q, s): n for c, _y, q, _e, s, _b, n, _o in cursor.fetchall()}
    assert recounted == {(pv.pk, 1, "approved"): 2, (auto.pk, 1, "approved"): 2}
