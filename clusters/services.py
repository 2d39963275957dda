"""Writes to quarterly figures. Every entry path (pages, admin, API, import, commands) calls these.

Each function runs in one transaction, checks the permission layer, validates with the model's
own rules and records a change reason in the figure's history.
"""
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.exceptions import PermissionDenied, ValidationError, VersionConflict
from org.models import User
from progress.services import rollup_request

from .choices import FigureSource, FigureStatus
from .models import Cluster, Enterprise, QuarterlyFigure

EDITABLE_FIELDS = ("output_value", "revenue", "tax", "employees", "fixed_asset_investment", "note")
EDITABLE_STATUSES = (FigureStatus.DRAFT, FigureStatus.RETURNED)


def _save(figure: QuarterlyFigure, reason: str) -> QuarterlyFigure:
    figure.full_clean()
    figure._change_reason = reason
    figure.save()
    return figure


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
    output_value: Decimal,
    enterprise: Enterprise | None = None,
    revenue: Decimal | None = None,
    tax: Decimal | None = None,
    employees: int | None = None,
    fixed_asset_investment: Decimal | None = None,
    note: str = "",
    source: str = FigureSource.ENTERED,
) -> QuarterlyFigure:
    """Create a draft figure for a reporting unit the user may edit."""
    if not access.can_edit(user, cluster):
        raise PermissionDenied(_("You may not enter figures for this cluster."))
    _lock_cluster(cluster.pk)
    figure = QuarterlyFigure(
        cluster=cluster, enterprise=enterprise, year=year, quarter=quarter, output_value=output_value,
        revenue=revenue, tax=tax, employees=employees, fixed_asset_investment=fixed_asset_investment, note=note,
        source=source, entered_by=user, entered_at=timezone.now(),
    )
    return _save(figure, "created")


def _locked_for_edit(*, user: User, figure_id: int, expected_version: int) -> QuarterlyFigure:
    figure = QuarterlyFigure.objects.select_for_update().get(pk=figure_id)
    if not access.can_edit(user, figure):
        raise PermissionDenied(_("You may not change this figure."))
    if figure.version != expected_version:
        raise VersionConflict(figure)
    return figure


@transaction.atomic
def figure_update(*, user: User, figure_id: int, expected_version: int, **changes: object) -> QuarterlyFigure:
    """Change the values of a draft or returned figure; refuses if someone saved it in between."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    figure = _locked_for_edit(user=user, figure_id=figure_id, expected_version=expected_version)
    if figure.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This figure is %(status)s and locked; it cannot be changed.")
                              % {"status": figure.get_status_display()})
    for name, value in changes.items():
        setattr(figure, name, value)
    figure.entered_by, figure.entered_at = user, timezone.now()
    figure.version += 1
    return _save(figure, "updated")


def _transition(figure: QuarterlyFigure, *, to: str, allowed_from: tuple[str, ...], reason: str) -> QuarterlyFigure:
    if figure.status not in allowed_from:
        raise ValidationError(
            _("A %(status)s figure cannot be %(action)s.")
            % {"status": figure.get_status_display(), "action": FigureStatus(to).label}
        )
    figure.status = to
    figure.version += 1
    return _save(figure, reason)


@transaction.atomic
def figure_submit(*, user: User, figure_id: int, expected_version: int) -> QuarterlyFigure:
    """An editor hands a draft (or returned) figure in for review."""
    figure = _locked_for_edit(user=user, figure_id=figure_id, expected_version=expected_version)
    return _transition(figure, to=FigureStatus.SUBMITTED, allowed_from=EDITABLE_STATUSES, reason="submitted")


def _require_planner(user: User) -> None:
    if not user.edits_everything:
        raise PermissionDenied(_("Only a planner may review figures."))


@transaction.atomic
def figure_approve(*, user: User, figure_id: int, expected_version: int, at: datetime | None = None) -> QuarterlyFigure:
    """A planner approves a submitted figure; it then counts in the official numbers and is locked."""
    _require_planner(user)
    figure = _locked_for_edit(user=user, figure_id=figure_id, expected_version=expected_version)
    figure.approved_by, figure.approved_at = user, at or timezone.now()
    figure = _transition(figure, to=FigureStatus.APPROVED, allowed_from=(FigureStatus.SUBMITTED,), reason="approved")
    rollup_request(cluster_id=figure.cluster_id, year=figure.year)
    return figure


@transaction.atomic
def figure_return(*, user: User, figure_id: int, expected_version: int, reason: str) -> QuarterlyFigure:
    """A planner sends a submitted figure back, or reopens an approved one; a reason is required."""
    _require_planner(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the figure is returned.")})
    figure = _locked_for_edit(user=user, figure_id=figure_id, expected_version=expected_version)
    was_approved = figure.status == FigureStatus.APPROVED
    figure.approved_by, figure.approved_at = None, None
    figure = _transition(
        figure, to=FigureStatus.RETURNED, allowed_from=(FigureStatus.SUBMITTED, FigureStatus.APPROVED),
        reason=f"returned: {reason.strip()}",
    )
    if was_approved:
        # Reopening takes the figure out of the official numbers; a plain return changes nothing there.
        rollup_request(cluster_id=figure.cluster_id, year=figure.year)
    return figure
