"""Reads of clusters and figures for pages, exports and the API; each states its queries.

The entry grid and the completeness counts (`clusters.completeness`, which writes the same rule in SQL) share
one idea of a quarter's reporting units (`reporting_units`, and in SQL for the entry grid's pages,
`unit_keys`): a cluster reports as a whole or by its enterprises, the way its latest figure up to that
quarter did; a cluster with no figure yet reports by enterprise if it has any.
Comparisons (上季度, 上年同期) count figures the one way every page counts them (`Compared`: approved, and
submitted ones marked as not yet approved).
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce

from core.periods import Quarter
from org.models import User

from .choices import COUNTED_WITH_UNAPPROVED, NOT_YET_APPROVED, EntryModeChoice, FigureStatus
from .models import OUTPUT_DIGITS, Cluster, Enterprise, EnterpriseTally, FigureTally, QuarterlyFigure, quarter_index
from .services import (
    EDITABLE_STATUSES,
    EXTRA_FIELDS,
    EntryMode,
    ExtraField,
    UnitKey,
    change_on,
    is_outlier,
    quarter_of_year_to_date,
    year_to_date,
)

# --- the reported year to date (累计) against the quarters ----------------------------------------------

YTD_MISMATCH = "ytd_mismatch"


def of_same_unit(figures: QuerySet[QuarterlyFigure], pick: Callable[[QuerySet], QuerySet], output_field) -> Case:
    """`pick(figures)` (one value) over those of `figures` that are the outer figure's own reporting unit's:
    two correlated subqueries, of which the database runs the one the outer figure needs, each through an index
    (an enterprise's figures, or a cluster's own), not through every figure of the cluster."""
    of_enterprise = Subquery(pick(figures.filter(enterprise_id=OuterRef("enterprise_id")))[:1])
    of_cluster = Subquery(pick(figures.filter(cluster_id=OuterRef("cluster_id"), enterprise__isnull=True))[:1])
    return Case(When(enterprise__isnull=True, then=of_cluster), default=of_enterprise, output_field=output_field)


# Half a unit of the figures' last decimal place: stored values differ by at least 0.0001 or not at all, and
# SQLite sums decimals as binary floats (0.1 + 0.1 + 0.1 is not 0.3 there).
YTD_TOLERANCE = Decimal("0.00005")


def with_ytd_check(figures: QuerySet[QuarterlyFigure]) -> QuerySet[QuarterlyFigure]:
    """`figures` annotated with `quarters_ytd`, the sum of the unit's own output values over the year's quarters
    1 … the figure's (None unless every one of them is there), and `ytd_mismatch`: reported as year to date
    (累计) and that reported value is not the sum, because an earlier quarter changed after it was reported.

    Computed in the same query (correlated subqueries, `of_same_unit`), never stored: the flag is up exactly while
    the numbers disagree, whoever changed what. `figure_ytd_flags` reads it.
    """
    so_far = QuarterlyFigure.objects.order_by().filter(year=OuterRef("year"), quarter__lte=OuterRef("quarter"))
    total = of_same_unit(so_far, lambda f: f.values("year").annotate(total=Sum("output_value")).values("total"),
                          DecimalField(**OUTPUT_DIGITS))
    present = of_same_unit(so_far, lambda f: f.values("year").annotate(n=Count("id")).values("n"), IntegerField())
    return figures.alias(ytd_quarters_present=present).annotate(
        quarters_ytd=Case(When(ytd_quarters_present=F("quarter"), then=total), default=None,
                          output_field=DecimalField(**OUTPUT_DIGITS)),
    ).alias(
        ytd_gap=ExpressionWrapper(Abs(F("reported_ytd") - F("quarters_ytd")), output_field=DecimalField()),
    ).annotate(
        ytd_mismatch=Case(
            When(Q(entry_mode=EntryModeChoice.YTD, quarters_ytd__isnull=False, ytd_gap__gte=YTD_TOLERANCE),
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


def _latest_mode(quarter: Quarter) -> Subquery:
    """1 when the outer cluster's latest figure up to `quarter` is an enterprise's, 0 when it is the cluster's
    own, NULL without any figure yet."""
    return Subquery(
        QuarterlyFigure.objects.filter(cluster=OuterRef("pk")).annotate(period=quarter_index())
        .filter(period__lte=quarter.index)
        .annotate(by_enterprise=Case(When(enterprise__isnull=True, then=Value(0)), default=Value(1)))
        .order_by(quarter_index().desc()).values("by_enterprise")[:1])  # figure_cluster_qindex, one step


def _clusters_with_modes(clusters: QuerySet[Cluster], quarters: list[Quarter]) -> list[Cluster]:
    """The clusters with `by_enterprise_then` (quarter → 1, 0, or None without any figure up to that
    quarter), `has_enterprises`, their department and enterprises. Two queries, however many quarters."""
    rows = list(
        clusters.select_related("responsible_department")
        .annotate(**{f"by_enterprise_{i}": _latest_mode(q) for i, q in enumerate(quarters)},
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


def _in_quarters(quarters: Iterable[Quarter]) -> Q:
    """The figures of `quarters`, as one condition (a year's quarters in one IN)."""
    by_year: dict[int, set[int]] = defaultdict(set)
    for quarter in quarters:
        by_year[quarter.year].add(quarter.quarter)
    return reduce(or_, (Q(year=year, quarter__in=sorted(qs)) for year, qs in sorted(by_year.items())))


def _figures(cluster_ids: list[int], quarters: Iterable[Quarter]) -> dict[tuple, QuarterlyFigure]:
    """(cluster, enterprise, year, quarter) → figure, for the given quarters, with its year-to-date check
    (`with_ytd_check`). One query."""
    periods = _in_quarters(quarters)
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


# --- which units a screen shows: filters, paging, and the clusters-first overview -------------------

ENTRY_PAGE_SIZE = 100  # reporting units (or clusters, in the overview) on one page of the entry screen
MISSING = "missing"  # the standing of a unit without a figure for the quarter (as `Standing.MISSING`)


@dataclass(frozen=True)
class GridFilter:
    """What the entry screen narrows its reporting units to: one cluster, a standing in the quarter (a
    `FigureStatus` value or "missing"), a name (of the enterprise or its cluster), or one unit key ("c12",
    "e34": the row check). Every filter is applied in SQL."""

    cluster: int | None = None
    status: str = ""
    search: str = ""
    unit: str = ""

    @property
    def narrowed(self) -> bool:
        return bool(self.cluster or self.status or self.search or self.unit)


NO_FILTER = GridFilter()


def _with_mode(clusters: QuerySet[Cluster], quarter: Quarter) -> QuerySet[Cluster]:
    """`clusters` annotated `by_enterprise` (1 or 0) in `quarter`: the way `reporting_units` decides, in SQL."""
    has_enterprises = Exists(Enterprise.objects.filter(cluster=OuterRef("pk")))
    return clusters.annotate(by_enterprise=Coalesce(
        _latest_mode(quarter), Case(When(has_enterprises, then=Value(1)), default=Value(0))))


def _standing_in(quarter: Quarter, **unit: object) -> Coalesce:
    """The status of the outer unit's figure in `quarter`, or "missing"; `unit` names the outer unit's columns."""
    figure = QuarterlyFigure.objects.filter(year=quarter.year, quarter=quarter.quarter, **unit).order_by()
    return Coalesce(Subquery(figure.values("status")[:1]), Value(MISSING))


def _unit_sets(user: User, quarter: Quarter, filters: GridFilter) -> tuple[QuerySet[Cluster], QuerySet[Enterprise]]:
    """The clusters reporting as a whole and the enterprises reporting on their own in `quarter`, among what
    `user` may see, narrowed by `filters` (no query: both are querysets)."""
    clusters = _with_mode(Cluster.objects.visible_to(user).order_by(), quarter)
    if filters.cluster:
        clusters = clusters.filter(pk=filters.cluster)
    whole = clusters.filter(by_enterprise=0)
    enterprises = Enterprise.objects.order_by().filter(cluster__in=clusters.filter(by_enterprise=1).values("pk"))
    if filters.search:
        names = Q(cluster__name_zh__icontains=filters.search) | Q(cluster__name_en__icontains=filters.search)
        enterprises = enterprises.filter(names | Q(name__icontains=filters.search))
        whole = whole.filter(Q(name_zh__icontains=filters.search) | Q(name_en__icontains=filters.search))
    if filters.unit:
        key = UnitKey.parse(filters.unit)
        whole = whole.filter(pk=key.pk if key and key.kind == "c" else None)
        enterprises = enterprises.filter(pk=key.pk if key and key.kind == "e" else None)
    if filters.status:
        whole = whole.alias(standing=_standing_in(quarter, cluster=OuterRef("pk"), enterprise__isnull=True)
                            ).filter(standing=filters.status)
        enterprises = enterprises.alias(standing=_standing_in(quarter, enterprise=OuterRef("pk"))
                                        ).filter(standing=filters.status)
    return whole, enterprises


def unit_keys(*, user: User, quarter: Quarter, filters: GridFilter = NO_FILTER) -> QuerySet:
    """The reporting units of `quarter` `user` may see, narrowed by `filters`, as (cluster id, enterprise id or
    None) in the screen's order (cluster level and code, then enterprise name), one SQL UNION to count and
    slice: a page costs its own rows, whatever the number of units."""
    return _unit_union(user, quarter, filters).order_by("lvl", "ccode", "sort_name", "eid")


def _unit_union(user: User, quarter: Quarter, filters: GridFilter) -> QuerySet:
    """`unit_keys` in no order: sliced, the database stops once it has the rows asked for."""
    whole, enterprises = _unit_sets(user, quarter, filters)
    columns = ("cid", "eid", "lvl", "ccode", "sort_name")
    whole_keys = whole.annotate(cid=F("pk"), eid=Value(None, output_field=IntegerField()), lvl=F("level"),
                                ccode=F("code"), sort_name=Value("")).values_list(*columns)
    enterprise_keys = enterprises.annotate(cid=F("cluster_id"), eid=F("pk"), lvl=F("cluster__level"),
                                           ccode=F("cluster__code"), sort_name=F("name")).values_list(*columns)
    return whole_keys.union(enterprise_keys, all=True)


def _units_of(keys: list[tuple]) -> list[Unit]:
    """The `Unit`s of a page of `unit_keys`, in its order. Two queries, whatever the page holds."""
    clusters = Cluster.objects.select_related("responsible_department").in_bulk({k[0] for k in keys})
    enterprises = Enterprise.objects.in_bulk({k[1] for k in keys if k[1]})
    return [Unit(clusters[cid], enterprises[eid] if eid else None) for cid, eid, *_rest in keys]


def _unit_figures(units: list[Unit], quarters: Iterable[Quarter]) -> dict[tuple, QuarterlyFigure]:
    """(cluster, enterprise, year, quarter) → figure of exactly `units` in `quarters`, with its year-to-date check
    (`with_ytd_check`). One query (none without units), fetching those figures only."""
    if not units:
        return {}
    periods = _in_quarters(quarters)
    enterprise_ids = [u.enterprise_id for u in units if u.enterprise_id]
    whole_ids = [u.cluster.pk for u in units if not u.enterprise_id]
    owners = Q(enterprise_id__in=enterprise_ids) | Q(cluster_id__in=whole_ids, enterprise__isnull=True)
    rows = with_ytd_check(QuarterlyFigure.objects.filter(periods).filter(owners)
                          .select_related("entered_by", "returned_by"))
    return {(f.cluster_id, f.enterprise_id, f.year, f.quarter): f for f in rows}


@dataclass
class GridTotals:
    """The quarter's totals over every unit the screen's filters select (not only the page shown), counted the
    way the dashboards do: `approved` the official figures, `counted` those plus the submitted ones
    (`unapproved` of them); `withheld` drafts and returned figures count in neither."""

    approved: Decimal = Decimal(0)
    counted: Decimal = Decimal(0)
    unapproved: int = 0
    withheld: int = 0


_ZERO = Value(Decimal(0), output_field=DecimalField(**OUTPUT_DIGITS))


def _totals(user: User, quarter: Quarter, filters: GridFilter) -> GridTotals:
    """`GridTotals` by one aggregate query: from the figure tally (`clusters.tally`) unless the filters pick
    units by name, unit or standing (then from those units' figures)."""
    if filters.search or filters.unit or filters.status:
        return _totals_of_figures(user, quarter, filters)
    clusters = _with_mode(Cluster.objects.visible_to(user).order_by(), quarter)
    if filters.cluster:
        clusters = clusters.filter(pk=filters.cluster)
    mode = Q(by_enterprise=True, cluster_id__in=clusters.filter(by_enterprise=1).values("pk")) | Q(
        by_enterprise=False, cluster_id__in=clusters.filter(by_enterprise=0).values("pk"))
    row = FigureTally.objects.filter(mode, year=quarter.year, quarter=quarter.quarter, belongs=True).aggregate(
        approved=Coalesce(Sum("output", filter=Q(status=FigureStatus.APPROVED)), _ZERO),
        counted=Coalesce(Sum("output", filter=Q(status__in=COUNTED_WITH_UNAPPROVED)), _ZERO),
        unapproved=Coalesce(Sum("figures", filter=Q(status__in=NOT_YET_APPROVED)), 0),
        withheld=Coalesce(Sum("figures", filter=~Q(status__in=COUNTED_WITH_UNAPPROVED)), 0))
    return GridTotals(**row)


def _totals_of_figures(user: User, quarter: Quarter, filters: GridFilter) -> GridTotals:
    whole, enterprises = _unit_sets(user, quarter, filters)
    figures = QuarterlyFigure.objects.filter(year=quarter.year, quarter=quarter.quarter).filter(
        Q(enterprise__isnull=True, cluster__in=whole.values("pk")) | Q(enterprise__in=enterprises.values("pk")))
    row = figures.order_by().aggregate(
        approved=Coalesce(Sum("output_value", filter=Q(status=FigureStatus.APPROVED)), _ZERO),
        counted=Coalesce(Sum("output_value", filter=Q(status__in=COUNTED_WITH_UNAPPROVED)), _ZERO),
        unapproved=Count("pk", filter=Q(status__in=NOT_YET_APPROVED)),
        withheld=Count("pk", filter=~Q(status__in=COUNTED_WITH_UNAPPROVED)))
    return GridTotals(**row)


def _tallied(quarter: Quarter, statuses: Iterable[str] = FigureStatus.values) -> Coalesce:
    """The outer cluster's figures of `quarter` in `statuses` that match its mode (`by_enterprise`), from the
    figure tally: a few rows per cluster, whatever its enterprises."""
    tallies = (FigureTally.objects.filter(cluster_id=OuterRef("pk"), year=quarter.year, quarter=quarter.quarter,
                                          status__in=list(statuses), belongs=True)
               .annotate(mode=Case(When(by_enterprise=True, then=Value(1)), default=Value(0)))
               .filter(mode=OuterRef("by_enterprise")))
    return figures_in(tallies)


def figures_in(tallies: QuerySet[FigureTally]) -> Coalesce:
    """The figures `tallies` (rows of the outer cluster) count, summed: a correlated subquery, 0 without any."""
    return Coalesce(Subquery(tallies.order_by().values("cluster_id").annotate(n=Sum("figures")).values("n")[:1]),
                    Value(0))


def cluster_lines(*, user: User, quarter: Quarter) -> QuerySet[Cluster]:
    """The clusters `user` may see, in the screen's order, each annotated with its reporting units in `quarter`
    (`units`) and how many of them have a figure (`entered`), have submitted it (`submitted`, awaiting review)
    or have it approved (`approved`): SQL aggregates (correlated, on the figure tally: a page costs its own
    clusters)."""
    clusters = _with_mode(Cluster.objects.visible_to(user).select_related("responsible_department"), quarter)
    enterprises = Coalesce(Subquery(EnterpriseTally.objects.filter(cluster_id=OuterRef("pk")).values("enterprises")),
                           Value(0))
    return clusters.annotate(
        units=Case(When(by_enterprise=1, then=enterprises), default=Value(1)), entered=_tallied(quarter),
        submitted=_tallied(quarter, [FigureStatus.SUBMITTED]), approved=_tallied(quarter, [FigureStatus.APPROVED]),
    ).order_by("level", "code")


class _ShowsTotals:
    """The entry screen's totals line (`GridTotals`), read the way the template reads it."""

    totals: GridTotals

    @property
    def approved_total(self) -> Decimal:
        return self.totals.approved

    @property
    def counted_total(self) -> Decimal:
        return self.totals.counted

    @property
    def unapproved_count(self) -> int:
        return self.totals.unapproved

    @property
    def withheld_count(self) -> int:
        return self.totals.withheld



@dataclass
class Grid(_ShowsTotals):
    """A page of the entry screen of a quarter: its rows, the totals over every unit the filters select
    (`GridTotals`), the page (a Django `Page` of `unit_keys`) and the filters it was read with."""

    quarter: Quarter
    mode: str
    rows: list[GridRow]
    totals: GridTotals
    page: Page | None = None
    filters: GridFilter = NO_FILTER

    @property
    def editable_count(self) -> int:
        return sum(row.editable for row in self.rows)


def grid_rows(*, user: User, quarter: Quarter, mode: str, units: list[Unit]) -> list[GridRow]:
    """The entry screen's rows of `units`, editable where the permission layer lets `user` edit, each with
    the unit's figures of this year and last (its comparisons). Two queries, fetching those units' figures."""
    ids = {unit.cluster.pk for unit in units}
    editable = set(Cluster.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    figures = _unit_figures(units, [Quarter(year, q) for year in (quarter.year - 1, quarter.year) for q in range(1, 5)])
    rows = []
    for unit in units:
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
        rows.append(row)
    return rows


def figure_grid(*, user: User, quarter: Quarter, mode: str = EntryMode.QUARTER, filters: GridFilter = NO_FILTER,
                page: int | str = 1, per_page: int = ENTRY_PAGE_SIZE) -> Grid:
    """One page of the entry screen of `quarter`: the reporting units `user` may see, narrowed by `filters`,
    with the totals over all of them. Seven queries (count, page, clusters, enterprises, editable, figures,
    totals), each fetching the page's rows only, whatever the data."""
    return _grid_page(user, quarter, mode, filters, Paginator(
        unit_keys(user=user, quarter=quarter, filters=filters), per_page).get_page(page))


def _grid_page(user: User, quarter: Quarter, mode: str, filters: GridFilter, units_page: Page) -> Grid:
    rows = grid_rows(user=user, quarter=quarter, mode=mode, units=_units_of(list(units_page.object_list)))
    return Grid(quarter, mode, rows, _totals(user, quarter, filters) if rows else GridTotals(), units_page, filters)


@dataclass
class ClusterOverview(_ShowsTotals):
    """The entry screen of a quarter with more units than a page, before a cluster is chosen: a page of
    `cluster_lines`, and the totals over every unit."""

    quarter: Quarter
    mode: str
    page: Page
    totals: GridTotals


def entry_screen(*, user: User, quarter: Quarter, mode: str = EntryMode.QUARTER, filters: GridFilter = NO_FILTER,
                 page: int | str = 1, per_page: int = ENTRY_PAGE_SIZE) -> Grid | ClusterOverview:
    """What the entry screen shows: the grid (`figure_grid`) when the filters narrow it or all the units fit on
    one page, else clusters first (`ClusterOverview`: a cluster's units open with `GridFilter.cluster`)."""
    keys = unit_keys(user=user, quarter=quarter, filters=filters)
    if filters.narrowed:
        return _grid_page(user, quarter, mode, filters, Paginator(keys, per_page).get_page(page))
    # Do they fit a page? Read at most a page and one unsorted (counting a province's 200,000 units took 20 ms).
    if len(_unit_union(user, quarter, filters)[:per_page + 1]) <= per_page:
        return _grid_page(user, quarter, mode, filters, Paginator(list(keys), per_page).get_page(page))
    return ClusterOverview(quarter, mode, Paginator(cluster_lines(user=user, quarter=quarter), per_page).get_page(page),
                           _totals(user, quarter, filters))


def all_grid_rows(*, user: User, quarter: Quarter, mode: str, filters: GridFilter = NO_FILTER,
                  chunk: int = 500) -> Iterator[GridRow]:
    """Every row of the entry screen (narrowed by `filters`), `chunk` units at a time: the bulk path (the Excel
    template, the export), whose memory stays that of one chunk; four queries per chunk."""
    keys = unit_keys(user=user, quarter=quarter, filters=filters).iterator(chunk_size=chunk)
    while batch := list(itertools.islice(keys, chunk)):
        yield from grid_rows(user=user, quarter=quarter, mode=mode, units=_units_of(batch))
