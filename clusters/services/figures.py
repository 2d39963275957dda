"""Writes to one quarterly figure: create, update, submit, approve, return, reopen; and approving several at once.

Each function runs in one transaction and writes through the kernel's helper (`core.writes`): the
figure locked, the action asked of the permission layer (`edit`, `submit`, `review`, `reopen`), the
version the caller read checked, the model's own rules, the next version and a change reason in the
figure's history. Beyond the model's rules, an
entered value must be for a quarter that is over and below ENTRY_MAX_OUTPUT (a typing error
otherwise). Approving or reopening a figure marks its cluster-year for the roll-up, and returning or
reopening one tells its editor, both through the kernel hooks (core.hooks): this app imports neither
progress nor notices.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access, formats, hooks
from core.exceptions import PermissionDenied, StaleFigures, ValidationError
from core.periods import Quarter
from core.writes import locked_for_change, save_change
from org.models import User

from ..choices import EntryModeChoice, FigureSource, FigureStatus
from ..models import Cluster, Enterprise, QuarterlyFigure

EDITABLE_FIELDS = ("output_value", "revenue", "tax", "employees", "fixed_asset_investment", "note")
EDITABLE_STATUSES = (FigureStatus.DRAFT, FigureStatus.RETURNED)
RETURN_REASON_MAX_LENGTH = QuarterlyFigure._meta.get_field("return_reason").max_length


def check_entry_rules(figure: QuarterlyFigure) -> None:
    """Rules for values people enter, beyond the model's: the quarter is over; the value is plausible."""
    errors = {}
    if figure.year and figure.quarter in (1, 2, 3, 4):
        quarter = Quarter(figure.year, figure.quarter)
        if not quarter.is_over():
            errors["quarter"] = ValidationError(
                _("%(quarter)s is not over yet (it ends on %(end)s); its figures can be entered after that.")
                % {"quarter": quarter.label, "end": quarter.last_day.isoformat()}, code="quarter_not_over")
    if figure.output_value is not None and figure.output_value > settings.ENTRY_MAX_OUTPUT:
        errors["output_value"] = _("%(value)s 亿元 in one quarter is implausibly large (the limit is %(limit)s 亿元); "
                                   "check the unit: figures are in 亿元, not 万元 or 元.") % {
            "value": figure.output_value, "limit": settings.ENTRY_MAX_OUTPUT}
    if errors:
        raise ValidationError(errors)


def _lock_cluster(cluster_id: int) -> None:
    # Serialises writers of one cluster's figures, so the "cluster or enterprises, never both"
    # check cannot be raced by two concurrent inserts.
    Cluster.objects.select_for_update().filter(pk=cluster_id).first()


@transaction.atomic
def figure_create(
    *,
    user: User,
    cluster: Cluster,
    year: int,
    quarter: int,
    output_value: Decimal | None = None,
    output_ytd: Decimal | None = None,
    enterprise: Enterprise | None = None,
    revenue: Decimal | None = None,
    tax: Decimal | None = None,
    employees: int | None = None,
    fixed_asset_investment: Decimal | None = None,
    note: str = "",
    source: str = FigureSource.ENTERED,
) -> QuarterlyFigure:
    """Create a draft figure for a reporting unit the user may edit, from the quarter's own output value or
    from the year to date (`output_ytd`, 累计: kept as reported, the quarter's own value derived), not both."""
    if not access.may(user, "edit", cluster):
        raise PermissionDenied(_("You may not enter figures for this cluster."))
    _lock_cluster(cluster.pk)
    figure = QuarterlyFigure(
        cluster=cluster, enterprise=enterprise, year=year, quarter=quarter,
        revenue=revenue, tax=tax, employees=employees, fixed_asset_investment=fixed_asset_investment, note=note,
        source=source, entered_by=user, entered_at=timezone.now(),
    )
    _set_output(figure, output_value=output_value, output_ytd=output_ytd)
    check_entry_rules(figure)
    return save_change(figure, user=user, reason="imported" if source == FigureSource.IMPORTED else "created")


