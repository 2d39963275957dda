"""Reads of clusters and figures for pages, exports and the API; each states its queries.

The entry grid and the completeness counts (`clusters.completeness`, which writes the same rule in SQL) share
one idea of a quarter's reporting units (`reporting_units`): a cluster
reports as a whole or by its enterprises, the way its latest figure up to that quarter did; a cluster with
no figure yet reports by enterprise if it has any. Comparisons (上季度, 上年同期) count figures the one way
every page counts them (`Compared`: approved, and submitted ones marked as not yet approved).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core import access
from core.periods import Quarter
from org.models import Department, User

from .choices import COUNTED_WITH_UNAPPROVED, NOT_YET_APPROVED, EntryModeChoice, FigureStatus
from .models import OUTPUT_DIGITS, Cluster, Enterprise, QuarterlyFigure
from .services import (
    EDITABLE_STATUSES,
    EXTRA_FIELDS,
    EntryMode,
    ExtraField,
    UnitKey,
    change_on,
    is_outlier,
    needs_second_person,
    quarter_of_year_to_date,
    year_to_date,
)

# --- the reported year to date (累计) against the quarters ----------------------------------------------

YTD_MISMATCH = "ytd_mismatch"


def with_ytd_check(figures: QuerySet[QuarterlyFigure]) -> QuerySet[QuarterlyFigure]:
    """`figures` annotated with `quarters_ytd`, the sum of the unit's own output values over the year's quarters
    1 … the figure's (None unless every one of them is there), and `ytd_mismatch`: reported as year to date
    (累计) and that reported value is not the sum, because an earlier quarter changed after it was reported.

    Computed in the same query (two correlated subqueries), never stored: the flag is up exactly while
    the numbers disagree, whoever changed what. `figure_ytd_flags` reads it.
    """
    same_unit_so_far = (
        QuarterlyFigure.objects.order_by()
        .annotate(unit=Coalesce("enterprise_id", Value(0)))
        .filter(cluster_id=OuterRef("cluster_id"), unit=Coalesce(OuterRef("enterprise_id"), Value(0)),
                year=OuterRef("year"), quarter__lte=OuterRef("quarter"))
        .values("cluster_id")
    )
    total = Subquery(same_unit_so_far.annotate(total=Sum("output_value")).values("total"),
                     output_field=DecimalField(**OUTPUT_DIGITS))
    present = Subquery(same_unit_so_far.annotate(n=Count("id")).values("n"))
    return figures.alias(ytd_quarters_present=present).annotate(
        quarters_ytd=Case(When(ytd_quarters_present=F("quarter"), then=total), default=None,
                          output_field=DecimalField(**OUTPUT_DIGITS)),
    ).annotate(
        ytd_mismatch=Case(
            When(Q(entry_mode=EntryModeChoice.YTD, quarters_ytd__isnull=False) & ~Q(reported_ytd=F("quarters_ytd")),
                 then=Value(True)),
            default=Value(False), output_field=BooleanField()),
    )


def figure_ytd_flags(figure: QuarterlyFigure) -> list[str]:
    """The API's `flags` of a figure read through `with_ytd_check`: ["ytd_mismatch"] or []."""
    return [YTD_MISMATCH] if getattr(figure, "ytd_mismatch", False) else []


# --- reporting units of a quarter --------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """A reporting unit: a cluster as a whole, or one enterprise of it."""

    cluster: Cluster
    enterprise: Enterprise | None = None

    @property
    def key(self) -> str:
        return str(UnitKey.of(self.cluster.pk, self.enterprise.pk if self.enterprise else None))

    @property
    def enterprise_id(self) -> int | None:
        return self.enterprise.pk if self.enterprise else None

    def __str__(self) -> str:
        return f"{self.cluster} · {self.enterprise}" if self.enterprise else str(self.cluster)


