"""Roll-up writes: marking what changed, enqueueing on commit, and running the roll-up.

Every unit of work runs in one transaction that first locks the `RollupYear` rows of the years
it rebuilds (in year order, so two roll-ups never deadlock), so concurrent roll-ups of one year
cannot interleave their region, department and city sums. Running any of them twice leaves
the same rows: they delete and rebuild from the approved figures.
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
from .models import RollupMark, RollupYear

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

    try:
        rollup_cluster_year_task.apply_async((cluster_id, year), retry=False)
    except (BrokerError, OSError):
        logger.warning("broker unreachable: roll-up of cluster %s year %s left to the sweep", cluster_id, year)


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
def rollup_full(*, years: Sequence[int] | None = None) -> list[int]:
    """Rebuild every roll-up row of `years` (default: every year with data). Returns the years."""
    if years is None:
        years = rollup.years_with_data()
    else:
        # The year after each one is rebuilt too: its growth rates compare against it.
        years = sorted({y for year in years for y in (year, year + 1)})
    if not years:
        return []
    _lock_years(years)
    # Marks are settled to the versions read now; a change committed after this read stays pending.
    pending = list(
        RollupMark.objects.filter(year__in=years, version__gt=F("done_version")).values_list("pk", "version")
    )
    now = timezone.now()
    rollup.recompute(years=years, touched=rollup.Touched.everything(), now=now)
    rollup.recompute_inflows_and_indicators(years=years, now=now)
    RollupYear.objects.filter(year__in=years).update(full_computed_at=now)
    if pending:
        RollupMark.objects.bulk_update(
            [RollupMark(pk=pk, done_version=version) for pk, version in pending], ["done_version"], batch_size=1000
        )
    return years


def rollup_sweep() -> list[int]:
    """Catch up on every pending cluster-year (a lost message, a broker outage): rebuild their years."""
    years = sorted(set(RollupMark.objects.filter(version__gt=F("done_version")).values_list("year", flat=True)))
    return rollup_full(years=years) if years else []