def earlier_output(figure: QuarterlyFigure) -> tuple[Decimal, list[int]]:
    """The sum of the unit's own output values in the year's quarters before `figure`'s, and the quarters
    missing from it."""
    values = dict(QuarterlyFigure.objects.filter(
        cluster_id=figure.cluster_id, enterprise_id=figure.enterprise_id, year=figure.year, quarter__lt=figure.quarter,
    ).values_list("quarter", "output_value"))
    return sum(values.values(), Decimal(0)), [q for q in range(1, figure.quarter) if q not in values]


def _set_output(figure: QuarterlyFigure, *, output_value: Decimal | None, output_ytd: Decimal | None) -> None:
    """The output as reported: the quarter's own value, or the year to date (累计) with the own value derived
    from it less the earlier quarters (all of which must be there)."""
    if (output_value is None) == (output_ytd is None):
        raise ValidationError({"output_value": ValidationError(
            _("Give either the quarter's own output value or the year to date, not both."), code="one_of")})
    if output_ytd is None:
        figure.output_value, figure.entry_mode, figure.reported_ytd = output_value, EntryModeChoice.QUARTER, None
        return
    earlier, missing = earlier_output(figure)
    if missing:
        raise ValidationError({"output_ytd": ValidationError(
            _("A year-to-date value needs the earlier quarters of the year first (Q%(missing)s missing).")
            % {"missing": "、Q".join(map(str, missing))}, code="earlier_missing")})
    if output_ytd < earlier:
        raise ValidationError({"output_ytd": ValidationError(
            _("The year-to-date value %(ytd)s is below the sum of the earlier quarters (%(earlier)s).")
            % {"ytd": f"{output_ytd.normalize():f}", "earlier": f"{earlier.normalize():f}"}, code="below_earlier")})
    figure.output_value, figure.entry_mode, figure.reported_ytd = output_ytd - earlier, EntryModeChoice.YTD, output_ytd


def _locked(*, user: User, figure_id: int, expected_version: int, action: str = "edit") -> QuarterlyFigure:
    refusal = (_("Only a planner may review figures.") if action in ("review", "reopen")
               else _("You may not change this figure."))
    return locked_for_change(QuarterlyFigure, figure_id, user=user, action=action, expected_version=expected_version,
                             refusal=refusal)


@transaction.atomic
def figure_update(
    *, user: User, figure_id: int, expected_version: int, source: str | None = None, **changes: object
) -> QuarterlyFigure:
    """Change the values of a draft or returned figure; refuses if someone saved it in between.

    The output comes as the quarter's own value (`output_value`) or as the year to date (`output_ytd`, 累计),
    not both (see `figure_create`).

    `source` (optional) records how the new values arrived, e.g. imported from a spreadsheet.
    """
    unknown = set(changes) - {*EDITABLE_FIELDS, "output_ytd"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    figure = _locked(user=user, figure_id=figure_id, expected_version=expected_version)
    if figure.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This figure is %(status)s and locked; it cannot be changed.")
                              % {"status": figure.get_status_display()}, code="locked")
    output_ytd = changes.pop("output_ytd", None)
    output_value = changes.pop("output_value", None)
    if output_ytd is not None or (output_value is not None and output_value != figure.output_value):
        # A new output value is reported in its own mode; the same value again keeps the mode it was reported in.
        _set_output(figure, output_value=output_value, output_ytd=output_ytd)
    for name, value in changes.items():
        setattr(figure, name, value)
    if source:
        figure.source = source
    figure.entered_by, figure.entered_at = user, timezone.now()
    check_entry_rules(figure)
    return save_change(figure, user=user, reason="imported" if source == FigureSource.IMPORTED else "updated")


def _transition(figure: QuarterlyFigure, *, to: str, allowed_from: tuple[str, ...], reason: str,
                user: User) -> QuarterlyFigure:
    if figure.status not in allowed_from:
        raise ValidationError(
            _("A %(status)s figure cannot be %(action)s.")
            % {"status": figure.get_status_display(), "action": FigureStatus(to).label}, code="status",
        )
    figure.status = to
    figure = save_change(figure, user=user, reason=reason)
    hooks.figure_status_announce(figure=figure, by=user, reason=reason)
    return figure


