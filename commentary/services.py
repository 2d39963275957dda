"""Writes to the quarterly commentary: save (create or change, with its goal remarks), submit, approve, return;
and `commentary_follow_figure`, how the commentary follows its cluster-quarter's figures.

Each function runs in one transaction through the kernel's write helper (`core.writes`): the row locked, the
action asked of the permission layer (`edit`, `submit`, `review`), the version the caller read checked
(`VersionConflict` otherwise: a concurrent edit is never overwritten silently), the model's rules, the next
version and a change reason in the history. The status cycle is the figures' (`clusters.choices.FigureStatus`).
"""
from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.choices import FigureStatus
from clusters.models import Cluster, QuarterlyFigure, StageGoal
from core import access
from core.exceptions import PermissionDenied, ValidationError, VersionConflict
from core.periods import Quarter
from core.writes import delete_change, locked_for_change, save_change
from org.models import User

from .models import GoalRemark, QuarterCommentary
from .selectors import goals_needing_remarks

TEXTS = ("progress", "problems", "next_steps")
EDITABLE_STATUSES = (FigureStatus.DRAFT, FigureStatus.RETURNED)
RETURN_REASON_MAX_LENGTH = QuarterCommentary._meta.get_field("return_reason").max_length


def _locked(*, user: User, commentary_id: int, expected_version: int | None, action: str) -> QuarterCommentary:
    refusal = (_("Only a planner may review the commentary.") if action == "review"
               else _("You may not change this commentary."))
    return locked_for_change(QuarterCommentary, commentary_id, user=user, action=action,
                             expected_version=expected_version, refusal=refusal)


def _save_remarks(commentary: QuarterCommentary, remarks: Mapping[int, str], *, user: User) -> None:
    """Goal id → 原因及措施; an empty text removes the goal's remark. Only the cluster's own goals."""
    goals = StageGoal.objects.in_bulk(list(remarks))
    existing = {r.goal_id: r for r in commentary.remarks.all()}
    errors = []
    for goal_id, text in remarks.items():
        goal, text = goals.get(goal_id), (text or "").strip()
        if goal is None or goal.cluster_id != commentary.cluster_id:
            errors.append(_("Goal %(goal)s is not one of this cluster's stage goals.") % {"goal": goal_id})
            continue
        remark = existing.get(goal_id)
        if not text:
            if remark is not None:
                delete_change(remark, user=user, reason="deleted")
            continue
        if remark is None:
            remark = GoalRemark(commentary=commentary, goal=goal)
        elif remark.text == text:
            continue
        remark.text = text
        try:
            save_change(remark, user=user, reason="updated" if remark.pk else "created")
        except ValidationError as error:
            errors += [f"{goal}: {message}" for message in error.messages]
    if errors:
        raise ValidationError({"remarks": errors})


@transaction.atomic
def commentary_save(
    *, user: User, cluster: Cluster, year: int, quarter: int, expected_version: int | None,
    progress: str = "", problems: str = "", next_steps: str = "", remarks: Mapping[int, str] | None = None,
) -> QuarterCommentary:
    """Create or change the draft (or returned) commentary of a cluster-quarter the user may edit.

    `expected_version`: the version read, None when the page showed no commentary yet; if one was saved
    meanwhile, or changed since it was read, `VersionConflict` (carrying the current row), nothing saved.
    """
    if not access.may(user, "edit", cluster):
        raise PermissionDenied(_("You may not write the commentary of this cluster."))
    period = Quarter(year, quarter) if quarter in (1, 2, 3, 4) else None
    if period is not None and not period.is_over():
        raise ValidationError(_("%(quarter)s is not over yet; its commentary can be written after that.")
                              % {"quarter": period.label}, code="quarter_not_over")
    # The cluster's row serialises the first save of a cluster-quarter: two people opening an empty tab at once
    # meet a version conflict, not a duplicate-key error.
    Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
    current = QuarterCommentary.objects.select_for_update().filter(cluster=cluster, year=year, quarter=quarter).first()
    if current is None:
        commentary = QuarterCommentary(cluster=cluster, year=year, quarter=quarter)
        reason = "created"
    else:
        if expected_version is None:
            raise VersionConflict(current)
        commentary = _locked(user=user, commentary_id=current.pk, expected_version=expected_version, action="edit")
        if commentary.status not in EDITABLE_STATUSES:
            raise ValidationError(_("This commentary is %(status)s and locked; it cannot be changed.")
                                  % {"status": commentary.get_status_display()}, code="locked")
        reason = "updated"
    for name, value in (("progress", progress), ("problems", problems), ("next_steps", next_steps)):
        setattr(commentary, name, (value or "").strip())
    commentary.entered_by = user
    commentary = save_change(commentary, user=user, reason=reason)
    if remarks:
        _save_remarks(commentary, remarks, user=user)
    return commentary


def missing_parts(commentary: QuarterCommentary) -> list[str]:
    """What a commentary still lacks before it can be submitted: an empty text, or a 原因及措施 for a goal
    judged at risk or off track in its year."""
    labels = {name: QuarterCommentary._meta.get_field(name).verbose_name for name in TEXTS}
    missing = [_("%(part)s is empty.") % {"part": labels[name]} for name in TEXTS
               if not getattr(commentary, name).strip()]
    remarked = {r.goal_id for r in commentary.remarks.all() if r.text.strip()}
    missing += [_("Give the cause and remedy for the goal at risk: %(goal)s.") % {"goal": goal}
                for goal in goals_needing_remarks(cluster=commentary.cluster, year=commentary.year)
                if goal.pk not in remarked]
    return missing


