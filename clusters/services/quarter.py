"""Writes a whole entry screen, or an imported sheet, for one quarter: every row or none.

Each row goes through the single-figure services (`figures.py`), so the permission layer, the
model's rules, the entry rules, optimistic locking and the history apply to it exactly as to one
figure; the rows share one transaction, so one bad row saves nothing.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import access
from core.exceptions import PermissionDenied, ValidationError
from core.numbers import NumberError, parse_amount, parse_id
from core.periods import Quarter
from org.models import User

from ..choices import FigureSource
from ..models import OUTPUT_DIGITS, Cluster, Enterprise, QuarterlyFigure
from .figures import EDITABLE_STATUSES, check_entry_rules, figure_create, figure_submit, figure_update


class EntryMode:
    """What the numbers typed on a screen mean: the quarter's own value, or the year to date (累计)."""

    QUARTER = "quarter"
    YTD = "ytd"
    ALL = (QUARTER, YTD)


@dataclass(frozen=True)
class UnitKey:
    """A reporting unit as forms and sheets name it: "c12" (cluster 12 as a whole) or "e34" (enterprise 34)."""

    kind: str
    pk: int

    @classmethod
    def parse(cls, text: object) -> UnitKey | None:
        text = text.strip() if isinstance(text, str) else ""
        if len(text) > 1 and text[0] in "ce":
            try:
                return cls(text[0], parse_id(text[1:]))
            except NumberError:
                return None
        return None

    @classmethod
    def of(cls, cluster_id: int, enterprise_id: int | None) -> UnitKey:
        return cls("e", enterprise_id) if enterprise_id else cls("c", cluster_id)

    def __str__(self) -> str:
        return f"{self.kind}{self.pk}"


@dataclass(frozen=True)
class ExtraField:
    """An optional value entered beside the output value, on the same screen and sheet.

    `cumulative`: the value is a flow over the quarter and follows the screen's mode (in 累计 mode
    the typed value is the year to date and the quarter's own value is derived, as for output);
    otherwise it is a stock at the quarter's end (the headcount), never cumulative.
    """

    name: str
    label: object
    cumulative: bool = True
    integer: bool = False


EXTRA_FIELDS = (
    ExtraField("revenue", gettext_lazy("Main business revenue")),
    ExtraField("tax", gettext_lazy("Taxes paid")),
    ExtraField("employees", gettext_lazy("Employees"), cumulative=False, integer=True),
    ExtraField("fixed_asset_investment", gettext_lazy("Fixed-asset investment")),
)
MAX_EMPLOYEES = 2_147_483_647  # the column's limit (a positive integer field)


@dataclass(frozen=True)
class EntryInput:
    """One row as typed: the unit, its value as text ('' = left empty), the note, the figure
    version the user saw (None: the user saw no figure), and the optional values of EXTRA_FIELDS
    as text: None when the screen or sheet did not carry the field (the figure's value is kept),
    '' when it was left empty (the value is cleared)."""

    unit: str
    value: str
    note: str = ""
    version: int | None = None
    revenue: str | None = None
    tax: str | None = None
    employees: str | None = None
    fixed_asset_investment: str | None = None

    def typed_extra(self, name: str) -> str | None:
        value = getattr(self, name)
        return None if value is None else str(value)

    @property
    def has_extras(self) -> bool:
        return any((self.typed_extra(f.name) or "").strip() for f in EXTRA_FIELDS)


@dataclass(frozen=True)
class Conflict:
    """A row someone else saved after the user read it: what the user typed, and what is there now."""

    unit: str
    label: str
    yours: Decimal | None
    your_note: str
    current: QuarterlyFigure
    your_extras: dict[str, Decimal | int | None] = field(default_factory=dict)

    @property
    def extras_compared(self) -> list[tuple[object, Decimal | int | None, Decimal | int | None]]:
        """(label, yours, theirs) for each optional value the user typed that differs from the saved one
        (quarter's own values)."""
        return [(f.label, self.your_extras[f.name], getattr(self.current, f.name))
                for f in EXTRA_FIELDS
                if f.name in self.your_extras and self.your_extras[f.name] != getattr(self.current, f.name)]


