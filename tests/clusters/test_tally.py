"""The figure tally (clusters.tally) kept by database triggers: after every kind of write, the tally equals a
recount from the figures (inserts, edits of the counted columns, edits of others, status changes through
`QuerySet.update`, bulk creation, deletion, an enterprise moved to another cluster and back, which turns its
figures left behind into ones that do not belong), on whichever database the suite runs (PostgreSQL in CI,
SQLite on a bare machine). Keys: (cluster, year, quarter, by enterprise, status, belongs)."""
from decimal import Decimal

import pytest
from django.db import connection

from clusters import tally
from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, EnterpriseTally, FigureTally, QuarterlyFigure

pytestmark = pytest.mark.django_db


def _kept() -> dict[tuple, tuple[int, Decimal]]:
    """The tally the triggers kept, without the keys they brought back to zero."""
    return {(t.cluster_id, t.year, t.quarter, t.by_enterprise, t.status, t.belongs): (t.figures, Decimal(t.output))
            for t in FigureTally.objects.all() if t.figures or t.output}


def _recounted() -> dict[tuple, tuple[int, Decimal]]:
    with connection.cursor() as cursor:
        cursor.execute(tally.recount_sql())
        return {(c, y, q, bool(e), s, bool(b)): (n, Decimal(str(o))) for c, y, q, e, s, b, n, o in cursor.fetchall()}


def _check() -> dict:
    kept = _kept()
    assert kept == _recounted()
    return kept


@pytest.fixture
def pv():
    cluster = Cluster.objects.get(code="pv")
    return cluster, [Enterprise.objects.create(cluster=cluster, name=f"光伏企业{i}") for i in range(3)]


def _figure(cluster, enterprise=None, quarter=1, status=FigureStatus.DRAFT, value="1.5"):
    return QuarterlyFigure.objects.create(cluster=cluster, enterprise=enterprise, year=2011, quarter=quarter,
                                          output_value=Decimal(value), status=status)


def test_inserts_and_edits_of_counted_columns_move_the_counts(pv):
    cluster, (a, b, _c) = pv
    auto = Cluster.objects.get(code="auto")
    first, second = _figure(cluster, a), _figure(cluster, b, value="2.25")
    _figure(auto)  # a cluster's own figure
    kept = _check()
    assert kept[(cluster.pk, 2011, 1, True, "draft", True)] == (2, Decimal("3.75"))
    assert kept[(auto.pk, 2011, 1, False, "draft", True)] == (1, Decimal("1.5"))

    first.status, first.output_value = FigureStatus.SUBMITTED, Decimal("4.0001")
    first.save()
    second.note = "只改备注"  # not a counted column: the tally stays as it was
    second.save()
    kept = _check()
    assert kept[(cluster.pk, 2011, 1, True, "submitted", True)] == (1, Decimal("4.0001"))
    assert kept[(cluster.pk, 2011, 1, True, "draft", True)] == (1, Decimal("2.25"))

    QuarterlyFigure.objects.filter(cluster=cluster).update(status=FigureStatus.APPROVED)
    QuarterlyFigure.objects.filter(pk=second.pk).update(quarter=2)
    assert _check()[(cluster.pk, 2011, 2, True, "approved", True)] == (1, Decimal("2.25"))

    second.delete()
    QuarterlyFigure.objects.filter(cluster=auto).delete()
    assert _check() == {(cluster.pk, 2011, 1, True, "approved", True): (1, Decimal("4.0001"))}


def test_bulk_creation_counts_every_row(pv):
    cluster, enterprises = pv
    QuarterlyFigure.objects.bulk_create(
        QuarterlyFigure(cluster=cluster, enterprise=e, year=2011, quarter=q, output_value=Decimal(q),
                        status=FigureStatus.SUBMITTED) for e in enterprises for q in (1, 2, 3))
    kept = _check()
    assert kept[(cluster.pk, 2011, 3, True, "submitted", True)] == (3, Decimal(9))