def _transition(commentary: QuarterCommentary, *, to: str, allowed_from: tuple[str, ...], reason: str,
                user: User | None) -> QuarterCommentary:
    if commentary.status not in allowed_from:
        raise ValidationError(_("A %(status)s commentary cannot be %(action)s.")
                              % {"status": commentary.get_status_display(), "action": FigureStatus(to).label},
                              code="status")
    commentary.status = to
    return save_change(commentary, user=user, reason=reason)


@transaction.atomic
def commentary_submit(*, user: User, commentary_id: int, expected_version: int) -> QuarterCommentary:
    """An editor hands the commentary in: the three texts written, and a 原因及措施 for each goal at risk."""
    commentary = _locked(user=user, commentary_id=commentary_id, expected_version=expected_version, action="submit")
    if missing := missing_parts(commentary):
        raise ValidationError(missing, code="incomplete")
    commentary.submitted_by = user
    return _transition(commentary, to=FigureStatus.SUBMITTED, allowed_from=EDITABLE_STATUSES, reason="submitted",
                       user=user)


@transaction.atomic
def commentary_approve(*, user: User, commentary_id: int, expected_version: int) -> QuarterCommentary:
    """A planner approves a submitted commentary (four eyes, as for figures); the briefing then quotes it."""
    commentary = _locked(user=user, commentary_id=commentary_id, expected_version=expected_version, action="review")
    if settings.REVIEW_REQUIRES_SECOND_PERSON and user.pk in (commentary.entered_by_id, commentary.submitted_by_id):
        raise PermissionDenied(_("You wrote or submitted this commentary; another planner must approve it "
                                 "(four-eyes rule)."))
    commentary.approved_by, commentary.approved_at = user, timezone.now()
    return _transition(commentary, to=FigureStatus.APPROVED, allowed_from=(FigureStatus.SUBMITTED,),
                       reason="approved", user=user)


def _send_back(commentary: QuarterCommentary, *, user: User | None, reason: str,
               history_reason: str) -> QuarterCommentary:
    commentary.approved_by, commentary.approved_at = None, None
    commentary.returned_by, commentary.returned_at = user, timezone.now()
    commentary.return_reason = reason[:RETURN_REASON_MAX_LENGTH]
    return _transition(commentary, to=FigureStatus.RETURNED, allowed_from=(FigureStatus.SUBMITTED,
                                                                           FigureStatus.APPROVED),
                       reason=f"{history_reason}: {commentary.return_reason}", user=user)


@transaction.atomic
def commentary_return(*, user: User, commentary_id: int, expected_version: int, reason: str) -> QuarterCommentary:
    """A planner sends a submitted (or approved) commentary back to its department; a reason is required."""
    commentary = _locked(user=user, commentary_id=commentary_id, expected_version=expected_version, action="review")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the commentary is returned.")})
    if len(reason) > RETURN_REASON_MAX_LENGTH:
        raise ValidationError({"reason": _("At most %(limit)s characters.") % {"limit": RETURN_REASON_MAX_LENGTH}})
    return _send_back(commentary, user=user, reason=reason, history_reason="returned")


def commentary_follow_figure(*, figure: QuarterlyFigure, by: User | None, reason: str) -> QuarterCommentary | None:
    """The commentary of the figure's cluster-quarter follows the figure's step, in the figure's transaction:

    - submitted: a draft or returned commentary is submitted with it, if it is complete (otherwise it stays a
      draft, and completeness shows the quarter as not complete);
    - approved: a submitted commentary is approved once every figure of its cluster-quarter is approved;
    - returned or reopened: a submitted or approved commentary goes back with the figure's reason.
    The figure's service has already asked the permission layer for the step; the commentary takes it with
    the same user and no version check (it is the consequence of the figure's write, not a stale edit).
    """
    commentary = (QuarterCommentary.objects.select_for_update()
                  .filter(cluster_id=figure.cluster_id, year=figure.year, quarter=figure.quarter).first())
    if commentary is None:
        return None
    if figure.status == FigureStatus.SUBMITTED and commentary.status in EDITABLE_STATUSES:
        if missing_parts(commentary):
            return commentary
        commentary.submitted_by = by
        return _transition(commentary, to=FigureStatus.SUBMITTED, allowed_from=EDITABLE_STATUSES,
                           reason="submitted with the figures", user=by)
    if figure.status == FigureStatus.APPROVED and commentary.status == FigureStatus.SUBMITTED:
        pending = QuarterlyFigure.objects.filter(cluster_id=figure.cluster_id, year=figure.year,
                                                 quarter=figure.quarter).exclude(status=FigureStatus.APPROVED)
        if pending.exists():
            return commentary
        commentary.approved_by, commentary.approved_at = by, timezone.now()
        return _transition(commentary, to=FigureStatus.APPROVED, allowed_from=(FigureStatus.SUBMITTED,),
                           reason="approved with the figures", user=by)
    if figure.status == FigureStatus.RETURNED and commentary.status in (FigureStatus.SUBMITTED, FigureStatus.APPROVED):
        _head, _sep, why = reason.partition(": ")
        return _send_back(commentary, user=by, reason=why or reason, history_reason="returned with the figures")
    return commentary
