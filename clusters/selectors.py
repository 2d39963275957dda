"""Reads of clusters and figures for pages, exports and the API; each states its queries.

The entry grid, the completeness page and the reminders share one idea of a quarter's reporting
units (`reporting_units`): a cluster reports as a whole or by its enterprises, the way its latest
figure up to that quarter did; a cluster with no figure yet reports by enterprise if it has any.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.periods import Quarter
from org.models import Department, User

from .choices import FigureStatus
from .models import Cluster, Enterprise, QuarterlyFigure
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


def _clusters_with_mode(clusters: QuerySet[Cluster], quarter: Quarter) -> list[Cluster]:
    """The clusters with `by_enterprise_then` (1, 0, or None without any figure up to `quarter`),
    `has_enterprises`, their department and enterprises. Two queries."""
    latest = (QuarterlyFigure.objects.filter(cluster=OuterRef("pk"))
              .filter(Q(year__lt=quarter.year) | Q(year=quarter.year, quarter__lte=quarter.quarter))
              .annotate(by_enterprise=Case(When(enterprise__isnull=True, then=Value(0)), default=Value(1)))
              .order_by("-year", "-quarter").values("by_enterprise")[:1])
    return list(
        clusters.select_related("responsible_department")
        .annotate(by_enterprise_then=Subquery(latest),
                  has_enterprises=Exists(Enterprise.objects.filter(cluster=OuterRef("pk"))))
        .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.order_by("name")))
        .order_by("level", "code")
    )


def reporting_units(clusters: list[Cluster]) -> list[Unit]:
    """Each cluster's reporting units, from `_clusters_with_mode`'s annotations (no query)."""
    units = []
    for cluster in clusters:
        by_enterprise = cluster.by_enterprise_then
        if by_enterprise is None:
            by_enterprise = cluster.has_enterprises
        if by_enterprise:
            units += [Unit(cluster, enterprise) for enterprise in cluster.enterprises.all()]
        else:
            units.append(Unit(cluster))
    return units


def _figures(cluster_ids: list[int], years: tuple[int, ...]) -> dict[tuple, QuarterlyFigure]:
    """(cluster, enterprise, year, quarter) → figure, for the given years. One query."""
    rows = (QuarterlyFigure.objects.filter(cluster_id__in=cluster_ids, year__in=years)
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


@dataclass
class GridRow:
    """One reporting unit on the entry screen, with what it is compared against.

    `shown`, `previous`, `last_year` and `change` are in the screen's mode (the quarter's own value,
    or the year to date); `outlier` always compares the quarter's own values.
    """

    unit: Unit
    figure: QuarterlyFigure | None
    may_edit: bool
    shown: Decimal | None = None
    previous: Decimal | None = None
    last_year: Decimal | None = None
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
    quarter: Quarter
    mode: str
    rows: list[GridRow]
    approved_total: Decimal
    all_total: Decimal
    unapproved_count: int

    @property
    def editable_count(self) -> int:
        return sum(row.editable for row in self.rows)


def _values(figures: dict, unit: Unit, quarters: list[Quarter], name: str = "output_value") -> list:
    """A unit's values of `name` in `quarters` (None where it has no figure or no value)."""
    return [getattr(figures.get((unit.cluster.pk, unit.enterprise_id, q.year, q.quarter)), name, None)
            for q in quarters]


def _ytd(figures: dict, unit: Unit, quarter: Quarter) -> Decimal | None:
    return year_to_date(_values(figures, unit, [*quarter.earlier_in_year(), quarter]))


def _extras(figures: dict, unit: Unit, quarter: Quarter, mode: str) -> dict[str, Decimal | int | None]:
    """The optional values of a unit's quarter in the screen's mode: the cumulative ones summed over
    the year in YTD mode (None unless every quarter so far has the value), the headcount as it is."""
    return {spec.name: year_to_date(_values(figures, unit, [*quarter.earlier_in_year(), quarter], spec.name))
            if mode == EntryMode.YTD and spec.cumulative else _values(figures, unit, [quarter], spec.name)[0]
            for spec in EXTRA_FIELDS}


def _own(figures: dict, unit: Unit, quarter: Quarter) -> Decimal | None:
    return _values(figures, unit, [quarter])[0]