def test_a_moved_enterprise_takes_its_counts_along_and_back(pv):
    cluster, (a, b, _c) = pv
    auto = Cluster.objects.get(code="auto")
    _figure(cluster, a, status=FigureStatus.APPROVED)
    _figure(cluster, b)
    a.cluster = auto
    a.save()
    kept = _check()  # its figure stays with pv, no longer belonging: completeness counts it in neither cluster
    assert (cluster.pk, 2011, 1, True, "approved", True) not in kept
    assert kept[(cluster.pk, 2011, 1, True, "approved", False)] == (1, Decimal("1.5"))
    assert not any(key[0] == auto.pk for key in kept)

    moved = _figure(auto, a, quarter=2)  # a figure in its new cluster belongs there
    assert _check()[(auto.pk, 2011, 2, True, "draft", True)] == (1, Decimal("1.5"))

    Enterprise.objects.filter(pk=a.pk).update(cluster=cluster)  # moved back, by a bulk update
    kept = _check()
    assert kept[(cluster.pk, 2011, 1, True, "approved", True)] == (1, Decimal("1.5"))
    assert kept[(auto.pk, 2011, 2, True, "draft", False)] == (1, Decimal("1.5"))
    assert (cluster.pk, 2011, 1, True, "approved", False) not in kept
    moved.delete()
    assert not any(key[0] == auto.pk for key in _check())


def test_rebuild_recounts_what_the_triggers_did_not_see(pv):
    cluster, (a, _b, _c) = pv
    _figure(cluster, a)
    FigureTally.objects.all().delete()
    assert _kept() == {}
    tally.rebuild()
    assert _check() == {(cluster.pk, 2011, 1, True, "draft", True): (1, Decimal("1.5"))}


def _enterprises_kept() -> dict[int, int]:
    return {t.cluster_id: t.enterprises for t in EnterpriseTally.objects.all() if t.enterprises}


def _enterprises_counted() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(tally.enterprises_sql())
        return dict(cursor.fetchall())


def test_each_clusters_enterprises_are_counted_as_they_are_added_moved_and_removed(pv):
    cluster, (a, b, _c) = pv
    auto = Cluster.objects.get(code="auto")
    assert _enterprises_kept() == _enterprises_counted()
    before = _enterprises_kept().get(cluster.pk, 0)
    Enterprise.objects.bulk_create(Enterprise(cluster=auto, name=f"汽车企业{i}") for i in range(4))
    a.cluster = auto
    a.save()
    Enterprise.objects.filter(pk=b.pk).update(cluster=auto)
    assert _enterprises_kept() == _enterprises_counted()
    assert _enterprises_kept()[cluster.pk] == before - 2
    Enterprise.objects.filter(cluster=auto, name__startswith="汽车企业").delete()
    assert _enterprises_kept() == _enterprises_counted()


def test_a_count_changes_in_place_on_postgresql(pv):
    """Every figure write updates a tally row's count and output: no index of the tally may hold them or name them
    in its condition, or PostgreSQL writes a new entry into every index of the tally for each write instead of a
    heap-only (HOT) update. On a fresh table there is room on the page, so each update here is heap-only."""
    if connection.vendor != "postgresql":
        pytest.skip("heap-only updates are PostgreSQL's")
    cluster, (enterprise, *_others) = pv
    figure = _figure(cluster, enterprise)

    def updates() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                           [FigureTally._meta.db_table])
            return cursor.fetchone()

    before = updates()
    for value in ("2", "3.5", "4"):
        figure.output_value = Decimal(value)
        figure.save()
    QuarterlyFigure.objects.create(cluster=cluster, enterprise=_others[0], year=2011, quarter=1,
                                   output_value=Decimal(1), status=FigureStatus.DRAFT)
    after = updates()
    assert after[0] - before[0] >= 4
    assert after[1] - before[1] == after[0] - before[0]