@dataclass
class EntryResult:
    created: list[QuarterlyFigure] = field(default_factory=list)
    updated: list[QuarterlyFigure] = field(default_factory=list)
    submitted: list[QuarterlyFigure] = field(default_factory=list)
    unchanged: int = 0


class EntryRejected(Exception):
    """Nothing was saved. `errors`: unit key ("__all__" for the screen) → messages naming the field;
    `conflicts`: rows changed by someone else since they were read."""

    def __init__(self, errors: dict[str, list[str]], conflicts: Sequence[Conflict] = ()) -> None:
        super().__init__("entry rejected")
        self.errors, self.conflicts = errors, list(conflicts)


def _plain(value: Decimal) -> str:
    """12.5000 → "12.5" for messages."""
    return f"{value.normalize():f}"


def _amount(label: object, text: str, *, places: int, max_digits: int,
            whole: str = "") -> tuple[Decimal | None, str | None]:
    """`text` through the one amount parser (core.numbers) → (value, None) or (None, the problem named after
    the field); `whole`, if given, is the problem to name when a whole number had decimals."""
    try:
        return parse_amount(text, places=places, max_digits=max_digits), None
    except NumberError as error:
        if whole and error.code == "places":
            return None, whole
        return None, _("%(field)s: %(problem)s") % {"field": label, "problem": error.message}


def parse_output(text: str) -> tuple[Decimal | None, str | None]:
    """An output value as typed → (value, None) or (None, the reason it is not one)."""
    value, problem = _amount(_("Output value"), text, places=OUTPUT_DIGITS["decimal_places"],
                             max_digits=OUTPUT_DIGITS["max_digits"])
    if problem:
        return None, problem
    if value < 0:
        return None, _("Output value: cannot be negative.")
    if value > settings.ENTRY_MAX_OUTPUT:
        return None, _("Output value: %(value)s 亿元 in one quarter is implausibly large (the limit is "
                       "%(limit)s 亿元); check the unit: figures are in 亿元, not 万元 or 元.") % {
            "value": _plain(value), "limit": settings.ENTRY_MAX_OUTPUT}
    return value, None


def parse_extra(spec: ExtraField, text: str) -> tuple[Decimal | int | None, str | None]:
    """An optional value as typed → (value, None) or (None, the reason it is not one); '' → (None, None)."""
    if str(text).strip() == "":
        return None, None
    label = spec.label
    if spec.integer:
        value, problem = _amount(label, text, places=0, max_digits=len(str(MAX_EMPLOYEES)),
                                 whole=_("%(field)s: a whole number of people, without decimals.") % {"field": label})
    else:
        value, problem = _amount(label, text, places=OUTPUT_DIGITS["decimal_places"],
                                 max_digits=OUTPUT_DIGITS["max_digits"])
    if problem:
        return None, problem
    if value < 0:
        return None, _("%(field)s: cannot be negative.") % {"field": label}
    if spec.integer:
        if value > MAX_EMPLOYEES:
            return None, _("%(field)s: %(value)s is implausibly large.") % {"field": label, "value": _plain(value)}
        return int(value), None
    if value > settings.ENTRY_MAX_OUTPUT:
        return None, _("%(field)s: %(value)s 亿元 is implausibly large (the limit is %(limit)s 亿元); check the "
                       "unit: figures are in 亿元, not 万元 or 元.") % {
            "field": label, "value": _plain(value), "limit": settings.ENTRY_MAX_OUTPUT}
    return value, None