def _clusters_with_modes(clusters: QuerySet[Cluster], quarters: list[Quarter]) -> list[Cluster]:
    """The clusters with `by_enterprise_then` (quarter → 1, 0, or None without any figure up to that
    quarter), `has_enterprises`, their department and enterprises. Two queries, however many quarters."""
    def latest(quarter: Quarter) -> Subquery:
        return Subquery(
            QuarterlyFigure.objects.filter(cluster=OuterRef("pk"))
            .filter(Q(year__lt=quarter.year) | Q(year=quarter.year, quarter__lte=quarter.quarter))
            .annotate(by_enterprise=Case(When(enterprise__isnull=True, then=Value(0)), default=Value(1)))
            .order_by("-year", "-quarter").values("by_enterprise")[:1])

    rows = list(
        clusters.select_related("responsible_department")
        .annotate(**{f"by_enterprise_{i}": latest(q) for i, q in enumerate(quarters)},
                  has_enterprises=Exists(Enterprise.objects.filter(cluster=OuterRef("pk"))))
        .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.order_by("name")))
        .order_by("level", "code")
    )
    for cluster in rows:
        cluster.by_enterprise_then = {q: getattr(cluster, f"by_enterprise_{i}") for i, q in enumerate(quarters)}
    return rows


def reporting_units(clusters: list[Cluster], quarter: Quarter) -> list[Unit]:
    """Each cluster's reporting units in `quarter`, from `_clusters_with_modes`'s annotations (no query)."""
    units = []
    for cluster in clusters:
        by_enterprise = cluster.by_enterprise_then[quarter]
        if by_enterprise is None:
            by_enterprise = cluster.has_enterprises
        if by_enterprise:
            units += [Unit(cluster, enterprise) for enterprise in cluster.enterprises.all()]
        else:
            units.append(Unit(cluster))
    return units


def _figures(cluster_ids: list[int], quarters: Iterable[Quarter]) -> dict[tuple, QuarterlyFigure]:
    """(cluster, enterprise, year, quarter) → figure, for the given quarters, with its year-to-date check
    (`with_ytd_check`). One query."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for quarter in quarters:
        by_year[quarter.year].add(quarter.quarter)
    periods = reduce(or_, (Q(year=year, quarter__in=sorted(qs)) for year, qs in sorted(by_year.items())))
    rows = with_ytd_check(QuarterlyFigure.objects.filter(periods, cluster_id__in=cluster_ids)
                          .select_related("entered_by", "returned_by"))
    return {(f.cluster_id, f.enterprise_id, f.year, f.quarter): f for f in rows}


# --- the entry grid -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExtraCell:
    """One optional value of a grid row (revenue, tax, employees, investment) as the screen shows it."""

    spec: ExtraField
    shown: Decimal | int | None
    text: str
    ytd: bool  # the value shown (and typed) is the year to date

    @property
    def name(self) -> str:
        return self.spec.name


def _text_of(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


@dataclass(frozen=True)
class Compared:
    """A value a figure is compared with (上季度, 上年同期), counted the one way every page counts: an
    approved figure as it is, a submitted one marked `unapproved`; a draft or returned figure does not
    count (`withheld`: there is one, still being worked on), and neither does a missing one."""

    value: Decimal | None = None
    unapproved: bool = False
    withheld: bool = False

    @classmethod
    def of(cls, figures: list[QuarterlyFigure | None]) -> Compared:
        """The sum of `figures` (one quarter, or the quarters of a year to date), if every one counts."""
        if any(f is not None and f.status not in COUNTED_WITH_UNAPPROVED for f in figures):
            return cls(withheld=True)
        if not figures or any(f is None for f in figures):
            return cls()
        return cls(year_to_date([f.output_value for f in figures]),
                   unapproved=any(f.status in NOT_YET_APPROVED for f in figures))


@dataclass
class GridRow:
    """One reporting unit on the entry screen, with what it is compared against.

    `shown`, `previous`, `last_year` and `change` are in the screen's mode (the quarter's own value,
    or the year to date); `outlier` always compares the quarter's own values. `shown` is the unit's own
    figure whatever its status (it is what the user edits); `previous` and `last_year` count only what
    every page counts (`Compared`).
    """

    unit: Unit
    figure: QuarterlyFigure | None
    may_edit: bool
    shown: Decimal | None = None
    previous: Compared = field(default_factory=Compared)
    last_year: Compared = field(default_factory=Compared)
    change: Decimal | None = None
    outlier: bool = False
    last_year_own: Decimal | None = None
    typed: str | None = None  # what the user typed, when the screen is shown again with errors
    typed_note: str | None = None
    errors: list[str] = field(default_factory=list)
    extras: dict[str, Decimal | int | None] = field(default_factory=dict)  # EXTRA_FIELDS, in the screen's mode
    typed_extras: dict[str, str] = field(default_factory=dict)
    ytd: bool = False
    earlier: list[Decimal | None] = field(default_factory=list)  # in YTD mode: the year's earlier quarters' output

    @property
    def key(self) -> str:
        return self.unit.key

    @property
    def editable(self) -> bool:
        return self.may_edit and (self.figure is None or self.figure.status in EDITABLE_STATUSES)

    def own_value(self, typed: Decimal) -> Decimal:
        """The quarter's own value of an output typed on this row: itself, or in YTD mode the typed year to date
        less the year's earlier quarters (as typed, when one of them is missing: a save refuses it anyway)."""
        own = quarter_of_year_to_date(typed, self.earlier)
        return typed if own is None else own

    @property
    def value_text(self) -> str:
        if self.typed is not None:
            return self.typed
        return "" if self.shown is None else f"{self.shown.normalize():f}"

    @property
    def note_text(self) -> str:
        if self.typed_note is not None:
            return self.typed_note
        return self.figure.note if self.figure else ""

    @property
    def extra_cells(self) -> list[ExtraCell]:
        return [ExtraCell(spec, self.extras.get(spec.name),
                          self.typed_extras.get(spec.name, _text_of(self.extras.get(spec.name))),
                          self.ytd and spec.cumulative) for spec in EXTRA_FIELDS]


