"""Approved quarterly figures written straight to the table, as an import or the demo loader does.

They bypass the review services (and so the roll-up marks): a test that uses them runs
`rollup_full()` or bumps the marks itself.
"""
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from clusters.choices import FigureStatus
from clusters.models import Cluster, Enterprise, QuarterlyFigure

PLACES = Decimal("0.0001")


def approved_quarters(code: str, year: int, values: Sequence[Decimal | str | int], *,
                      enterprise: Enterprise | None = None) -> list[QuarterlyFigure]:
    """Approved figures for quarters 1, 2, … of `year`, one per value."""
    cluster = Cluster.objects.get(code=code)
    now = timezone.now()
    return QuarterlyFigure.objects.bulk_create([
        QuarterlyFigure(cluster=cluster, enterprise=enterprise, year=year, quarter=quarter,
                        output_value=Decimal(value), status=FigureStatus.APPROVED, approved_at=now)
        for quarter, value in enumerate(values, start=1)
    ])


def approved_year(code: str, year: int, total: Decimal | str | int, *, quarters: int = 4,
                  enterprise: Enterprise | None = None) -> list[QuarterlyFigure]:
    """`total` split over the first `quarters` quarters; the last one takes the rounding remainder."""
    total = Decimal(total)
    share = (total / quarters).quantize(PLACES)
    values = [share] * (quarters - 1) + [total - share * (quarters - 1)]
    return approved_quarters(code, year, values, enterprise=enterprise)
