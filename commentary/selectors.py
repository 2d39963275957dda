"""Reads of the quarterly commentary, each scoped by the permission layer and with its query count stated.

- `commentary_of`: one cluster-quarter's commentary with its goal remarks (two queries);
- `commentaries_for`: the commentaries of many clusters for one quarter, as cluster id → commentary (two
  queries, whatever the number of clusters): the cluster page, the department dashboard, the briefing;
- `remarks_for_goals`: goal id → the latest 原因及措施 written for it up to a quarter (one query): the goals page;
- `goals_needing_remarks`: the cluster's stage goals judged at risk or off track for a year (progress's
  evaluation, four queries), for which a commentary needs a 原因及措施 before it is submitted;
- `completeness`: a quarter's completeness (clusters.completeness.completeness) with the commentary added:
  a cluster counts as complete only when its figures and its commentary are submitted (COMMENTARY_REQUIRED).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from clusters.choices import FigureStatus
from clusters.completeness import Completeness
from clusters.models import Cluster, StageGoal
from core.periods import Quarter
from org.models import Department, User
from progress.goals import Status, evaluate_goals

from .models import GoalRemark, QuarterCommentary

NEEDS_REMARK = (Status.AT_RISK, Status.OFF_TRACK)
HANDED_IN = (FigureStatus.SUBMITTED, FigureStatus.APPROVED)
# The clusters whose quarter is not complete that the completeness page lists by name (a province has 200 and more).
INCOMPLETE_SHOWN = 50


def _with_remarks(queryset: QuerySet[QuarterCommentary]) -> QuerySet[QuarterCommentary]:
    return queryset.select_related("cluster").prefetch_related(
        Prefetch("remarks", queryset=GoalRemark.objects.select_related("goal").order_by("goal__stage", "goal__code")))


def commentary_of(*, user: User, cluster: Cluster, quarter: Quarter, remarks: bool = True) -> QuarterCommentary | None:
    """The commentary of `cluster` for `quarter`, if `user` may see it. One query, and one for its goal remarks
    (unless `remarks` is False)."""
    rows = QuarterCommentary.objects.visible_to(user)
    return (_with_remarks(rows) if remarks else rows).filter(
        cluster=cluster, year=quarter.year, quarter=quarter.quarter).first()


def commentaries_for(*, user: User, cluster_ids: Iterable[int], quarter: Quarter, approved_only: bool = False,
                     remarks: bool = True) -> dict[int, QuarterCommentary]:
    """Cluster id → its commentary for `quarter` (those `user` may see; approved ones only if asked). One query,
    and one for the goal remarks unless `remarks` is False."""
    rows = QuarterCommentary.objects.visible_to(user).filter(
        cluster_id__in=list(cluster_ids), year=quarter.year, quarter=quarter.quarter)
    if approved_only:
        rows = rows.filter(status=FigureStatus.APPROVED)
    return {c.cluster_id: c for c in (_with_remarks(rows) if remarks else rows)}


def remarks_for_goals(*, user: User, goal_ids: Iterable[int], quarter: Quarter,
                      approved_only: bool = False) -> dict[int, GoalRemark]:
    """Goal id → the latest 原因及措施 written for it in a quarter up to `quarter`. One query."""
    up_to = Q(commentary__year__lt=quarter.year) | Q(commentary__year=quarter.year,
                                                      commentary__quarter__lte=quarter.quarter)
    remarks = GoalRemark.objects.visible_to(user).filter(up_to, goal_id__in=list(goal_ids))
    if approved_only:
        remarks = remarks.filter(commentary__status=FigureStatus.APPROVED)
    latest: dict[int, GoalRemark] = {}
    for remark in remarks.select_related("commentary").order_by("commentary__year", "commentary__quarter"):
        latest[remark.goal_id] = remark
    return latest


def goals_needing_remarks(*, cluster: Cluster, year: int) -> list[StageGoal]:
    """The cluster's own stage goals judged at risk or off track for `year` (progress.goals). Four queries."""
    goals = StageGoal.objects.filter(cluster=cluster).select_related("cluster")
    return [e.goal for e in evaluate_goals(year=year, goals=goals) if e.status in NEEDS_REMARK]


def commentary_required() -> bool:
    return getattr(settings, "COMMENTARY_REQUIRED", True)


@dataclass
class ClusterStanding:
    """One cluster's quarter: its figures' standing (every reporting unit) and its commentary."""

    cluster: Cluster
    figures_in: bool
    commentary: QuarterCommentary | None

    @property
    def commentary_in(self) -> bool:
        return self.commentary is not None and self.commentary.status in HANDED_IN

    @property
    def complete(self) -> bool:
        return self.figures_in and (self.commentary_in or not commentary_required())


@dataclass
class DepartmentCompleteness:
    department: Department
    clusters: int = 0
    complete: int = 0
    commentary_missing: int = 0


@dataclass
class CommentaryCompleteness:
    """The quarter's completeness by cluster: figures and commentary together."""

    required: bool
    clusters: list[ClusterStanding] = field(default_factory=list)
    departments: list[DepartmentCompleteness] = field(default_factory=list)

    @property
    def incomplete(self) -> list[ClusterStanding]:
        return [c for c in self.clusters if not c.complete]

    @property
    def incomplete_shown(self) -> list[ClusterStanding]:
        """The first `INCOMPLETE_SHOWN` of `incomplete`: a page lists those and counts the rest (the table of
        departments above counts them all)."""
        return self.incomplete[:INCOMPLETE_SHOWN]

    @property
    def incomplete_left_out(self) -> int:
        return max(len(self.incomplete) - INCOMPLETE_SHOWN, 0)


def completeness(*, user: User, standing: Completeness) -> CommentaryCompleteness:
    """`standing` (the figures' completeness of a quarter, counted `by_cluster`) by cluster, with the
    commentary. Two more queries (the clusters, their commentary)."""
    clusters = {c.pk: c for c in Cluster.objects.filter(pk__in=standing.by_cluster)
                .select_related("responsible_department").order_by("level", "code")}
    figures_in = {pk: not counts.not_submitted for pk, counts in standing.by_cluster.items()}
    texts = commentaries_for(user=user, cluster_ids=clusters, quarter=standing.quarter, remarks=False)
    result = CommentaryCompleteness(required=commentary_required())
    summaries: dict[int, DepartmentCompleteness] = {}
    for pk, cluster in clusters.items():
        row = ClusterStanding(cluster, figures_in[pk], texts.get(pk))
        result.clusters.append(row)
        department = cluster.responsible_department
        summary = summaries.setdefault(department.pk, DepartmentCompleteness(department))
        summary.clusters += 1
        summary.complete += row.complete
        summary.commentary_missing += not row.commentary_in
    result.departments = sorted(summaries.values(), key=lambda s: (s.complete - s.clusters, s.department.code))
    return result