@dataclass
class Grid:
    """The entry screen of a quarter. The totals count the way the dashboards do: `approved_total` the
    official figures, `counted_total` those plus the submitted ones (`unapproved_count` of them);
    `withheld_count` drafts and returned figures count in neither."""

    quarter: Quarter
    mode: str
    rows: list[GridRow]
    approved_total: Decimal
    counted_total: Decimal
    unapproved_count: int
    withheld_count: int

    @property
    def editable_count(self) -> int:
        return sum(row.editable for row in self.rows)


def _values(figures: dict, unit: Unit, quarters: list[Quarter], name: str = "output_value") -> list:
    """A unit's values of `name` in `quarters` (None where it has no figure or no value)."""
    return [getattr(figures.get((unit.cluster.pk, unit.enterprise_id, q.year, q.quarter)), name, None)
            for q in quarters]


def _in_mode(quarter: Quarter, mode: str) -> list[Quarter]:
    """The quarters whose own values make up `quarter`'s value in `mode`: itself, or Q1 … itself."""
    return [*quarter.earlier_in_year(), quarter] if mode == EntryMode.YTD else [quarter]


def _compared(figures: dict, unit: Unit, quarter: Quarter, mode: str) -> Compared:
    return Compared.of([figures.get((unit.cluster.pk, unit.enterprise_id, q.year, q.quarter))
                        for q in _in_mode(quarter, mode)])


def _extras(figures: dict, unit: Unit, quarter: Quarter, mode: str) -> dict[str, Decimal | int | None]:
    """The optional values of a unit's quarter in the screen's mode: the cumulative ones summed over
    the year in YTD mode (None unless every quarter so far has the value), the headcount as it is."""
    return {spec.name: year_to_date(_values(figures, unit, [*quarter.earlier_in_year(), quarter], spec.name))
            if mode == EntryMode.YTD and spec.cumulative else _values(figures, unit, [quarter], spec.name)[0]
            for spec in EXTRA_FIELDS}


