"""Roll-up writes: marking what changed, enqueueing on commit, and running the roll-up.

Every write of roll-up rows runs in one transaction that first locks the `RollupYear` rows of the
years it rebuilds (in year order, so two roll-ups never deadlock), so concurrent roll-ups of one
year cannot interleave their region, department and city sums. A full run computes before it takes
the locks and holds them only for its swap. Running any of them twice leaves the same rows: they
delete and rebuild from the approved figures.
"""
import logging
import time
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from clusters.models import Cluster

from . import rollup
from .models import RollupMark, RollupYear, SeriesMark

logger = logging.getLogger(__name__)


def _lock_years(years: Sequence[int]) -> None:
    years = sorted(set(years))
    RollupYear.objects.bulk_create([RollupYear(year=y) for y in years], ignore_conflicts=True)
    list(RollupYear.objects.select_for_update().filter(year__in=years).order_by("year"))


def marks_bump(*, cluster_ids: Sequence[int], years: Sequence[int]) -> None:
    """Record, in the caller's transaction, that these cluster-years changed (two statements)."""
    RollupMark.objects.bulk_create(
        [RollupMark(cluster_id=c, year=y, version=0) for c in cluster_ids for y in years], ignore_conflicts=True
    )
    RollupMark.objects.filter(cluster_id__in=cluster_ids, year__in=years).update(version=F("version") + 1)


def rollup_request(*, cluster_id: int, year: int) -> None:
    """Call inside the transaction that changes an approved figure: mark it, enqueue after commit.

    If the broker is unreachable the change still commits; the mark stays pending and the
    periodic sweep (or `manage.py rollup`) catches up.
    """
    marks_bump(cluster_ids=[cluster_id], years=[year])
    transaction.on_commit(partial(enqueue_cluster_year, cluster_id, year))


def enqueue_cluster_year(cluster_id: int, year: int) -> None:
    from .tasks import rollup_cluster_year_task

    _enqueue(rollup_cluster_year_task, (cluster_id, year), f"cluster {cluster_id} year {year}")


def series_rollup_request(*, year: int) -> None:
    """Call inside the transaction that changes an inflow, an indicator actual or their targets: mark the
    year, enqueue after commit (the sweep catches up if the broker is unreachable)."""
    SeriesMark.objects.bulk_create([SeriesMark(year=year, version=0)], ignore_conflicts=True)
    SeriesMark.objects.filter(year=year).update(version=F("version") + 1)
    transaction.on_commit(partial(enqueue_series_year, year))


def enqueue_series_year(year: int) -> None:
    from .tasks import rollup_series_year_task

    _enqueue(rollup_series_year_task, (year,), f"city series year {year}")


def _enqueue(task, args: tuple, what: str) -> None:
    try:
        task.apply_async(args, retry=False)
    except (BrokerError, OSError):
        logger.warning("broker unreachable: roll-up of %s left to the sweep", what)


@transaction.atomic
def rollup_cluster_year(*, cluster_id: int, year: int) -> None:
    """Incremental roll-up of one cluster-year: that cluster, its regions and department, the city.

    The next year is rebuilt too, because its year-on-year growth compares against this one.
    """
    if not Cluster.objects.filter(pk=cluster_id).exists():
        logger.info("cluster %s no longer exists: nothing to roll up for %s", cluster_id, year)
        return
    years = [year, year + 1]
    _lock_years(years)
    mark = RollupMark.objects.filter(cluster_id=cluster_id, year=year).values_list("version", flat=True).first()
    rollup.recompute(years=years, touched=rollup.Touched.of_clusters([cluster_id]), now=timezone.now())
    if settings.ROLLUP_FAULT_PAUSE_SECONDS:
        time.sleep(settings.ROLLUP_FAULT_PAUSE_SECONDS)  # lets the fault test kill a worker mid-roll-up
    if mark is not None:
        RollupMark.objects.filter(cluster_id=cluster_id, year=year, done_version__lt=mark).update(done_version=mark)


@transaction.atomic
def rollup_series_year(*, year: int) -> None:
    """Rebuild one year's inflow and indicator roll-ups (four statements) and settle its mark."""
    _lock_years([year])
    mark = SeriesMark.objects.filter(year=year).values_list("version", flat=True).first()
    rollup.recompute_inflows_and_indicators(years=[year], now=timezone.now())
    if mark is not None:
        SeriesMark.objects.filter(year=year, done_version__lt=mark).update(done_version=mark)


def rollup_full(*, years: Sequence[int] | None = None) -> list[int]:
    """Rebuild every roll-up row of `years` (default: every year with data). Returns the years.

    Computed first, without locks, into a staging table (the long part: it reads every figure), then
    swapped in under the year locks in one short transaction, so approvals and incremental roll-ups
    wait for a short write at most. A change approved while the staging ran has bumped its mark since
    the marks were read here: the swap recomputes that cluster-year from the figures as they are then.
    """
    every_year = years is None
    if every_year:
        years = rollup.years_with_data()
    else:
        # The year after each one is rebuilt too: its growth rates compare against it.
        years = sorted({y for year in years for y in (year, year + 1)})
    if not years:
        return []
    # Read before the figures are: a change that commits later has a newer version than this.
    seen = {(c, y): v for c, y, v in
            RollupMark.objects.filter(year__in=years).values_list("cluster_id", "year", "version")}
    now = timezone.now()
    # Every year: the figures are read without a year condition (a few % of the run at province scale).
    version = rollup.stage(years=None if every_year else years, touched=rollup.Touched.everything())
    with transaction.atomic():
        # The next years too: a cluster-year changed meanwhile is rebuilt with the year after it.
        _lock_years([y for year in years for y in (year, year + 1)])
        # Locked until the commit, so that no version read here moves before it is settled.
        marks = list(RollupMark.objects.select_for_update().filter(year__in=years)
                     .values_list("pk", "cluster_id", "year", "version", "done_version"))
        pending_series = list(SeriesMark.objects.select_for_update().filter(
            year__in=years, version__gt=F("done_version")).values_list("pk", "version"))
        rollup.replace(years=years, touched=rollup.Touched.everything(), version=version, now=now)
        rollup.drop_stage()
        changed = [(c, y) for _, c, y, v, _ in marks if seen.get((c, y)) != v]
        if changed:
            rollup.recompute(years=[y for _, year in changed for y in (year, year + 1)],
                             touched=rollup.Touched.of_clusters(sorted({c for c, _ in changed})), now=now)
        rollup.recompute_inflows_and_indicators(years=years, now=now)
        RollupYear.objects.filter(year__in=years).update(full_computed_at=now)
        pending = [pk for pk, _, _, v, done in marks if v > done]
        if pending:
            RollupMark.objects.filter(pk__in=pending).update(done_version=F("version"))
        if pending_series:
            SeriesMark.objects.bulk_update(
                [SeriesMark(pk=pk, done_version=version) for pk, version in pending_series], ["done_version"])
    return years


def rollup_sweep() -> list[int]:
    """Catch up on every pending cluster-year and series year (a lost message, a broker outage): rebuild
    their years."""
    years = sorted(
        set(RollupMark.objects.filter(version__gt=F("done_version")).values_list("year", flat=True))
        | set(SeriesMark.objects.filter(version__gt=F("done_version")).values_list("year", flat=True))
    )
    return rollup_full(years=years) if years else []