def same_quarter_last_year(figure: QuarterlyFigure) -> QuarterlyFigure | None:
    """The same reporting unit's figure for the same quarter a year earlier, if any."""
    return QuarterlyFigure.objects.filter(
        cluster_id=figure.cluster_id, enterprise_id=figure.enterprise_id, year=figure.year - 1, quarter=figure.quarter
    ).first()


def change_on(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    """The relative change of `value` on `base` (0.5 = +50 %); None when it cannot be computed."""
    if value is None or base is None or base == 0:
        return None
    return (value - base) / base


def is_outlier(value: Decimal | None, last_year: Decimal | None) -> bool:
    """A value that differs from the same quarter last year by more than ENTRY_OUTLIER_THRESHOLD
    (DHIS2-style soft rule: allowed, but only with an explanation). From zero to anything is one too."""
    if value is None or last_year is None:
        return False
    if last_year == 0:
        return value != 0
    return abs(change_on(value, last_year)) > settings.ENTRY_OUTLIER_THRESHOLD


def outlier_message(value: Decimal, last_year: Decimal) -> str:
    change = change_on(value, last_year)
    return _("Output value: %(change)s against the same quarter last year (%(last)s 亿元), beyond ±%(limit)s %%; "
             "give a short explanation before submitting.") % {
        "change": formats.percent(change, signed=True) if change is not None else _("up from zero"),
        "last": f"{last_year.normalize():f}", "limit": formats.whole_percent(settings.ENTRY_OUTLIER_THRESHOLD),
    }


@transaction.atomic
def figure_submit(
    *, user: User, figure_id: int, expected_version: int
) -> QuarterlyFigure:
    """An editor hands a draft (or returned) figure in for review.

    Every entry path (screen, import, API, admin) meets the same rule: an outlier against the same
    quarter last year is refused unless the figure's note explains it.
    """
    figure = _locked(user=user, figure_id=figure_id, expected_version=expected_version, action="submit")
    if not figure.note.strip():
        last = same_quarter_last_year(figure)
        if last is not None and is_outlier(figure.output_value, last.output_value):
            raise ValidationError({"note": ValidationError(outlier_message(figure.output_value, last.output_value),
                                                           code="explanation_needed")})
    figure.submitted_by = user
    return _transition(figure, to=FigureStatus.SUBMITTED, allowed_from=EDITABLE_STATUSES, reason="submitted", user=user)


def needs_second_person(user: User, figure: QuarterlyFigure) -> bool:
    """Four eyes (REVIEW_REQUIRES_SECOND_PERSON): whoever entered or submitted a figure does not approve it."""
    return settings.REVIEW_REQUIRES_SECOND_PERSON and user.pk in (figure.entered_by_id, figure.submitted_by_id)


def entered_or_submitted_by(user: User) -> Q:
    """The figures the four-eyes rule keeps from `user` (`needs_second_person`), as SQL."""
    return Q(entered_by=user) | Q(submitted_by=user)


def _require_second_person(user: User, figure: QuarterlyFigure) -> None:
    if needs_second_person(user, figure):
        raise PermissionDenied(_("You entered or submitted this figure; another planner must approve it "
                                 "(four-eyes rule)."))


def _approve(figure: QuarterlyFigure, *, user: User, at: datetime | None) -> QuarterlyFigure:
    figure.approved_by, figure.approved_at = user, at or timezone.now()
    return _transition(figure, to=FigureStatus.APPROVED, allowed_from=(FigureStatus.SUBMITTED,), reason="approved",
                       user=user)


@transaction.atomic
def figure_approve(*, user: User, figure_id: int, expected_version: int, at: datetime | None = None) -> QuarterlyFigure:
    """A planner approves a submitted figure; it then counts in the official numbers and is locked."""
    figure = _locked(user=user, figure_id=figure_id, expected_version=expected_version, action="review")
    _require_second_person(user, figure)
    figure = _approve(figure, user=user, at=at)
    hooks.rollup_mark(cluster_id=figure.cluster_id, year=figure.year)
    return figure


@transaction.atomic
def figures_approve(*, user: User, versions: dict[int, int] | Iterable[tuple[int, int]],
                    at: datetime | None = None) -> list[QuarterlyFigure]:
    """A planner approves several submitted figures at once (figure id → the version read, or such pairs): all,
    or none. A figure named twice with the same version is named once; with two versions, one is stale.

    The figures are locked in id order and written in cluster order (two batches cannot deadlock). Every
    figure meets the rules of `figure_approve`, the four-eyes rule included; if any figure was changed since
    it was read, nothing is approved and `StaleFigures` lists every such figure with its current version. The
    roll-up is marked once per cluster-year, however many of its figures the batch holds.
    """
    if not access.may(user, "review", QuarterlyFigure):
        raise PermissionDenied(_("Only a planner may review figures."))
    read: dict[int, set[int]] = {}
    for pk, version in versions.items() if isinstance(versions, dict) else versions:
        read.setdefault(pk, set()).add(version)
    if not read:
        raise ValidationError(_("Choose at least one figure to approve."))
    # The rows the permission layer lets this user review, locked: the same question `figure_approve` asks
    # of one figure (through core.writes.locked_for_change), asked once of the whole batch.
    figures = list(access.restrict(QuarterlyFigure.objects.all(), user, "review").select_for_update()
                   .filter(pk__in=list(read)).order_by("pk"))
    missing = sorted(set(read) - {f.pk for f in figures})
    if missing:
        # Hidden and missing look the same, as for an id in the path (404).
        raise ValidationError(_("No such figure: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
                              code="does_not_exist")
    stale = [f for f in figures if read[f.pk] != {f.version}]
    if stale:
        raise StaleFigures(stale)
    own = [f for f in figures if needs_second_person(user, f)]
    if own:
        raise PermissionDenied(_("You entered or submitted %(figures)s; another planner must approve them "
                                 "(four-eyes rule). Nothing was approved.")
                               % {"figures": "、".join(str(f) for f in own)})
    not_submitted = [f for f in figures if f.status != FigureStatus.SUBMITTED]
    if not_submitted:
        raise ValidationError(_("Only submitted figures can be approved; these are not: %(figures)s. Nothing was "
                                "approved.") % {"figures": "、".join(f"{f} ({f.get_status_display()})"
                                                                    for f in not_submitted)}, code="status")
    # Written cluster by cluster, quarter by quarter: each write moves counts in the figure tally (clusters.tally),
    # whose rows every batch then locks in the same order (two batches over the same clusters cannot deadlock).
    for figure in sorted(figures, key=lambda f: (f.cluster_id, f.year, f.quarter, f.pk)):
        _approve(figure, user=user, at=at)
    for cluster_id, year in sorted({(f.cluster_id, f.year) for f in figures}):
        hooks.rollup_mark(cluster_id=cluster_id, year=year)
    return figures


def _send_back(figure: QuarterlyFigure, *, user: User, reason: str, allowed_from: tuple[str, ...],
               history_reason: str) -> QuarterlyFigure:
    """Return or reopen: the figure goes back to its editor with the reason, kept on the figure."""
    was_approved = figure.status == FigureStatus.APPROVED
    figure.approved_by, figure.approved_at = None, None
    figure.returned_by, figure.returned_at, figure.return_reason = user, timezone.now(), reason
    figure = _transition(figure, to=FigureStatus.RETURNED, allowed_from=allowed_from,
                         reason=f"{history_reason}: {reason}", user=user)
    if was_approved:
        # Reopening takes the figure out of the official numbers; a plain return changes nothing there.
        hooks.rollup_mark(cluster_id=figure.cluster_id, year=figure.year)
    hooks.figure_returned_announce(figure=figure, by=user, reason=reason)
    return figure


def _reason(text: str, missing: str) -> str:
    reason = text.strip()
    if not reason:
        raise ValidationError({"reason": missing})
    if len(reason) > RETURN_REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("At most %(limit)s characters.") % {"limit": RETURN_REASON_MAX_LENGTH}})
    return reason


