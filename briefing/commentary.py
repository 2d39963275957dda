"""The departments' quarterly commentary the briefing quotes: each cluster's 主要进展 / 存在问题 / 下步措施 and each
at-risk or off-track goal's 原因及措施 (issue 16, part 2), from the approved commentary of the quarter only
(`commentary.selectors.commentaries_for`, scoped by the permission layer like the figures).

Where a cluster has no approved commentary for the quarter, or a goal no approved 原因及措施, the briefing says so
(`MISSING`, `NO_REMARK`); it never makes text up.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, StageGoal
from commentary.selectors import commentaries_for
from core.periods import Quarter
from org.models import User

# Kept for a platform without the commentary (the sentence the briefing printed before it was collected).
NOT_COLLECTED = _("Commentary (progress, problems, next steps; causes and remedies) is not yet collected by the "
                  "platform: this part is left for the responsible department to add.")
MISSING = _("No approved commentary for this quarter: the responsible department has not written it, or it is not "
            "yet approved.")
NO_REMARK = _("not given in an approved commentary for this quarter.")


@dataclass(frozen=True)
class ClusterCommentary:
    progress: str  # 主要进展
    problems: str  # 存在问题
    next_steps: str  # 下步措施


@dataclass(frozen=True)
class Commentary:
    """What the departments wrote for a quarter: cluster id → its three texts; goal id → 原因及措施."""

    clusters: dict[int, ClusterCommentary] = field(default_factory=dict)
    goals: dict[int, str] = field(default_factory=dict)
    collected: bool = False


def quarter_commentary(*, user: User, clusters: Sequence[Cluster], goals: Sequence[StageGoal], year: int,
                       quarter: int) -> Commentary:
    """The approved commentary of (year, quarter) for these clusters and goals, as `user` may see it. Two queries."""
    found = commentaries_for(user=user, cluster_ids=[c.pk for c in clusters], quarter=Quarter(year, quarter),
                             approved_only=True)
    wanted = {g.pk for g in goals}
    return Commentary(
        clusters={pk: ClusterCommentary(c.progress, c.problems, c.next_steps) for pk, c in found.items()},
        goals={r.goal_id: r.text for c in found.values() for r in c.remarks.all() if r.goal_id in wanted},
        collected=True,
    )
