"""The figure tally (clusters.tally) kept by database triggers: after every kind of write, the tally equals a
recount from the figures (inserts, edits of the counted columns, edits of others, status changes through
`QuerySet.update`, bulk creation, deletion, an enterprise moved to another cluster and back), on whichever
database the suite runs (PostgreSQL in CI, SQLite on a bare machine)."""
from decimal import Decimal

import pytest
from django.db import connection

from clusters import tally
from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, FigureTally, QuarterlyFigure

pytestmark = pytest.mark.django_db


def _kept() -> dict[tuple, tuple[int, Decimal]]:
    """The tally the triggers kept, without the keys they brought back to zero."""
    return {(t.cluster_id, t.year, t.quarter, t.by_enterprise, t.status): (t.figures, Decimal(t.output))
            for t in FigureTally.objects.all() if t.figures or t.output}


def _recounted() -> dict[tuple, tuple[int, Decimal]]:
    with connection.cursor() as cursor:
        cursor.execute(tally.recount_sql())
        return {(c, y, q, bool(e), s): (n, Decimal(str(o))) for c, y, q, e, s, n, o in cursor.fetchall()}


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
    assert kept[(cluster.pk, 2011, 1, True, "draft")] == (2, Decimal("3.75"))
    assert kept[(auto.pk, 2011, 1, False, "draft")] == (1, Decimal("1.5"))

    first.status, first.output_value = FigureStatus.SUBMITTED, Decimal("4.0001")
    first.save()
    second.note = "只改备注"  # not a counted column: the tally stays as it was
    second.save()
    kept = _check()
    assert kept[(cluster.pk, 2011, 1, True, "submitted")] == (1, Decimal("4.0001"))
    assert kept[(cluster.pk, 2011, 1, True, "draft")] == (1, Decimal("2.25"))

    QuarterlyFigure.objects.filter(cluster=cluster).update(status=FigureStatus.APPROVED)
    QuarterlyFigure.objects.filter(pk=second.pk).update(quarter=2)
    assert _check()[(cluster.pk, 2011, 2, True, "approved")] == (1, Decimal("2.25"))

    second.delete()
    QuarterlyFigure.objects.filter(cluster=auto).delete()
    assert _check() == {(cluster.pk, 2011, 1, True, "approved"): (1, Decimal("4.0001"))}


def test_bulk_creation_counts_every_row(pv):
    cluster, enterprises = pv
    QuarterlyFigure.objects.bulk_create(
        QuarterlyFigure(cluster=cluster, enterprise=e, year=2011, quarter=q, output_value=Decimal(q),
                        status=FigureStatus.SUBMITTED) for e in enterprises for q in (1, 2, 3))
    kept = _check()
    assert kept[(cluster.pk, 2011, 3, True, "submitted")] == (3, Decimal(9))


def test_a_moved_enterprise_takes_its_counts_along_and_back(pv):
    cluster, (a, b, _c) = pv
    auto = Cluster.objects.get(code="auto")
    _figure(cluster, a, status=FigureStatus.APPROVED)
    _figure(cluster, b)
    a.cluster = auto
    a.save()
    kept = _check()  # its figure stays with pv but counts in neither cluster
    assert (cluster.pk, 2011, 1, True, "approved") not in kept
    assert not any(key[0] == auto.pk for key in kept)

    moved = _figure(auto, a, quarter=2)  # a figure in its new cluster counts there
    assert _check()[(auto.pk, 2011, 2, True, "draft")] == (1, Decimal("1.5"))

    Enterprise.objects.filter(pk=a.pk).update(cluster=cluster)  # moved back, by a bulk update
    kept = _check()
    assert kept[(cluster.pk, 2011, 1, True, "approved")] == (1, Decimal("1.5"))
    assert (auto.pk, 2011, 2, True, "draft") not in kept
    moved.delete()  # a figure that did not count leaves nothing behind
    _check()


def test_rebuild_recounts_what_the_triggers_did_not_see(pv):
    cluster, (a, _b, _c) = pv
    _figure(cluster, a)
    FigureTally.objects.all().delete()
    assert _kept() == {}
    tally.rebuild()
    assert _check() == {(cluster.pk, 2011, 1, True, "draft"): (1, Decimal("1.5"))}