@transaction.atomic
def figure_return(*, user: User, figure_id: int, expected_version: int, reason: str) -> QuarterlyFigure:
    """A planner sends a submitted figure back to its editor; a reason is required."""
    figure = _locked(user=user, figure_id=figure_id, expected_version=expected_version, action="review")
    reason = _reason(reason, _("Say why the figure is returned."))
    return _send_back(figure, user=user, reason=reason, allowed_from=(FigureStatus.SUBMITTED,),
                      history_reason="returned")


@transaction.atomic
def figure_reopen(*, user: User, figure_id: int, expected_version: int, reason: str) -> QuarterlyFigure:
    """A planner reopens an approved (locked) figure so that it can be corrected; a reason is required.

    The figure leaves the official numbers (the roll-up is redone) and goes back to its editor.
    """
    figure = _locked(user=user, figure_id=figure_id, expected_version=expected_version, action="reopen")
    reason = _reason(reason, _("Say why the approved figure is reopened."))
    return _send_back(figure, user=user, reason=reason, allowed_from=(FigureStatus.APPROVED,),
                      history_reason="reopened")


class KeepYtd:
    """Which number of a mismatched figure stands (`figure_resolve_ytd`)."""

    YTD = "ytd"  # the reported 累计; the quarter's own value is derived again
    QUARTER = "quarter"  # the quarter's own value; the 累计 is derived again
    ALL = (YTD, QUARTER)


