"""Reads of the review list (审核): the figures a reviewer may see, compared with the same unit's previous quarter
and the same quarter last year (counted the way every page counts: `clusters.selectors.Compared`), a page at a
time, grouped by quarter × responsible department (the unit of batch approval); and one figure for its page."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, DecimalField, F, OuterRef, Q, QuerySet

from core import access
from core.periods import Quarter
from org.models import Department, User

from .choices import COUNTED_WITH_UNAPPROVED, NOT_YET_APPROVED, FigureStatus
from .models import OUTPUT_DIGITS, Cluster, FigureTally, QuarterlyFigure
from .selectors import Compared, figures_in, of_same_unit, with_ytd_check
from .services import change_on, needs_second_person


def _counted_value_of(offset: int) -> tuple[Case, Case]:
    """The output value and status of the same reporting unit's figure `offset` quarters before the outer
    figure, if that figure counts (`COUNTED_WITH_UNAPPROVED`). For annotating figures annotated `period`."""
    earlier = (QuarterlyFigure.objects.order_by().annotate(period=F("year") * 4 + F("quarter"))
               .filter(period=OuterRef("period") - offset, status__in=COUNTED_WITH_UNAPPROVED))
    return (of_same_unit(earlier, lambda f: f.values("output_value"), DecimalField(**OUTPUT_DIGITS)),
            of_same_unit(earlier, lambda f: f.values("status"), CharField()))


def figures_for_review(*, user: User, status: str | None = FigureStatus.SUBMITTED, quarter: Quarter | None = None,
                       cluster: int | None = None, search: str = "") -> QuerySet[QuarterlyFigure]:
    """Figures `user` may see in `status` (None: any), of one `cluster` and whose unit's name (enterprise or
    cluster) holds `search` when given, oldest period first and by department, with the
    counted values (and statuses) of the previous quarter (`previous_value`, `previous_status`) and of the
    same quarter last year (`last_year_value`, `last_year_status`) for comparison, and the year-to-date
    check (`with_ytd_check`). One query."""
    previous_value, previous_status = _counted_value_of(1)
    last_year_value, last_year_status = _counted_value_of(4)
    figures = (with_ytd_check(QuarterlyFigure.objects.visible_to(user))
               .select_related("cluster", "cluster__responsible_department", "enterprise", "entered_by", "returned_by")
               .annotate(period=F("year") * 4 + F("quarter"))
               .annotate(previous_value=previous_value, previous_status=previous_status,
                         last_year_value=last_year_value, last_year_status=last_year_status)
               .order_by("year", "quarter", "cluster__responsible_department__code", "cluster__code",
                         "enterprise__name", "pk"))
    if status:
        figures = figures.filter(status=status)
    if quarter is not None:
        figures = figures.filter(year=quarter.year, quarter=quarter.quarter)
    if cluster:
        figures = figures.filter(cluster_id=cluster)
    if search:
        figures = figures.filter(Q(enterprise__name__icontains=search) | Q(cluster__name_zh__icontains=search)
                                 | Q(cluster__name_en__icontains=search))
    return figures


def figures_page(figures: QuerySet[QuarterlyFigure], page: int | str, per_page: int, *,
                 tallied: QuerySet[FigureTally] | None = None) -> tuple[Page, list[QuarterlyFigure]]:
    """A page of `figures_for_review`: the page's ids sorted and sliced first, without the comparisons (which the
    database would otherwise compute for every row skipped before the page), then those figures with them, in
    the same order. Three queries (count, ids, figures), fetching the page's rows only.

    With `tallied` (`review_tally`: the figure tally's rows of the same figures, for one quarter) the count is
    taken per cluster from the tally and the ids are sorted among the clusters the page reaches only
    (`_ClusterSlices`): sorting every figure of a province's quarter by department, cluster and enterprise name
    to show a hundred took 0.3 s, and counting them 0.04 s."""
    ids = figures.values_list("pk", flat=True)
    shown = Paginator(ids if tallied is None else _ClusterSlices(ids, tallied), per_page).get_page(page)
    return shown, list(figures.filter(pk__in=list(shown.object_list)))


def review_tally(*, user: User, status: str, quarter: Quarter | None, cluster: int | None = None,
                 search: str = "") -> QuerySet[FigureTally] | None:
    """The figure tally's rows of `figures_for_review` with the same arguments, when they can say it: one quarter,
    one status, no name search (a name is not in the tally). None otherwise."""
    if quarter is None or not status or search:
        return None
    clusters = Cluster.objects.visible_to(user).order_by()
    if cluster:
        clusters = clusters.filter(pk=cluster)
    return FigureTally.objects.filter(year=quarter.year, quarter=quarter.quarter, status=status,
                                      cluster_id__in=clusters.values("pk"))


class _ClusterSlices:
    """The ids of one quarter's `figures_for_review`, for a `Paginator`: `count()` from the figure tally's count
    per cluster (in the list's cluster order), a slice from the figures of the clusters it spans only, sorted and
    offset in SQL."""

    def __init__(self, ids: QuerySet, tallied: QuerySet[FigureTally]) -> None:
        self.ids = ids
        counted = (Cluster.objects.annotate(n=figures_in(tallied.filter(cluster_id=OuterRef("pk"))))
                   .filter(pk__in=tallied.values("cluster_id"))
                   .order_by("responsible_department__code", "code").values_list("pk", "n"))
        self.clusters = [(pk, n) for pk, n in counted if n]

    def count(self) -> int:
        return sum(n for _, n in self.clusters)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, rows: slice) -> list[int]:
        start, skipped, spanned = 0, 0, []  # the first row of each cluster; the rows before the first spanned
        for cluster_id, n in self.clusters:
            if start >= rows.stop:
                break
            if start + n > rows.start:
                spanned.append(cluster_id)
            else:
                skipped += n
            start += n
        if not spanned:
            return []
        return list(self.ids.filter(cluster_id__in=spanned)[rows.start - skipped:rows.stop - skipped])


@dataclass
class ReviewRow:
    """A figure on the review page, beside what it is compared with and whether `user` may approve it."""

    figure: QuarterlyFigure
    previous: Compared
    last_year: Compared
    approvable: bool

    @property
    def change(self) -> Decimal | None:
        return change_on(self.figure.output_value, self.last_year.value)

    @property
    def group_key(self) -> str:
        """The key of its `ReviewGroup`."""
        return _group_key(self.figure.cluster.responsible_department, Quarter(self.figure.year, self.figure.quarter))


def _group_key(department: Department, quarter: Quarter) -> str:
    return f"{department.code}-{quarter}"


@dataclass
class ReviewGroup:
    """The figures of one responsible department for one quarter: the review page's unit of approval."""

    department: Department
    quarter: Quarter
    rows: list[ReviewRow]

    @property
    def key(self) -> str:
        return _group_key(self.department, self.quarter)

    @property
    def approvable(self) -> list[ReviewRow]:
        return [row for row in self.rows if row.approvable]


def review_row(user: User, figure: QuarterlyFigure) -> ReviewRow:
    """One figure from `figures_for_review` as the review page shows it (no query for the roles that review:
    the permission layer answers a planner without one)."""
    def compared(value: Decimal | None, status: str | None) -> Compared:
        return Compared(value, unapproved=status in NOT_YET_APPROVED)

    return ReviewRow(figure, compared(figure.previous_value, figure.previous_status),
                     compared(figure.last_year_value, figure.last_year_status),
                     approvable=figure.status == FigureStatus.SUBMITTED and access.may(user, "review", figure)
                     and not needs_second_person(user, figure))


def review_groups(*, user: User, figures: Iterable[QuarterlyFigure]) -> list[ReviewGroup]:
    """`figures_for_review`'s figures grouped by quarter × responsible department, in its order (no query)."""
    groups: list[ReviewGroup] = []
    for figure in figures:
        department, quarter = figure.cluster.responsible_department, Quarter(figure.year, figure.quarter)
        if not groups or (groups[-1].department, groups[-1].quarter) != (department, quarter):
            groups.append(ReviewGroup(department, quarter, []))
        groups[-1].rows.append(review_row(user, figure))
    return groups


def figure_for_page(*, user: User, pk: int) -> QuarterlyFigure | None:
    """One figure `user` may see, with what its page shows (its year-to-date check too). One query."""
    return (with_ytd_check(QuarterlyFigure.objects.visible_to(user))
            .select_related("cluster", "enterprise", "entered_by", "approved_by", "returned_by").filter(pk=pk).first())