def figure_grid(*, user: User, quarter: Quarter, mode: str = EntryMode.QUARTER) -> Grid:
    """The entry screen of `quarter`: one row per reporting unit of the clusters `user` may see,
    editable where the permission layer lets the user edit. Four queries, whatever the data."""
    clusters = _clusters_with_mode(Cluster.objects.visible_to(user), quarter)
    ids = [c.pk for c in clusters]
    editable = set(Cluster.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    figures = _figures(ids, (quarter.year - 1, quarter.year))
    value = _ytd if mode == EntryMode.YTD else _own
    rows, approved_total, all_total, unapproved = [], Decimal(0), Decimal(0), 0
    for unit in reporting_units(clusters):
        figure = figures.get((unit.cluster.pk, unit.enterprise_id, quarter.year, quarter.quarter))
        row = GridRow(unit=unit, figure=figure, may_edit=unit.cluster.pk in editable,
                      shown=value(figures, unit, quarter), previous=value(figures, unit, quarter.previous),
                      last_year=value(figures, unit, quarter.a_year_earlier),
                      last_year_own=_own(figures, unit, quarter.a_year_earlier),
                      extras=_extras(figures, unit, quarter, mode), ytd=mode == EntryMode.YTD,
                      earlier=_values(figures, unit, quarter.earlier_in_year()) if mode == EntryMode.YTD else [])
        row.change = change_on(row.shown, row.last_year)
        if figure is not None:
            row.outlier = is_outlier(figure.output_value, row.last_year_own)
            all_total += figure.output_value
            if figure.status == FigureStatus.APPROVED:
                approved_total += figure.output_value
            else:
                unapproved += 1
        rows.append(row)
    return Grid(quarter, mode, rows, approved_total, all_total, unapproved)


# --- completeness and timeliness -------------------------------------------------------------------

class Standing:
    """Where a reporting unit stands for a quarter."""

    MISSING, DRAFT, RETURNED, SUBMITTED, APPROVED = "missing", "draft", "returned", "submitted", "approved"
    NOT_SUBMITTED = (MISSING, DRAFT, RETURNED)


@dataclass
class UnitStanding:
    unit: Unit
    figure: QuarterlyFigure | None
    standing: str
    overdue: bool

    @property
    def department(self) -> Department:
        return self.unit.cluster.responsible_department


@dataclass
class DepartmentSummary:
    department: Department
    units: int = 0
    not_submitted: int = 0
    awaiting_review: int = 0
    approved: int = 0
    overdue: int = 0


@dataclass
class Completeness:
    quarter: Quarter
    deadline: date
    overdue: bool
    rows: list[UnitStanding]
    departments: list[DepartmentSummary]

    @property
    def open_rows(self) -> list[UnitStanding]:
        return [r for r in self.rows if r.standing != Standing.APPROVED]


def completeness(*, user: User, quarter: Quarter, today: date | None = None,
                 clusters: QuerySet[Cluster] | None = None) -> Completeness:
    """Which reporting units of the clusters `user` may see have not submitted, or are not approved, for
    `quarter`; overdue when the deadline has passed and they have not submitted. Per department too.
    Three queries, whatever the data (`clusters` narrows the set, e.g. to what one editor may edit)."""
    today = today or timezone.localdate()
    clusters = _clusters_with_mode(clusters if clusters is not None else Cluster.objects.visible_to(user), quarter)
    figures = _figures([c.pk for c in clusters], (quarter.year,))
    late = quarter.is_overdue(today)
    rows, summaries = [], {}
    for unit in reporting_units(clusters):
        figure = figures.get((unit.cluster.pk, unit.enterprise_id, quarter.year, quarter.quarter))
        standing = figure.status if figure else Standing.MISSING
        row = UnitStanding(unit, figure, standing, overdue=late and standing in Standing.NOT_SUBMITTED)
        rows.append(row)
        summary = summaries.setdefault(row.department.pk, DepartmentSummary(row.department))
        summary.units += 1
        summary.not_submitted += standing in Standing.NOT_SUBMITTED
        summary.awaiting_review += standing == Standing.SUBMITTED
        summary.approved += standing == Standing.APPROVED
        summary.overdue += row.overdue
    departments = sorted(summaries.values(), key=lambda s: (-s.overdue, -s.not_submitted, s.department.code))
    return Completeness(quarter, quarter.deadline, late, rows, departments)


# --- review ---------------------------------------------------------------------------------------

def figures_for_review(*, user: User, status: str | None = FigureStatus.SUBMITTED,
                       quarter: Quarter | None = None) -> QuerySet[QuarterlyFigure]:
    """Figures `user` may see in `status` (None: any), oldest period first, with the same quarter last
    year's value (`last_year_value`) for comparison. One query."""
    last_year = (QuarterlyFigure.objects.annotate(unit=Coalesce("enterprise_id", Value(0)))
                 .filter(cluster_id=OuterRef("cluster_id"), unit=Coalesce(OuterRef("enterprise_id"), Value(0)),
                         year=OuterRef("year") - 1, quarter=OuterRef("quarter"))
                 .values("output_value")[:1])
    figures = (QuarterlyFigure.objects.visible_to(user)
               .select_related("cluster", "cluster__responsible_department", "enterprise", "entered_by", "returned_by")
               .annotate(last_year_value=Subquery(last_year))
               .order_by("year", "quarter", "cluster__code", "enterprise__name"))
    if status:
        figures = figures.filter(status=status)
    if quarter is not None:
        figures = figures.filter(year=quarter.year, quarter=quarter.quarter)
    return figures


def figure_for_page(*, user: User, pk: int) -> QuarterlyFigure | None:
    """One figure `user` may see, with what its page shows. One query."""
    return (QuarterlyFigure.objects.visible_to(user)
            .select_related("cluster", "enterprise", "entered_by", "approved_by", "returned_by").filter(pk=pk).first())


def editors_of(clusters: list[Cluster]) -> dict[int, list[User]]:
    """Cluster id → the active editors (with an e-mail address) who may edit it: one query per editor,
    through the permission layer. For the reminders, which run in the background."""
    ids = [c.pk for c in clusters]
    result: dict[int, list[User]] = defaultdict(list)
    for editor in User.objects.filter(role=User.Role.EDITOR, is_active=True).exclude(email="").order_by("pk"):
        for cluster_id in Cluster.objects.editable_by(editor).filter(pk__in=ids).values_list("pk", flat=True):
            result[cluster_id].append(editor)
    return result