@transaction.atomic
def figure_resolve_ytd(*, user: User, figure_id: int, expected_version: int, keep: str) -> QuarterlyFigure:
    """Settle a figure reported as year to date (累计) whose 累计 no longer equals the sum of its quarters (an
    earlier quarter was corrected): keep the reported 累计 and derive the quarter's own value again, or keep
    the quarter's own value and derive the 累计 again.

    Its editor or a planner (`resolve-ytd`), in any status: on an approved figure this is a correction of the
    official numbers, so the history records it and the roll-up is marked, as for any other change.
    Refused (`not_mismatched`) when the numbers agree.
    """
    if keep not in KeepYtd.ALL:
        raise ValueError(f"keep must be one of {KeepYtd.ALL}, not {keep!r}")
    figure = _locked(user=user, figure_id=figure_id, expected_version=expected_version, action="resolve-ytd")
    earlier, missing = earlier_output(figure)
    if figure.entry_mode != EntryModeChoice.YTD or missing or figure.reported_ytd == earlier + figure.output_value:
        raise ValidationError(_("This figure's year-to-date value agrees with its quarters; there is nothing to "
                                "settle."), code="not_mismatched")
    before = (figure.reported_ytd, figure.output_value)
    if keep == KeepYtd.YTD:
        if figure.reported_ytd < earlier:
            raise ValidationError(_("The reported year-to-date value %(ytd)s is below the sum of the earlier quarters "
                                    "(%(earlier)s); keep the quarter's own value, or correct an earlier quarter.")
                                  % {"ytd": f"{figure.reported_ytd.normalize():f}",
                                     "earlier": f"{earlier.normalize():f}"}, code="below_earlier")
        figure.output_value = figure.reported_ytd - earlier
    else:
        figure.reported_ytd = earlier + figure.output_value
    check_entry_rules(figure)  # a figure reported is for a quarter that is over; the value must be plausible
    reason = (f"ytd resolved, kept {keep}: 累计 {before[0].normalize():f} → {figure.reported_ytd.normalize():f}, "
              f"quarter {before[1].normalize():f} → {figure.output_value.normalize():f}")
    figure = save_change(figure, user=user, reason=reason)
    hooks.rollup_mark(cluster_id=figure.cluster_id, year=figure.year)
    return figure