def year_to_date(values: Sequence[Decimal | int | None]) -> Decimal | None:
    """The sum of a reporting unit's values over quarters of one year (its year to date when they are quarters
    1..q); None when any of them is missing. Figures not yet approved count: this is the entry screen's
    arithmetic, before the roll-up (progress) has anything to say."""
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def quarter_of_year_to_date(typed: Decimal, earlier: Sequence[Decimal | int | None]) -> Decimal | None:
    """The quarter's own value of a year to date (累计) typed for it: less the year's earlier quarters (their
    values in `earlier`); None when one of them is missing."""
    before = year_to_date(earlier)
    return None if before is None else typed - before


def _field_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    labels = {f.name: str(f.verbose_name) for f in QuarterlyFigure._meta.fields}
    return [f"{labels.get(name, _('Figure')) if name != '__all__' else _('Figure')}: {message}"
            for name, messages in error.message_dict.items() for message in messages]


class _QuarterEntry:
    """One run of `figures_enter_quarter`: resolves units, then checks and writes row by row."""

    def __init__(self, *, user: User, quarter: Quarter, mode: str, submit: bool, source: str,
                 write: bool = True) -> None:
        self.user, self.quarter, self.mode, self.submit, self.source = user, quarter, mode, submit, source
        self.write = write
        self.errors: dict[str, list[str]] = {}
        self.conflicts: list[Conflict] = []
        self.result = EntryResult()

    def error(self, unit: str, message: str) -> None:
        self.errors.setdefault(unit, []).append(message)

    def load(self, keys: list[UnitKey]) -> None:
        cluster_ids = {k.pk for k in keys if k.kind == "c"}
        enterprise_ids = {k.pk for k in keys if k.kind == "e"}
        self.enterprises = Enterprise.objects.select_related("cluster").in_bulk(enterprise_ids)
        cluster_ids |= {e.cluster_id for e in self.enterprises.values()}
        self.editable = {c.pk: c for c in Cluster.objects.editable_by(self.user).filter(pk__in=cluster_ids)}
        # The posted units' figures only (a page of a cluster's enterprises reads that page, not the cluster).
        whole_ids = {k.pk for k in keys if k.kind == "c"}
        owners = Q(enterprise_id__in=enterprise_ids) | Q(cluster_id__in=whole_ids, enterprise__isnull=True)
        figures = QuarterlyFigure.objects.filter(owners).filter(
            Q(year=self.quarter.year, quarter__lte=self.quarter.quarter)
            | Q(year=self.quarter.year - 1, quarter=self.quarter.quarter)
        )
        self.figures = {(f.cluster_id, f.enterprise_id, f.year, f.quarter): f for f in figures}

    @staticmethod
    def slot(cluster: Cluster, enterprise: Enterprise | None, quarter: Quarter) -> tuple:
        return cluster.pk, enterprise.pk if enterprise else None, quarter.year, quarter.quarter

    def unit(self, key: UnitKey) -> tuple[Cluster, Enterprise | None] | None:
        if key.kind == "e":
            enterprise = self.enterprises.get(key.pk)
            cluster = self.editable.get(enterprise.cluster_id) if enterprise else None
            return (cluster, enterprise) if cluster else None
        cluster = self.editable.get(key.pk)
        return (cluster, None) if cluster else None

    def lock_order(self, entry: EntryInput) -> tuple[int, int]:
        """Rows are written cluster by cluster, whatever order a sheet lists them in: every write moves counts
        in the cluster's figure tally (clusters.tally), whose rows two saves then lock in the same order (a
        sheet listing cluster A then B saved beside one listing B then A would otherwise deadlock)."""
        key = UnitKey.parse(entry.unit)
        unit = self.unit(key) if key else None
        return (unit[0].pk, unit[1].pk if unit[1] else 0) if unit else (0, 0)

    def earlier(self, cluster: Cluster, enterprise: Enterprise | None, name: str) -> tuple[list, list[Quarter]]:
        """A unit's values of `name` in the year's quarters before this one, and the quarters without one."""
        quarters = self.quarter.earlier_in_year()
        values = [getattr(self.figures.get(self.slot(cluster, enterprise, q)), name, None) for q in quarters]
        return values, [q for q, value in zip(quarters, values, strict=True) if value is None]

    def own_value(self, unit: str, cluster: Cluster, enterprise: Enterprise | None, typed: Decimal,
                  spec: ExtraField | None = None) -> Decimal | None:
        """The quarter's own value of output (or of `spec`, one of EXTRA_FIELDS) typed in the screen's mode: as
        typed, or, for a year to date (累计), derived from it; the earlier quarters of the year must be there."""
        if self.mode != EntryMode.YTD:
            return typed
        earlier, missing = self.earlier(cluster, enterprise, spec.name if spec else "output_value")
        quarters = "、".join(q.label for q in missing)
        if missing and spec is None:
            self.error(unit, _("Output value: a year-to-date value needs the earlier quarters of the year first "
                               "(%(missing)s missing); enter them, or switch to the quarter's own value.")
                       % {"missing": quarters})
        elif missing:
            self.error(unit, _("%(field)s: a year-to-date value needs the earlier quarters' values first "
                               "(%(missing)s missing); enter them, or switch to the quarter's own value.")
                       % {"field": spec.label, "missing": quarters})
        own = quarter_of_year_to_date(typed, earlier)
        if own is not None and own < 0:
            values = {"ytd": _plain(typed), "earlier": _plain(typed - own)}
            if spec is None:
                self.error(unit, _("Output value: the year-to-date value %(ytd)s is below the sum of the earlier "
                                   "quarters (%(earlier)s).") % values)
            else:
                self.error(unit, _("%(field)s: the year-to-date value %(ytd)s is below the sum of the earlier "
                                   "quarters (%(earlier)s).") % {"field": spec.label, **values})
            return None
        return own

    def own_extras(self, unit: str, cluster: Cluster, enterprise: Enterprise | None,
                   entry: EntryInput) -> dict[str, Decimal | int | None]:
        """The optional values the row carries, as the quarter's own (derived in YTD mode for the
        cumulative ones). Fields the row does not carry are left out, so the figure keeps them."""
        values: dict[str, Decimal | int | None] = {}
        for spec in EXTRA_FIELDS:
            text = entry.typed_extra(spec.name)
            if text is None:
                continue
            typed, problem = parse_extra(spec, text)
            if problem:
                self.error(unit, problem)
                continue
            if self.mode != EntryMode.YTD or not spec.cumulative:
                values[spec.name] = typed
            elif typed is None:
                # Without the earlier quarters the screen could show no year-to-date value, so an
                # empty box there means "not shown", not "clear it".
                if not self.earlier(cluster, enterprise, spec.name)[1]:
                    values[spec.name] = None
            elif (own := self.own_value(unit, cluster, enterprise, typed, spec)) is not None:
                values[spec.name] = own
        return values

    def differs(self, figure: QuarterlyFigure, own: Decimal, note: str, extras: dict,
                ytd: Decimal | None = None) -> bool:
        # A 累计 typed again differs when it is not the one reported (or the figure was reported otherwise).
        return (own != figure.output_value or note != figure.note
                or (self.mode == EntryMode.YTD and ytd != figure.reported_ytd)
                or any(getattr(figure, name) != value for name, value in extras.items()))

    def row(self, entry: EntryInput) -> None:
        key = UnitKey.parse(entry.unit)
        resolved = self.unit(key) if key else None
        if resolved is None:
            self.error(entry.unit, _("Reporting unit: not one you may enter figures for."))
            return
        cluster, enterprise = resolved
        unit, label = str(key), str(enterprise or cluster)
        slot = self.slot(cluster, enterprise, self.quarter)
        figure = self.figures.get(slot)
        note = (entry.note or "").strip()
        errors_before = len(self.errors.get(unit, []))
        if str(entry.value).strip() == "":
            if figure is not None and entry.version is None:
                self.conflicts.append(Conflict(unit, label, None, note, figure))  # someone entered it meanwhile
            elif figure is not None:
                self.error(unit, _("Output value: required; a saved figure cannot be emptied."))
            elif self.submit:
                self.error(unit, _("Output value: required before the quarter can be submitted."))
            elif entry.has_extras:
                self.error(unit, _("Output value: required to save the other figures of this row."))
            return
        typed, problem = parse_output(entry.value)
        if problem:
            self.error(unit, problem)
        own = self.own_value(unit, cluster, enterprise, typed) if typed is not None else None
        extras = self.own_extras(unit, cluster, enterprise, entry)
        if own is None or len(self.errors.get(unit, [])) > errors_before:
            return
        ytd = typed if self.mode == EntryMode.YTD else None
        if figure is not None and figure.version != entry.version and self.differs(figure, own, note, extras, ytd):
            self.conflicts.append(Conflict(unit, label, own, note, figure, extras))
            return
        if figure is None:
            self.create(unit, cluster, enterprise, own, note, extras, ytd)
        elif self.differs(figure, own, note, extras, ytd):
            if figure.status not in EDITABLE_STATUSES:
                reported_again = ytd is None or ytd == figure.reported_ytd
                if own != figure.output_value or note != figure.note or not reported_again:
                    self.error(unit, _("Output value: this figure is %(status)s and locked; ask a planner to "
                                       "reopen it.") % {"status": figure.get_status_display()})
                else:
                    changed = [f.label for f in EXTRA_FIELDS
                               if f.name in extras and extras[f.name] != getattr(figure, f.name)]
                    self.error(unit, _("%(field)s: this figure is %(status)s and locked; ask a planner to reopen "
                                       "it.") % {"field": "、".join(str(c) for c in changed),
                                                 "status": figure.get_status_display()})
                return
            self.update(unit, figure, own, note, extras, ytd)
        else:
            self.result.unchanged += 1
        if self.submit and unit not in self.errors:
            self.submit_figure(unit, self.figures[slot])

    @staticmethod
    def output(own: Decimal, ytd: Decimal | None) -> dict[str, Decimal]:
        """The output as the services take it: a 累计 is passed as reported (kept beside the derived value)."""
        return {"output_ytd": ytd} if ytd is not None else {"output_value": own}

    @staticmethod
    def mode_of(ytd: Decimal | None) -> dict[str, object]:
        return {"entry_mode": EntryMode.YTD if ytd is not None else EntryMode.QUARTER, "reported_ytd": ytd}

    def create(self, unit: str, cluster: Cluster, enterprise: Enterprise | None, own: Decimal, note: str,
               extras: dict, ytd: Decimal | None = None) -> None:
        if not self.write:
            self.validate(unit, QuarterlyFigure(cluster=cluster, enterprise=enterprise, year=self.quarter.year,
                                                quarter=self.quarter.quarter, output_value=own, note=note,
                                                **self.mode_of(ytd), **extras))
            return
        try:
            figure = figure_create(user=self.user, cluster=cluster, enterprise=enterprise, year=self.quarter.year,
                                   quarter=self.quarter.quarter, note=note, source=self.source,
                                   **self.output(own, ytd), **extras)
        except ValidationError as error:
            for message in _field_messages(error):
                self.error(unit, message)
            return
        self.figures[self.slot(cluster, enterprise, self.quarter)] = figure
        self.result.created.append(figure)

    def update(self, unit: str, figure: QuarterlyFigure, own: Decimal, note: str, extras: dict,
               ytd: Decimal | None = None) -> None:
        if not self.write:
            if ytd is not None or own != figure.output_value:
                for name, value in self.mode_of(ytd).items():
                    setattr(figure, name, value)
            figure.output_value, figure.note = own, note
            for name, value in extras.items():
                setattr(figure, name, value)
            self.validate(unit, figure)
            return
        source = self.source if self.source == FigureSource.IMPORTED else None
        try:
            saved = figure_update(user=self.user, figure_id=figure.pk, expected_version=figure.version,
                                  source=source, note=note, **self.output(own, ytd), **extras)
        except ValidationError as error:
            for message in _field_messages(error):
                self.error(unit, message)
            return
        self.figures[(saved.cluster_id, saved.enterprise_id, saved.year, saved.quarter)] = saved
        self.result.updated.append(saved)

    def validate(self, unit: str, figure: QuarterlyFigure) -> None:
        """The checks a save would make, without writing (reads only): for checking a row as it is typed."""
        try:
            check_entry_rules(figure)
            figure.full_clean()
        except ValidationError as error:
            for message in _field_messages(error):
                self.error(unit, message)

    def submit_figure(self, unit: str, figure: QuarterlyFigure) -> None:
        if figure.status not in EDITABLE_STATUSES:
            return
        try:
            saved = figure_submit(user=self.user, figure_id=figure.pk, expected_version=figure.version)
        except ValidationError as error:
            for message in error.messages:
                self.error(unit, message)
            return
        self.result.submitted.append(saved)