def _shown(figure: QuarterlyFigure | None, figures: dict, unit: Unit, quarter: Quarter, mode: str) -> Decimal | None:
    """The value in a row's box: in YTD mode the year to date as reported when the figure was reported so (it
    stands even if an earlier quarter changed since: the row is then flagged), else the sum of the quarters."""
    if mode == EntryMode.YTD and figure is not None and figure.reported_ytd is not None:
        return figure.reported_ytd
    return year_to_date(_values(figures, unit, _in_mode(quarter, mode)))


def figure_grid(*, user: User, quarter: Quarter, mode: str = EntryMode.QUARTER) -> Grid:
    """The entry screen of `quarter`: one row per reporting unit of the clusters `user` may see,
    editable where the permission layer lets the user edit. Four queries, whatever the data."""
    clusters = _clusters_with_modes(Cluster.objects.visible_to(user), [quarter])
    ids = [c.pk for c in clusters]
    editable = set(Cluster.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    figures = _figures(ids, [Quarter(year, q) for year in (quarter.year - 1, quarter.year) for q in range(1, 5)])
    rows, approved_total, counted_total, unapproved, withheld = [], Decimal(0), Decimal(0), 0, 0
    for unit in reporting_units(clusters, quarter):
        figure = figures.get((unit.cluster.pk, unit.enterprise_id, quarter.year, quarter.quarter))
        row = GridRow(unit=unit, figure=figure, may_edit=unit.cluster.pk in editable,
                      shown=_shown(figure, figures, unit, quarter, mode),
                      previous=_compared(figures, unit, quarter.previous, mode),
                      last_year=_compared(figures, unit, quarter.a_year_earlier, mode),
                      last_year_own=_values(figures, unit, [quarter.a_year_earlier])[0],
                      extras=_extras(figures, unit, quarter, mode), ytd=mode == EntryMode.YTD,
                      earlier=_values(figures, unit, quarter.earlier_in_year()) if mode == EntryMode.YTD else [])
        row.change = change_on(row.shown, row.last_year.value)
        if figure is not None:
            row.outlier = is_outlier(figure.output_value, row.last_year_own)
            if figure.status == FigureStatus.APPROVED:
                approved_total += figure.output_value
            if figure.status in COUNTED_WITH_UNAPPROVED:
                counted_total += figure.output_value
            unapproved += figure.status in NOT_YET_APPROVED
            withheld += figure.status not in COUNTED_WITH_UNAPPROVED
        rows.append(row)
    return Grid(quarter, mode, rows, approved_total, counted_total, unapproved, withheld)


# --- review ---------------------------------------------------------------------------------------

def _counted_value_of(offset: int) -> tuple[Subquery, Subquery]:
    """The output value and status of the same reporting unit's figure `offset` quarters before the outer
    figure, if that figure counts (`COUNTED_WITH_UNAPPROVED`). For annotating figures annotated `period`."""
    same_unit = (QuarterlyFigure.objects.annotate(unit=Coalesce("enterprise_id", Value(0)),
                                                  period=F("year") * 4 + F("quarter"))
                 .filter(cluster_id=OuterRef("cluster_id"), unit=Coalesce(OuterRef("enterprise_id"), Value(0)),
                         period=OuterRef("period") - offset, status__in=COUNTED_WITH_UNAPPROVED))
    return Subquery(same_unit.values("output_value")[:1]), Subquery(same_unit.values("status")[:1])


def figures_for_review(*, user: User, status: str | None = FigureStatus.SUBMITTED,
                       quarter: Quarter | None = None) -> QuerySet[QuarterlyFigure]:
    """Figures `user` may see in `status` (None: any), oldest period first and by department, with the
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
                         "enterprise__name"))
    if status:
        figures = figures.filter(status=status)
    if quarter is not None:
        figures = figures.filter(year=quarter.year, quarter=quarter.quarter)
    return figures


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