def _run(entries: Sequence[EntryInput], run: _QuarterEntry) -> EntryResult:
    if not access.may(run.user, "edit", QuarterlyFigure):
        raise PermissionDenied(_("You may not enter figures."))
    if not run.quarter.is_over():
        raise EntryRejected({"__all__": [
            _("%(quarter)s is not over yet (it ends on %(end)s); its figures can be entered after that.")
            % {"quarter": run.quarter.label, "end": run.quarter.last_day.isoformat()}]})
    run.load([k for k in (UnitKey.parse(e.unit) for e in entries) if k])
    seen: set[str] = set()
    for entry in sorted(entries, key=run.lock_order):
        if entry.unit in seen:
            run.error(entry.unit, _("Reporting unit: appears more than once."))
            continue
        seen.add(entry.unit)
        run.row(entry)
    if run.errors or run.conflicts:
        raise EntryRejected(run.errors, run.conflicts)
    return run.result


@transaction.atomic
def figures_enter_quarter(
    *, user: User, quarter: Quarter, entries: Sequence[EntryInput], mode: str = EntryMode.QUARTER,
    submit: bool = False, source: str = FigureSource.ENTERED, dry_run: bool = False,
) -> EntryResult:
    """Save a whole entry screen (or imported sheet) for one quarter: all rows, or nothing.

    Each row is a reporting unit the user may edit; its value is the quarter's own or, in YTD mode,
    the year to date, from which the quarter's own value is derived (the earlier quarters must be
    there). The optional values (EXTRA_FIELDS: revenue, tax, employees, investment) are validated
    per field and saved with the output in the same write; revenue, tax and investment follow the
    mode, the headcount never does; a field the row does not carry keeps its saved value.
    Empty rows are skipped when saving a draft and refused when submitting. A row changed by
    someone else since the user read it is a conflict; a submitted or approved row is locked.
    With `submit`, every row is then submitted, and an outlier needs its note filled in.
    Raises `EntryRejected` (and saves nothing) if any row fails; `dry_run` writes everything and
    rolls back, for a preview that shows exactly what an import would do.
    """
    result = _run(entries, _QuarterEntry(user=user, quarter=quarter, mode=mode, submit=submit, source=source))
    if dry_run:
        transaction.set_rollback(True)
    return result


def figures_check_quarter(*, user: User, quarter: Quarter, entries: Sequence[EntryInput],
                          mode: str = EntryMode.QUARTER) -> None:
    """The checks of `figures_enter_quarter` (as a draft save) without writing anything, not even in a
    rolled-back transaction: for checking rows as they are typed. Raises `EntryRejected`."""
    _run(entries, _QuarterEntry(user=user, quarter=quarter, mode=mode, submit=False, source=FigureSource.ENTERED,
                                write=False))
